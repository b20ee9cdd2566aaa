"""The README's first command on a clean clone with only Debian's Python: scripts/build-example.sh makes the
project venv .venv from /usr/bin/python3 (which refuses `pip install` outside a venv, PEP 668), installs into it
and builds the example. Where /usr/bin/python3 lacks its venv module, the script's apt step installs it.

Slow-ish (a real venv and `pip install`, from pip's cache after the first time): one test does it all."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"
# Only the system's folders: no pyenv shims, no /usr/local, no venv of the calling test run.
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def clone(dest: Path) -> Path:
    """What a fresh clone holds: the repository's files (tracked, plus new ones not ignored), as on disk now.
    Without git (an unpacked archive), everything but what .gitignore names (.venv/, output/, ...)."""
    if not shutil.which("git") or not (REPO / ".git").exists():
        ignored = [line.strip().rstrip("/") for line in (REPO / ".gitignore").read_text().splitlines()
                   if line.strip() and not line.startswith("#")]
        shutil.copytree(REPO, dest, symlinks=True, ignore=shutil.ignore_patterns(*ignored))
        return dest
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, names):
        src, dst = REPO / name, dest / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():  # the example's site.toml, content/, themes/ are links into the package
            dst.symlink_to(os.readlink(src))
        elif src.is_file():  # a tracked file deleted in the work tree is not in a clone of it
            shutil.copy2(src, dst)
    return dest


def fake_pips(folder: Path) -> Path:
    """`pip` and `pip3` first on PATH that note each call and fail: the scripts must use the venv's pip."""
    folder.mkdir()
    for name in ("pip", "pip3"):
        script = folder / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{folder}/calls"\nexit 1\n')
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


def run_script(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["scripts/build-example.sh"], cwd=repo, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=900)


def pip_commands(trace: str) -> list[str]:
    """Every command in a bash xtrace (`+ cmd args`, one `+` per nesting level) that runs pip: `pip ...`,
    `/some/bin/pip3 ...` or `python -m pip ...`."""
    ran = []
    for line in trace.splitlines():
        words = line.lstrip("+").split()
        if not line.startswith("+") or not words:
            continue
        module = words[words.index("-m") + 1] if "-m" in words[:-1] else ""
        if Path(words[0]).name in ("pip", "pip3") or module == "pip":
            ran.append(" ".join(words))
    return ran


def test_build_example_works_with_only_debians_python(tmp_path):
    if not Path(SYSTEM_PYTHON).is_file():
        pytest.skip(f"{SYSTEM_PYTHON} is not installed (apt-get install python3)")
    repo = clone(tmp_path / "clone")
    fakes = fake_pips(tmp_path / "fake-pips")
    path = f"{fakes}:{SYSTEM_PATH}"
    assert shutil.which("python3", path=path) == SYSTEM_PYTHON
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHON"} and not k.startswith("PYENV")}
    env.update(PATH=path,
               # pip itself refuses to install outside a venv, also as `python3 -m pip`.
               PIP_REQUIRE_VIRTUALENV="true",
               # Every bash started by the scripts traces its commands (to stderr): read back below.
               SHELLOPTS="xtrace",
               # the build's messages are asserted in English; the locale (LANG) stays the caller's
               LANGUAGE="en")

    first = run_script(repo, env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]

    # The venv: made by this run, from Debian's Python, with the package and the preview extra in it.
    venv_python = repo / ".venv/bin/python"
    assert Path(os.path.realpath(venv_python)) == Path(os.path.realpath(SYSTEM_PYTHON))
    base = subprocess.run([venv_python, "-c", "import sys, playwright, site_builder;"
                           "print(sys.prefix, sys.base_prefix, site_builder.__file__)"],
                          env={"PATH": SYSTEM_PATH}, cwd=tmp_path,  # not a folder with a site_builder/
                          capture_output=True, text=True, check=True).stdout.split()
    assert base[:2] == [str(repo / ".venv"), "/usr"]
    assert Path(base[2]).is_relative_to(repo), "the editable install must be the clone's own package"
    assert (repo / ".venv/bin/site-builder").is_file()

    # The example business was built.
    index = repo / "output/site/index.html"
    assert index.is_file() and "<html" in index.read_text(encoding="utf-8")
    assert "==> done" in first.stdout and ".venv/bin/site-builder" in first.stdout

    # pip ran, and only the venv's.
    assert not (fakes / "calls").exists(), (fakes / "calls").read_text()
    ran = pip_commands(first.stderr)
    assert ran, "the trace shows no pip call at all: the check above would prove nothing"
    assert all(c.startswith(".venv/bin/python -m pip ") for c in ran), ran

    # A second run skips pip (pyproject.toml unchanged) and still builds.
    second = run_script(repo, env)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "is installed in .venv (pyproject.toml unchanged)" in second.stdout
    assert pip_commands(second.stderr) == []
    # nothing changed since the first run: the build says so and writes nothing
    assert "output is up to date: nothing changed since the last build" in second.stdout


def test_the_test_command_refuses_to_report_success_without_tests(tmp_path):
    """.ci/run fails when pytest collected nothing (exit 5): a run that checked nothing proves nothing."""
    repo = clone(tmp_path / "clone")
    # A stand-in test.sh with pytest's "no tests ran" status; .ci/run must pass it on.
    (repo / "scripts/test.sh").write_text("#!/usr/bin/env bash\nexit 5\n")
    result = subprocess.run(["bash", ".ci/run"], cwd=repo, capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL, env={**os.environ, "PATH": SYSTEM_PATH})
    assert result.returncode == 5
    assert "ran no tests" in result.stderr


def test_ci_runs_part_of_the_suite_again_in_a_german_terminal_and_fails_with_it(tmp_path):
    """Issue 20: the suite once failed 57 tests under LANG=de_DE.UTF-8; CI keeps a German pass so it cannot return."""
    repo = clone(tmp_path / "clone")
    calls = tmp_path / "calls"
    # A stand-in test.sh that notes its locale and arguments, and fails when German (FAIL_GERMAN=1).
    (repo / "scripts/test.sh").write_text(
        '#!/usr/bin/env bash\n'
        f'echo "LANG=${{LANG-unset}} LC_ALL=${{LC_ALL-unset}} LANGUAGE=${{LANGUAGE-unset}} $*" >> "{calls}"\n'
        '[[ ${FAIL_GERMAN-} == 1 && ${LANG-} == de_DE.UTF-8 ]] && exit 1\nexit 0\n')
    env = {**os.environ, "PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": "en"}
    result = subprocess.run(["bash", ".ci/run"], cwd=repo, capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL, env=env)
    assert result.returncode == 0, result.stderr
    whole, german = calls.read_text().splitlines()
    assert whole == "LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=en -q"
    assert german.startswith("LANG=de_DE.UTF-8 LC_ALL=unset LANGUAGE=unset -q tests/")
    named = german.split(" -q ")[1].split()
    for must in ("tests/messages/", "tests/register/test_register.py", "tests/test_invalid_sites.py",
                 "tests/test_output.py", "tests/e2e/bot/test_register.py::test_database_register_equals_the_export_register"):
        assert must in named, german
    for test in named:  # every file or folder the German pass names exists (a renamed one would run nothing)
        path = REPO / test.split("::")[0]
        assert path.is_dir() if test.endswith("/") else path.is_file(), test
    calls.unlink()
    failed = subprocess.run(["bash", ".ci/run"], cwd=repo, capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL, env={**env, "FAIL_GERMAN": "1"})
    assert failed.returncode == 1 and len(calls.read_text().splitlines()) == 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
