#!/usr/bin/env bash
# Fresh machine -> the example business built into output/. Options go to `site-builder build`
# (e.g. --preview, which also gets a Chromium). Everything runs from the project's virtual environment
# .venv (scripts/install.sh makes it), never from the system Python.
set -euo pipefail
cd "$(dirname "$0")/.."
install=(scripts/install.sh)
for arg in "$@"; do [[ $arg == --preview ]] && install+=(--browser); done
"${install[@]}"
echo "==> .venv/bin/site-builder build $*"
.venv/bin/site-builder build "$@"
cat <<'HINT'
==> done. Use site-builder from the virtual environment:
      source .venv/bin/activate      then: site-builder check, site-builder build, ...
    or without activating:  .venv/bin/site-builder build
HINT
