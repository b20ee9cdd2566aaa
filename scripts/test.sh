#!/usr/bin/env bash
# Fresh machine -> the whole test suite. Installs the package with its test tools (scripts/install.sh --test:
# Chromium, nginx, Java, npm checkers, PostgreSQL) and runs pytest with the venv's Python; options go to pytest
# (`scripts/test.sh -m "not slow"`: the quick part, without browsers, servers and new processes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
# As if activated: tests that start `site-builder` or `playwright` find the venv's.
export VIRTUAL_ENV=$PWD/.venv
export PATH=$VIRTUAL_ENV/bin:$PATH
# Debian keeps PostgreSQL's initdb/pg_ctl off PATH (in /usr/lib/postgresql/<version>/bin): the newest one.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
[[ -n $pg_bin ]] && export PATH=$PATH:$pg_bin
# Without Debian's Chromium (Ubuntu, see scripts/install.sh) the tests drive Playwright's own.
if [[ -z ${SITE_BUILDER_CHROMIUM:-} && ! -x /usr/bin/chromium ]]; then
  SITE_BUILDER_CHROMIUM=$("$VIRTUAL_ENV/bin/python" -c 'from playwright.sync_api import sync_playwright
with sync_playwright() as p: print(p.chromium.executable_path)')
  export SITE_BUILDER_CHROMIUM
fi
# In parallel (pytest-xdist): twice as many workers as cores, since much of the suite waits (on the bot's
# retries, servers, Chromium) rather than computes; each worker is a session of its own (its own example build,
# Chromium and PostgreSQL cluster). A worker left idle takes tests from a busy one (worksteal), so the long
# end-to-end tests do not wait in one queue. TEST_WORKERS=N chooses; `-n 0` among the options runs in one process.
workers=${TEST_WORKERS:-$(( 2 * $(nproc) ))}
echo "==> python -m pytest -n $workers --dist worksteal $*"
exec "$VIRTUAL_ENV/bin/python" -m pytest -n "$workers" --dist worksteal "$@"
