#!/usr/bin/env bash
# Fresh machine -> the whole test suite (installs the package, Chromium, nginx and the npm checkers).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
exec "${PYTHON:-python3}" -m pytest "$@"
