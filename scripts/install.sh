#!/usr/bin/env bash
# Install what the project needs; each step is skipped when already done.
# Usage: scripts/install.sh [--test]   (--test adds the test tools: Chromium, nginx, Java, npm packages)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

if [[ "${1:-}" == "--test" ]]; then
  "$PY" -m pip install --quiet --disable-pip-version-check -e '.[test]'
  missing=()
  [[ -x "${SITE_BUILDER_CHROMIUM:-/usr/bin/chromium}" ]] || missing+=(chromium)
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
  if (( ${#missing[@]} )); then
    echo "installing Debian packages: ${missing[*]}"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The checkers of the browser tests (axe-core, vnu-jar), exactly as locked. Again when the lock changed.
  # --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime; the Debian Java above is used instead.
  if [[ -f package-lock.json ]] && [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  fi
else
  "$PY" -m pip install --quiet --disable-pip-version-check -e .
fi
