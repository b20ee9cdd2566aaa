"""The output folder: built reproducibly, replaced whole and at once, never a folder the tool did not make,
and a rebuild that links what did not change."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import copy_example, run_cli, tree_digest
from site_builder.output import MARKER, NewOutput
from site_builder.units import Unit


def write_output(out, files):
    """Write `files` as one unit through the same swap the build uses."""
    new = NewOutput(out)
    try:
        new.add_unit(Unit("all", "", tuple(files)), files)
        new.commit()
    finally:
        new.discard()


def test_same_inputs_same_bytes(tmp_path):
    a = copy_example(tmp_path / "a")
    b = copy_example(tmp_path / "b")
    assert run_cli("build", cwd=a).returncode == 0
    assert run_cli("build", cwd=b).returncode == 0
    assert tree_digest(a / "output") == tree_digest(b / "output")
    assert run_cli("build", cwd=a).returncode == 0  # a rebuild over an existing output
    assert tree_digest(a / "output") == tree_digest(b / "output")


def test_check_writes_nothing(site):
    before = tree_digest(site)
    result = run_cli("check", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout  # "all good" only once the open to-dos are done (commands/test_check.py)
    assert tree_digest(site) == before
    assert not (site / "output").exists()


def test_build_reports_the_figures(site):
    result = run_cli("build", cwd=site)
    assert result.returncode == 0
    assert re.search(r"landing page with everything it loads: [\d.]+ KB, [\d.]+ KB gzip", result.stdout)


def test_failed_write_leaves_previous_output(tmp_path, monkeypatch):
    out = tmp_path / "output"
    write_output(out, {"site/index.html": b"old"})
    before = tree_digest(out)

    class Boom(Exception):
        pass

    original = Path.write_bytes

    def failing(self, data):
        if self.name == "second.html":
            raise Boom()
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(Boom):
        write_output(out, {"site/first.html": b"new", "site/second.html": b"new"})
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["output"]  # no temporary folder left behind


def test_refuses_a_foreign_output_folder(site):
    foreign = site / "mine"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me")
    result = run_cli("build", "-o", "mine", cwd=site)
    assert result.returncode == 1
    assert "was not made by site-builder" in result.stderr
    assert (foreign / "precious.txt").read_text() == "keep me"


@pytest.mark.parametrize("out", [".", "content", "content/de", ".."])
def test_refuses_an_output_folder_holding_the_sources(site, out):
    before = tree_digest(site)
    result = run_cli("build", "-o", out, cwd=site)
    assert result.returncode == 1, result.stdout
    assert "-o/--out" in result.stderr
    assert tree_digest(site) == before


def test_output_folder_is_marked_and_replaced_whole(site):
    assert run_cli("build", cwd=site).returncode == 0
    assert (site / "output" / MARKER).is_file()
    (site / "output" / "site" / "stale.html").write_text("old page")
    assert run_cli("build", cwd=site).returncode == 0
    assert not (site / "output" / "site" / "stale.html").exists()


def test_a_rebuild_links_unchanged_files_and_writes_changed_ones(site):
    assert run_cli("build", cwd=site).returncode == 0
    out = site / "output"
    before = {p.relative_to(out): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    (out / "site" / "datenschutz.html").write_text("edited by hand", encoding="utf-8")  # must be rewritten, not kept
    index = site / "content" / "de" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace('heading = "', 'heading = "Neu: ', 1), encoding="utf-8")
    assert run_cli("build", cwd=site).returncode == 0
    after = {p.relative_to(out): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    assert after.keys() == before.keys()
    assert "Neu: " in (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "edited by hand" not in (out / "site" / "datenschutz.html").read_text(encoding="utf-8")
    changed = {rel for rel in after if after[rel] != before[rel]}
    assert Path("site/index.html") in changed and Path("site/datenschutz.html") in changed
    kept = {rel for rel in after if after[rel] == before[rel]}
    assert Path("print/poster-a4-de.pdf") in kept and Path("records/de/consent.pdf") in kept
    assert len(kept) > len(after) / 2
    assert all((out / rel).stat().st_nlink == 1 for rel in after)  # the old output is gone, no second name left
    # and the result is exactly what a build from scratch writes
    fresh = copy_example(site.parent / "fresh")
    shutil.copy(index, fresh / "content" / "de" / "index.md")
    assert run_cli("build", cwd=fresh).returncode == 0
    assert tree_digest(out) == tree_digest(fresh / "output")
