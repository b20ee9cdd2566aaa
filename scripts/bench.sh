#!/usr/bin/env bash
# Speed side by side with Hugo and MkDocs (benchmarks/compare.py); installs what is missing first:
# Hugo from Debian (apt-get), MkDocs with pip (the `bench` extra of pyproject.toml).
# Usage: scripts/bench.sh [--runs 7] [--baseline DIR]   (PYTHON=... to choose the interpreter;
# default .venv/bin/python when there is a .venv, else python3)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -n "${PYTHON:-}" ]]; then PY=$PYTHON
elif [[ -x .venv/bin/python ]]; then PY=.venv/bin/python
else PY=python3
fi
# The interpreter itself, not a shim: a pyenv shim adds a few hundred ms to every process started
PY=$("$PY" -c 'import sys; print(sys.executable)')

if ! "$PY" -c 'import site_builder' 2>/dev/null; then
  echo "site_builder is not importable by $PY: run scripts/install.sh first" >&2
  exit 1
fi
if ! command -v hugo >/dev/null 2>&1; then
  echo "installing Hugo (Debian package hugo)"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends hugo >/dev/null
fi
if ! "$PY" -m mkdocs --version >/dev/null 2>&1; then
  # Only the extra's own requirements: reinstalling the package would change which checkout it runs from
  mapfile -t wanted < <("$PY" -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bench"], sep="\n")')
  echo "installing ${wanted[*]} with pip"
  "$PY" -m pip install --quiet --disable-pip-version-check "${wanted[@]}"
fi
# Bytecode must be cached as on a user's machine: with PYTHONDONTWRITEBYTECODE every process recompiles
exec env -u PYTHONDONTWRITEBYTECODE "$PY" benchmarks/compare.py "$@"
