"""Shared fixtures: a copy of the example site in a temporary folder, and a way to run the CLI."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
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


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m site_builder ARGS` as a user would, capturing its output."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", "LC_ALL": "C.UTF-8", "LANGUAGE": "", **(env or {})}
    return subprocess.run([sys.executable, "-m", "site_builder", *args], cwd=cwd, capture_output=True,
                          text=True, env=full_env, timeout=120)


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
