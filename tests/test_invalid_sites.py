"""Invalid sites, Zola style: each folder in tests/invalid_sites/ is a small site and its exact messages.

A case folder holds:
  site.toml          the settings (a case without one tests a missing or odd settings file)
  content/           optional; without it the example's texts are used
  any other file     e.g. a logo the settings name
  args.txt           optional: the command line (default `check`), e.g. `check -c /dev/zero`
  fifos.txt          optional: paths (one a line) made named pipes before the run (git keeps no pipes)
  sparse.txt         optional: lines `PATH SIZE`, files of SIZE bytes made sparse before the run (3 GB in no
                     time and no disk space: a file must be refused by its size, never read)
  expected.txt       the exact stderr of `site-builder <args>` run in the folder, LANG=C (in the suite's process:
                     conftest.run_cli, which e2e/test_commands.py holds to what a new process says)
  expected_exit.txt  optional: the exit code (default 1)
Every folder is a case, whatever its name (other areas add theirs with a prefix: `text-`, `print-`).
`UPDATE_EXPECTED=1 pytest tests/test_invalid_sites.py` rewrites expected.txt from what the command prints:
review the diff before committing it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ENGLISH, EXAMPLE, run_cli

CASES_DIR = Path(__file__).parent / "invalid_sites"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.is_dir())
# Every case is refused (or accepted) quickly: a hostile value must not make the check run for minutes.
TIME_LIMIT_S = 20


def _lines(file: Path) -> list[str]:
    return [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()] if file.exists() else []


def run_case(case: Path, site: Path) -> tuple[subprocess.CompletedProcess, float]:
    shutil.copytree(case, site, symlinks=True)
    if not (site / "content").exists():
        shutil.copytree(EXAMPLE / "content", site / "content")
    for line in _lines(case / "fifos.txt"):
        (site / line).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(site / line)
    for line in _lines(case / "sparse.txt"):
        name, size = line.rsplit(" ", 1)
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        with open(site / name, "wb") as f:
            f.truncate(int(size))
    args_file = case / "args.txt"
    args = shlex.split(args_file.read_text(encoding="utf-8")) if args_file.exists() else ["check"]
    started = time.monotonic()
    # English messages, the date of the test suite, and no trace of the caller's locale
    result = run_cli(*args, cwd=site, env=ENGLISH, timeout=TIME_LIMIT_S * 3)
    return result, time.monotonic() - started


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_site_gives_exactly_the_expected_messages(case, tmp_path):
    result, seconds = run_case(case, tmp_path / case.name)
    expected_file = case / "expected.txt"
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text(result.stderr, encoding="utf-8")
    assert expected_file.exists(), f"{expected_file} is missing (UPDATE_EXPECTED=1 writes it)"
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.splitlines() == expected_file.read_text(encoding="utf-8").splitlines()
    exit_file = case / "expected_exit.txt"
    assert result.returncode == (int(exit_file.read_text()) if exit_file.exists() else 1), result.stderr
    assert seconds < TIME_LIMIT_S, f"took {seconds:.1f} s"


def test_every_case_folder_is_complete():
    assert CASES, "no cases found"
    for case in CASES:
        assert (case / "expected.txt").is_file(), case.name
        assert (case / "site.toml").exists() or (case / "args.txt").exists(), case.name
