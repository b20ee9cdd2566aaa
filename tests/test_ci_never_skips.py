"""With CI=true no check may skip itself: a skip in a test, a fixture or a whole module fails instead."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # pytest in new processes

HERE = Path(__file__).parent


def _run(folder: Path, ci: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CI": ci}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                          cwd=folder, capture_output=True, text=True, env=env, timeout=120)


def _folder(root: Path, name: str, source: str) -> Path:
    folder = root / name
    folder.mkdir()
    shutil.copy(HERE / "conftest.py", folder / "conftest.py")
    (folder / f"test_{name}.py").write_text(source, encoding="utf-8")
    return folder


def test_a_module_that_skips_itself_fails_in_ci_and_only_there(tmp_path):
    folder = _folder(tmp_path, "module", "import pytest\npytest.skip('no tool', allow_module_level=True)\n"
                                         "def test_a():\n    pass\n")
    ci = _run(folder, "true")
    assert ci.returncode != 0 and "module skipped in CI, where every check must run" in ci.stdout
    local = _run(folder, "")
    assert local.returncode in (0, 5) and "1 skipped" in local.stdout.splitlines()[-1]  # 5: nothing ran, by design


def test_a_skip_in_a_test_or_fixture_fails_in_ci_and_only_there(tmp_path):
    folder = _folder(tmp_path, "tests", "import pytest\n@pytest.fixture\ndef tool():\n    pytest.skip('no tool')\n"
                                        "def test_b(tool):\n    pass\ndef test_c():\n    pytest.skip('no tool')\n")
    ci = _run(folder, "true")
    assert ci.returncode != 0 and ci.stdout.count("skipped in CI, where every check must run") >= 2
    assert "skipped" not in ci.stdout.splitlines()[-1]
    local = _run(folder, "")
    assert local.returncode == 0 and "2 skipped" in local.stdout.splitlines()[-1]
