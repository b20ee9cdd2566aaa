"""A unit's reuse key is made of what its files are made of: its stage's model and the code that draws it.

An edited or upgraded renderer redraws what it draws on the next `build` (no number to bump by hand), and
nothing else; a rebuild whose models and code are the same writes nothing new.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, copy_example

def _package_copy(tmp_path: Path) -> Path:
    """site_builder as an upgrade or a local edit leaves it: a copy that a build imports (PYTHONPATH)."""
    where = tmp_path / "installed"
    shutil.copytree(ROOT / "site_builder", where / "site_builder", ignore=shutil.ignore_patterns("__pycache__"))
    return where


def _build(site: Path, package: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package), "SOURCE_DATE_EPOCH": "1790000000", "LC_ALL": "C.UTF-8",
           "LANGUAGE": ""}
    result = subprocess.run([sys.executable, "-m", "site_builder", "build"], cwd=site, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def _files(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the output with its inode (a file reused from the previous output keeps it) and bytes."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in out.rglob("*")
            if p.is_file() and not p.name.startswith(".site-builder")}


def test_an_edited_renderer_redraws_its_units_on_the_next_build_and_nothing_else(tmp_path):
    package = _package_copy(tmp_path)
    site = copy_example(tmp_path / "site")
    _build(site, package)
    before = _files(site / "output")
    renderer = package / "site_builder" / "stages" / "records" / "render_html.py"
    css = renderer.read_text(encoding="utf-8")
    assert "background: #f6f6f6;" in css, "the records' CSS colour this test edits"
    renderer.write_text(css.replace("background: #f6f6f6;", "background: #eef3f8;"), encoding="utf-8")  # an upgrade
    _build(site, package)
    after = _files(site / "output")
    assert sorted(after) == sorted(before)
    redrawn = {path for path in after if after[path][1] != before[path][1]}
    records_html = {path for path in after if path.startswith("records/") and path.endswith(".html")}
    assert redrawn == records_html and len(records_html) == 26
    assert all("#eef3f8" in after[path][1].decode("utf-8") for path in redrawn)
    # the records' units were drawn again (each draws its HTML and PDF; the PDFs come out the same), every other
    # unit's files are the previous build's own, linked, not drawn
    assert all(after[path][0] == before[path][0] for path in after if not path.startswith("records/"))
    assert all(after[path][1] == before[path][1] for path in after if path.endswith(".pdf"))


def test_a_rebuild_with_the_same_models_and_code_writes_nothing_new(tmp_path):
    package = _package_copy(tmp_path)
    site = copy_example(tmp_path / "site")
    _build(site, package)
    before = _files(site / "output")
    # the package's files touched without a change (a reinstall of the same version): the whole-input digest
    # differs, so the build plans every unit again, and every key is the same
    for path in (package / "site_builder").rglob("*.py"):
        os.utime(path)
    result = _build(site, package)
    assert "up to date" not in result.stdout
    after = _files(site / "output")
    assert {path: inode for path, (inode, _) in after.items()} == {path: inode for path, (inode, _) in before.items()}
