#!/usr/bin/env bash
# Fresh machine -> the example business built into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec "${PYTHON:-python3}" -m site_builder build "$@"
