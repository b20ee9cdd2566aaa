"""The command as a user starts it: the `site-builder` console script the install puts on PATH, and a new
process giving exactly what the suite's in-process runs (conftest.run_cli) give."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ENGLISH, GERMAN, copy_example, edit, run_cli, run_process, tree_digest


def test_console_script_is_installed(tmp_path):
    path = shutil.which("site-builder")
    assert path, "site-builder is not on PATH; run scripts/install.sh"
    import subprocess
    result = subprocess.run([path, "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "check" in result.stdout


# The suite runs most commands in its own process (conftest.run_cli); here each of a few kinds of run is made
# both ways, and the process's exit code, stdout, stderr and files must be what run_cli gave.
RUNS = {
    "build": (("build",), None, {}),
    "build-again": (("build",), "build", {}),
    "check-broken-de": (("check",), "break", GERMAN),
    "usage-error": (("build", "--jobs", "0"), None, ENGLISH),
    "help-de": (("--help",), None, GERMAN),
    "init": (("init", "neu", "--trade", "baeckerei"), None, ENGLISH),
    "consents": (("consents", "chat.txt", "-o", "register.csv"), "chat", GERMAN),
}


def _prepared(folder: Path, setup: str | None) -> Path:
    site = copy_example(folder)
    if setup == "build":
        assert run_process("build", cwd=site).returncode == 0
    elif setup == "break":
        edit(site / "site.toml", "bleed_mm = 3", "bleed_mm = 9")
    elif setup == "chat":
        (site / "chat.txt").write_text("28.11.26, 14:07 - Anna Schmidt: Hallo Schreinerei Muster, ich willige ein. "
                                       "(Einwilligung 0badc0de)\n31.02.26, 14:08 - Anna Schmidt: ?\n", encoding="utf-8")
    return site


def _same(text: str, tmp_path: Path, which: str) -> str:
    """The output with what differs between any two runs made equal: the run's folder, and the milliseconds a
    build reports (`built output: 111 files (28 in site/) in 287 ms`: "1018 ms" in a new process)."""
    return re.sub(r"\b\d+ ms\b", "N ms", text.replace(str(tmp_path / which), str(tmp_path)))


@pytest.mark.parametrize("name", RUNS)
def test_a_command_run_in_the_suites_process_says_and_writes_what_a_new_process_does(tmp_path, name):
    args, setup, env = RUNS[name]
    in_process, new_process = _prepared(tmp_path / "a" / "site", setup), _prepared(tmp_path / "b" / "site", setup)
    ran = run_cli(*args, cwd=in_process, env=env)
    started = run_process(*args, cwd=new_process, env=env)
    assert (started.returncode, _same(started.stdout, tmp_path, "b"), _same(started.stderr, tmp_path, "b")) == (
        ran.returncode, _same(ran.stdout, tmp_path, "a"), _same(ran.stderr, tmp_path, "a"))
    assert started.stdout or started.stderr
    assert tree_digest(new_process) == tree_digest(in_process)
