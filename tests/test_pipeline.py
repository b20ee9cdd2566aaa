"""The recipe's promises: nothing changed -> nothing written; interrupted swaps recovered; check writes nothing."""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli, run_process, tree_digest

HEAVY = ("jinja2", "markdown", "phonenumbers", "reportlab", "PIL", "qrcode", "nh3")


def _inodes(folder):
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_a_rebuild_with_nothing_changed_writes_nothing_and_imports_no_text_or_drawing_library(site):
    assert run_cli("build", cwd=site).returncode == 0
    before = _inodes(site / "output")
    probe = ("import sys; from site_builder.cli import main; code = main(['build']); "
             f"print('HEAVY', [m for m in {HEAVY!r} if m in sys.modules]); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=site, capture_output=True, text=True,
                            env={**os.environ, "LC_ALL": "C.UTF-8", "SOURCE_DATE_EPOCH": "1790000000", "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "is up to date: nothing changed since the last build" in result.stdout
    assert "HEAVY []" in result.stdout
    assert _inodes(site / "output") == before


def test_an_edit_rebuilds_and_the_result_equals_a_fresh_build(site, tmp_path):
    assert run_cli("build", cwd=site).returncode == 0
    privacy = site / "content" / "de" / "privacy.md"
    privacy.write_text(privacy.read_text(encoding="utf-8") + "\nEin neuer Satz.\n", encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0 and "up to date" not in result.stdout
    assert "Ein neuer Satz." in (site / "output" / "site" / "datenschutz.html").read_text(encoding="utf-8")
    fresh = run_cli("build", "-o", str(tmp_path / "fresh"), cwd=site)
    assert fresh.returncode == 0
    edited, new = tree_digest(site / "output"), tree_digest(tmp_path / "fresh")
    assert {k: v for k, v in edited.items() if not k.endswith(".json")} == \
        {k: v for k, v in new.items() if not k.endswith(".json")}


def test_a_file_put_into_the_output_is_named_before_it_goes(site):
    assert run_cli("build", cwd=site).returncode == 0
    (site / "output" / "site" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0
    assert "site/notes.txt: output: this file was not made by site-builder" in result.stderr
    assert not (site / "output" / "site" / "notes.txt").exists()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.slow
def test_a_build_killed_between_the_two_renames_is_finished_by_the_next(site):
    assert run_cli("build", cwd=site).returncode == 0
    out = site / "output"
    good = tree_digest(out)
    pid = _dead_pid()
    # the state a kill between `out -> old` and `tmp -> out` leaves: no output/, a complete tmp, the old one
    shutil.copytree(out, site / f".output.tmp-{pid}")
    out.rename(site / f".output.old-{pid}")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "interrupted during the swap" in result.stderr
    assert tree_digest(out) == good
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) == []


@pytest.mark.slow
def test_leftovers_of_a_build_killed_while_writing_are_removed_and_named(site):
    assert run_cli("build", cwd=site).returncode == 0
    pid = _dead_pid()
    partial = site / f".output.tmp-{pid}"
    (partial / "site").mkdir(parents=True)
    (partial / ".site-builder-output").write_text("x", encoding="utf-8")
    foreign = site / f".output.tmp-{pid + 1}-not-ours"
    foreign.mkdir()
    result = run_cli("build", cwd=site)
    assert result.returncode == 0
    assert f"removed {partial}" in result.stderr
    assert not partial.exists() and foreign.exists()  # only what this tool made is removed


@pytest.mark.slow
def test_check_writes_nothing_anywhere(site, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    before = tree_digest(site)
    # a new process: what the libraries write while they are imported counts too
    result = run_process("check", cwd=site, env={"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")})
    assert result.returncode == 0, result.stderr
    assert tree_digest(site) == before
    assert list(home.rglob("*")) == []


def test_check_and_build_count_the_same_files(site):
    check = run_cli("check", cwd=site)
    build = run_cli("build", cwd=site)
    counted = int(re.search(r"\((\d+) files would be written\)", check.stdout).group(1))
    built = int(build.stdout.split(": ")[1].split()[0])
    manifest = json.loads((site / "output" / ".site-builder-cache.json").read_text(encoding="utf-8"))
    listed = sum(len(unit["files"]) for unit in manifest["units"].values())
    assert counted == built == listed


def test_a_full_disk_is_a_message_and_the_previous_output_stays(site, monkeypatch, capsys):
    import errno
    from pathlib import Path

    from site_builder.cli import main

    monkeypatch.chdir(site)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert main(["build"]) == 0
    (site / "content" / "de" / "privacy.md").write_text(
        (site / "content" / "de" / "privacy.md").read_text(encoding="utf-8") + "\nNeu.\n", encoding="utf-8")
    before = tree_digest(site / "output")
    original = Path.write_bytes

    def full(self, data):
        if ".output.tmp-" in str(self) and self.name.endswith(".html"):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    capsys.readouterr()
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "-o/--out: the new output could not be written (No space left on device" in err
    assert "Traceback" not in err
    assert tree_digest(site / "output") == before
    assert not [p for p in site.iterdir() if p.name.startswith(".output.")]


def test_an_output_below_a_file_is_refused(site):
    (site / "afile").write_text("x", encoding="utf-8")
    result = run_cli("build", "-o", "afile/sub", cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "afile/sub: -o/--out:" in result.stderr and "is a file, so no folder can be made below it" in result.stderr


def test_huge_or_bracket_flooded_texts_are_refused_quickly(site):
    import time

    privacy = site / "content" / "de" / "privacy.md"
    original = privacy.read_text(encoding="utf-8")
    privacy.write_text(original + "\n" + "[" * 20000 + "x\n", encoding="utf-8")
    started = time.monotonic()
    result = run_cli("check", cwd=site)
    assert result.returncode == 1 and time.monotonic() - started < 60
    assert "privacy.md: line" in result.stderr and "more than 200 [ brackets" in result.stderr
    privacy.write_text(original + "\n" + ("Ein Satz. " * 100 + "\n\n") * 600, encoding="utf-8")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1 and "privacy.md: file:" in result.stderr and "too large" in result.stderr
