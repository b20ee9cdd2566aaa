"""Shared fixtures: a copy of the example site in a temporary folder, and two ways to run the command line: in
this process (run_cli, most tests) and in a new one (run_process, where the process is the point)."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import logging
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import traceback
from pathlib import Path

import pytest

# The suite asserts English messages wherever it does not choose a language itself (run_cli's ENGLISH and
# GERMAN, or LANGUAGE in a test's own environment). LANGUAGE decides the message language before LC_ALL,
# LC_MESSAGES and LANG (site_builder/messages), so pinning it here makes every message English, in this
# process and in the programs the tests start, whatever the caller's locale (LANG=de_DE.UTF-8, C.UTF-8 or
# none); the locale itself (LANG, LC_*) stays the caller's, so what depends on it is still tested under it.
# Set while conftest is imported: before any test module is collected and any fixture runs.
os.environ["LANGUAGE"] = "en"

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
EXAMPLE = ROOT / "site_builder" / "example"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test fails: a check that did not run proves nothing (outside CI a missing tool skips)."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every check must run: {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """The same for a whole module that skips itself while being collected (`pytest.skip(allow_module_level=True)`,
    a module-level `skipif`): in CI that is a failed collection, not a silent skip."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"module skipped in CI, where every check must run: {report.longrepr}"


E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(config, items):
    """Every test in tests/e2e/ is slow: a real browser, real servers, the README's commands, new processes.
    (Elsewhere a module or test says so itself with `pytest.mark.slow`.)"""
    for item in items:
        if E2E in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.slow)


def copy_example(target: Path) -> Path:
    """The example business (settings, logo, texts, archived consent versions) copied to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "site.toml", target / "site.toml")
    shutil.copy(EXAMPLE / "logo.svg", target / "logo.svg")
    shutil.copytree(EXAMPLE / "content", target / "content")
    if (EXAMPLE / "consent-versions").is_dir():
        shutil.copytree(EXAMPLE / "consent-versions", target / "consent-versions")
    return target


# The command line's language as an owner's shell sets it (messages in English or German)
ENGLISH = {"LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
GERMAN = {"LANG": "de_DE.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}


# What every run of the command line gets, in this process or a new one: the suite's date, a UTF-8 locale, and
# the message language from LANG/LC_* (a test's `env` sets them: ENGLISH, GERMAN), not the suite's LANGUAGE=en
CLI_ENV = {"SOURCE_DATE_EPOCH": "1790000000", "LC_ALL": "C.UTF-8", "LANGUAGE": ""}
CLI_TIMEOUT_S = 120


def run_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m site_builder ARGS` in a new process, as a user would, capturing its output: for the tests
    whose point is the process (its start, its imports, its exit, a signal, a second package on PYTHONPATH)."""
    return subprocess.run([sys.executable, "-m", "site_builder", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, **CLI_ENV, **(env or {})}, timeout=CLI_TIMEOUT_S)


class _TimedOut(BaseException):
    """Raised by the alarm into a command that ran past its time (BaseException: no `except Exception` stops it)."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _TimedOut()


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = CLI_TIMEOUT_S,
            errors: str = "strict") -> subprocess.CompletedProcess:
    """Run `site-builder ARGS` in this process (site_builder.cli.main), capturing what a new process would give:
    its environment (run_process's, nothing else), its working folder, stdout and stderr as the bytes a UTF-8
    terminal gets (stdout with surrogateescape, stderr with backslashreplace, as Python sets them there, decoded
    strictly unless `errors` says otherwise, as subprocess decodes them), the exit code of SystemExit, an
    escaped exception printed as Python prints it (a traceback, exit 1), and subprocess.TimeoutExpired past
    `timeout`. Most tests check what a command says and writes; starting a Python and importing the libraries
    again for each would cost most of the suite's time. The command must leave this process as it found it,
    checked after every call: the environment, the working folder, the message language, the signal handlers,
    the cycle collector, no logging handler added, no thread or child process left running."""
    from site_builder import cli, messages

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    threads, children = set(threading.enumerate()), set(multiprocessing.active_children())
    handlers, signals, collecting = _logging_handlers(), _signal_handlers(), gc.isenabled()
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape", newline="\n")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", newline="\n")
    alarm = threading.current_thread() is threading.main_thread()  # signals reach the main thread only
    previous = signal.signal(signal.SIGALRM, _on_alarm) if alarm else None
    os.environ.clear()
    os.environ.update({**saved_env, **CLI_ENV, **(env or {})})
    try:
        os.chdir(cwd)
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
                if not isinstance(exc.code, (int, type(None))):
                    print(exc.code, file=sys.stderr)
            except Exception:
                traceback.print_exc()
                code = 1
    except _TimedOut:
        raise subprocess.TimeoutExpired(["site-builder", *args], timeout) from None
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    out.flush()
    err.flush()
    result = subprocess.CompletedProcess(["site-builder", *args], code, out.buffer.getvalue().decode("utf-8", errors),
                                         err.buffer.getvalue().decode("utf-8", errors))
    assert messages.current_language() == messages.language_from_environment(), "the message language stayed set"
    assert not [t for t in threading.enumerate() if t not in threads], f"{args}: a thread still runs"
    assert not set(multiprocessing.active_children()) - children, f"{args}: a child process still runs"
    assert _signal_handlers() == signals, f"{args}: a signal handler was left set"
    assert _logging_handlers() <= handlers, f"{args}: a logging handler was left added"
    assert gc.isenabled() == collecting, f"{args}: the cycle collector was left switched"
    return result


def _signal_handlers() -> dict[int, object]:
    return {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM)}


def _logging_handlers() -> set[tuple[str, int]]:
    loggers = [logging.getLogger(), *(x for x in logging.Logger.manager.loggerDict.values()
                                      if isinstance(x, logging.Logger))]
    return {(logger.name, id(handler)) for logger in loggers for handler in logger.handlers}


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a text file with `new`; `old` must be there (a test cannot silently test nothing)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below `folder` with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A fresh copy of the example site."""
    return copy_example(tmp_path / "site")


@pytest.fixture(scope="session")
def built_example(tmp_path_factory) -> Path:
    """The example site built once per test session; returns its output folder."""
    folder = copy_example(tmp_path_factory.mktemp("example"))
    result = run_cli("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "output"
