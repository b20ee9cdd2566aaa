#!/usr/bin/env bash
# Install what the project needs into the project's virtual environment .venv; each step says what it
# does on one line and is skipped when already done (a second run takes about a second).
#
# Usage: scripts/install.sh            the package with the `preview` extra (Playwright), for `site-builder`
#        scripts/install.sh --browser  also a Chromium for `build --preview` (Debian's package, elsewhere
#                                      Playwright's own download)
#        scripts/install.sh --test     also the test tools: Debian packages (Chromium, nginx, Java, npm,
#                                      fonts, PostgreSQL), the `test` extra and the npm checkers
#
# Why a venv: Debian 12+, Ubuntu 23.04+ refuse `pip install` into the system Python (PEP 668,
# "externally-managed-environment"). Nothing here ever runs pip outside .venv.
# PYTHON=/path/to/python3 chooses the Python the venv is made from (default: python3 on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP=$VENV/.site-builder-installed   # the digest of pyproject.toml installed from, then the extras
PY=${PYTHON:-python3}
TEST=0 BROWSER=0
for arg in "$@"; do
  case $arg in
    --test) TEST=1 BROWSER=1 ;;
    --browser) BROWSER=1 ;;
    *) echo "usage: scripts/install.sh [--browser | --test]" >&2; exit 2 ;;
  esac
done

step() { printf '==> %s\n' "$*"; }
die() { printf 'scripts/install.sh: %s\n' "$*" >&2; exit 1; }

# --- Debian packages: apt-get as root, or through sudo --------------------------------------------------
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 ||
    die "missing: $* (no apt-get here: install them with your system's package manager)"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "missing: $* (run as root: apt-get install $*)"
    sudo=(sudo)
  fi
  if (( ! APT_UPDATED )); then
    step "apt-get update (the list of Debian packages)"
    "${sudo[@]}" apt-get update -qq
    APT_UPDATED=1
  fi
  step "apt-get install $* (downloads; may take a minute)"
  # Progress as one line per package (downloaded, set up) instead of a silent wait; errors go to stderr
  # unfiltered. `true`: grep finding nothing is no failure, apt-get's own status decides (pipefail).
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" |
    { grep --line-buffered -E '^(Get:|Setting up)' | sed -u 's/^/    /'; true; }; then
    die "apt-get install $* failed (see above; on Ubuntu some packages are in 'universe': add-apt-repository universe)"
  fi
}

# --- A Python 3.11+ ----------------------------------------------------------------------------------------
if ! command -v "$PY" >/dev/null 2>&1; then
  [[ "$PY" == python3 ]] || die "PYTHON=$PY is not found"
  apt_install python3 python3-venv
fi
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  die "$("$PY" --version 2>&1) is too old: site-builder needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)"
PYVER=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# --- The virtual environment --------------------------------------------------------------------------------
# Healthy: its Python runs, has pip, is the same X.Y as the chosen one and the venv was made in this folder
# (a venv's scripts hold absolute paths, so a moved clone needs a new one).
venv_ok() {
  [[ -x $VENV/bin/python ]] && [[ -f $VENV/.site-builder-origin ]] &&
    [[ "$(cat "$VENV/.site-builder-origin")" == "$PWD $PYVER" ]] &&
    "$VENV/bin/python" -c 'import pip' >/dev/null 2>&1
}
if ! venv_ok; then
  if [[ -e $VENV ]]; then
    # Remove only what is recognisably a virtual environment, never an unrelated folder of that name.
    [[ -f $VENV/pyvenv.cfg ]] || die "$VENV exists but is not a virtual environment (move it away)"
    step "removing the old $VENV (made elsewhere, by another Python, or unfinished)"
    rm -rf "$VENV"
  fi
  # Debian and Ubuntu ship venv's pip bootstrap (ensurepip) in a separate package.
  if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    apt_install "python$PYVER-venv"
  fi
  step "creating the virtual environment $VENV with $("$PY" --version 2>&1) ($(command -v "$PY"))"
  "$PY" -m venv "$VENV" || { rm -rf "$VENV"; die "could not create $VENV (see above)"; }
  echo "$PWD $PYVER" >"$VENV/.site-builder-origin"
fi
VPY=$VENV/bin/python

# --- The package, editable, with its extras ----------------------------------------------------------------
extras=preview
(( TEST )) && extras=preview,test
# Python computes the digest: sha256sum is not on macOS.
key=$("$PY" -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest()[:16])')
installed() {  # the stamp names this pyproject.toml and every extra asked for now
  [[ -f $STAMP ]] && [[ "$(head -n1 "$STAMP")" == "$key" ]] || return 1
  local extra
  for extra in ${extras//,/ }; do grep -qx "$extra" "$STAMP" || return 1; done
}
if installed; then
  step "site-builder with [$extras] is installed in $VENV (pyproject.toml unchanged)"
else
  step "pip install -e .[$extras] into $VENV (the first time downloads about 100 MB)"
  # editable_mode=compat: a plain path in a .pth file instead of setuptools' import hook, which every
  # command would pay for at start-up (about 13 ms of a 90 ms rebuild; benchmarks/README.md)
  "$VPY" -m pip install --disable-pip-version-check --progress-bar on -e ".[$extras]" \
    --config-settings editable_mode=compat
  { echo "$key"; tr , '\n' <<<"$extras"; } >"$STAMP"
fi

# --- A Chromium for Playwright ------------------------------------------------------------------------------
# Debian's chromium package is used where there is one (/usr/bin/chromium, see site_builder/preview.py).
# Ubuntu's "chromium" is only a wrapper around a snap, which does not run in containers and CI: there (and on
# other systems) Playwright downloads its own Chromium, with the system libraries it needs.
os_id=$( (. /etc/os-release 2>/dev/null && echo "${ID:-}") || true)
missing=()
if (( BROWSER )) && [[ ! -x "${SITE_BUILDER_CHROMIUM:-/usr/bin/chromium}" ]]; then
  if [[ $os_id == debian ]]; then
    missing+=(chromium)
  elif compgen -G "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}/chromium*" >/dev/null; then
    step "Playwright's Chromium is present"
  else
    # Playwright's own Node.js needs libatomic, which minimal systems (Ubuntu's container image) lack.
    "$VENV/bin/playwright" --version >/dev/null 2>&1 || apt_install libatomic1
    step "playwright install --with-deps chromium (downloads about 150 MB)"
    "$VENV/bin/playwright" install --with-deps chromium
  fi
fi
(( TEST )) || { (( ${#missing[@]} == 0 )) || apt_install "${missing[@]}"; exit 0; }

# --- Test tools ----------------------------------------------------------------------------------------------
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# A fresh Debian may lack fc-list (fontconfig): then the font's folder tells.
[[ -d /usr/share/fonts/truetype/dejavu ]] || fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
# The consent-bot tests start their own PostgreSQL cluster with initdb/pg_ctl.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 ||
  missing+=(postgresql)
# The consent-register test opens the CSV in a real spreadsheet (LibreOffice Calc, headless).
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
if (( ${#missing[@]} )); then
  apt_install "${missing[@]}"
else
  step "Debian packages present: Chromium, nginx, Java, npm, DejaVu fonts, PostgreSQL, LibreOffice Calc"
fi

# The checkers of the browser tests (axe-core, vnu-jar), exactly as locked. Again when the lock changed.
# --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime; the Debian Java above is used instead.
if [[ -f package-lock.json ]]; then
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    step "npm ci (the HTML and accessibility checkers of the tests)"
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  else
    step "npm checkers present (package-lock.json unchanged)"
  fi
fi
