"""The first build draws the print files in a forked process (early.py): same output as drawing them in
the build itself, never files from other settings, and no process left behind whatever happens."""

from __future__ import annotations

import os
import signal

import pytest

from conftest import copy_example, run_cli, tree_digest
from site_builder.build import build
from site_builder.config import load_settings
from site_builder.early import start_print

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                                reason="the early print process needs fork and a second core")


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_command_line_build_equals_a_build_without_the_fork(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # as run_cli sets it
    site = copy_example(tmp_path / "site")
    assert run_cli("build", cwd=site).returncode == 0
    reference = build(site / "site.toml", tmp_path / "reference")  # no fork: print drawn in the build itself
    assert reference.written
    assert tree_digest(site / "output") == tree_digest(tmp_path / "reference")


def test_print_files_from_other_settings_are_never_used(tmp_path):
    other = copy_example(tmp_path / "other")
    toml = other / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "Schreinerei Muster"', 'name = "Bäckerei Anders"', 1),
                    encoding="utf-8")
    site = copy_example(tmp_path / "site")
    early = start_print(tmp_path / "out")
    assert early is not None
    early.send(load_settings(other / "site.toml")[0])  # the child draws for other settings than the build reads
    result = build(site / "site.toml", tmp_path / "out", early=early)
    assert result.written and reaped(early.pid)
    poster = (tmp_path / "out" / "print" / "README.txt").read_text(encoding="utf-8")
    assert "Bäckerei Anders" not in poster
    assert tree_digest(tmp_path / "out" / "print") == tree_digest(
        (build(site / "site.toml", tmp_path / "reference"), tmp_path / "reference" / "print")[1])


def test_a_killed_print_process_means_the_build_draws_them_itself(tmp_path):
    site = copy_example(tmp_path / "site")
    early = start_print(tmp_path / "out")
    assert early is not None
    os.kill(early.pid, signal.SIGKILL)
    result = build(site / "site.toml", tmp_path / "out", early=early)
    assert result.written and reaped(early.pid)
    build(site / "site.toml", tmp_path / "reference")
    assert tree_digest(tmp_path / "out") == tree_digest(tmp_path / "reference")


def test_a_failed_build_stops_the_print_process_and_writes_nothing(tmp_path):
    site = copy_example(tmp_path / "site")
    (site / "content" / "de" / "index.md").write_text("+++\ntitle = \"x\"\n+++\n", encoding="utf-8")
    early = start_print(tmp_path / "out")
    assert early is not None
    result = build(site / "site.toml", tmp_path / "out", early=early)
    assert not result.written and result.problems
    assert reaped(early.pid) and not (tmp_path / "out").exists()


def test_no_fork_when_the_print_files_of_a_previous_build_can_be_reused(tmp_path):
    site = copy_example(tmp_path / "site")
    assert build(site / "site.toml", site / "output").written
    assert start_print(site / "output") is None


def test_a_print_problem_found_by_the_print_process_is_reported_and_nothing_is_left_behind(tmp_path):
    site = copy_example(tmp_path / "site")
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("A6 = 60,", "A6 = 2000,", 1), encoding="utf-8")
    result = run_cli("build", cwd=site)  # a first build: the print files are drawn by the forked process
    assert result.returncode == 1
    assert "site.toml: print.scan_distance_cm.A6:" in result.stderr and "use a larger format" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in site.iterdir()) == ["consent-versions", "content", "logo.svg", "site.toml"]
