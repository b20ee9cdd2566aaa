"""The compiled-template cache (site_builder/template_cache.py): where the README says, written by `build` only,
used only when private to the user, and never changing what a build writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import copy_example, run_process

# New processes: the cache is what one run leaves for the next; in the suite's own process the templates are
# compiled already (by earlier tests), so a build there has nothing to add to it.
pytestmark = pytest.mark.slow


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted((out / "site").rglob("*")) if p.is_file()}


def _cached(cache: Path) -> list[Path]:
    return sorted(cache.glob("site-builder/templates-*/*.cache"))


def test_build_keeps_compiled_templates_in_the_users_cache_and_check_only_reads(tmp_path):
    site = copy_example(tmp_path / "site")
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache), "SITE_BUILDER_CACHE": ""}
    checked = run_process("check", cwd=site, env=env)
    assert checked.returncode == 0, checked.stderr
    assert not cache.exists()  # check writes nothing anywhere, not even the folder
    first = run_process("build", cwd=site, env=env)
    assert first.returncode == 0, first.stderr
    entries = _cached(cache)
    assert len(entries) >= 20  # the texts, the wording entries with placeholders, the theme's templates
    folder = entries[0].parent
    assert folder.stat().st_mode & 0o777 == 0o700 and (cache / "site-builder").stat().st_mode & 0o022 == 0
    fresh = _files(site / "output")
    # built again from the cache: the same bytes as without any cache
    (site / "output").rename(tmp_path / "first-output")
    again = run_process("build", cwd=site, env=env)
    assert again.returncode == 0, again.stderr
    assert _files(site / "output") == fresh
    stamps = {p: p.stat().st_mtime_ns for p in _cached(cache)}
    assert run_process("check", cwd=site, env=env).returncode == 0
    assert {p: p.stat().st_mtime_ns for p in _cached(cache)} == stamps


def test_off_a_damaged_cache_and_a_cache_others_may_write_change_nothing(tmp_path):
    site = copy_example(tmp_path / "site")
    off = run_process("build", cwd=site, env={"SITE_BUILDER_CACHE": "off"})
    assert off.returncode == 0, off.stderr
    reference = _files(site / "output")
    cache = tmp_path / "own-cache"
    env = {"SITE_BUILDER_CACHE": str(cache)}
    shutil.rmtree(site / "output")  # each build below is a cold one (an unchanged site would stop early)
    assert run_process("build", cwd=site, env=env).returncode == 0
    entries = sorted(cache.glob("templates-*/*.cache"))
    assert entries
    for entry in entries:  # damaged: cut short, or garbage after Jinja's header
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if len(entries) % 2 else data[:20] + b"\x00garbage")
    shutil.rmtree(site / "output")
    damaged = run_process("build", cwd=site, env=env)
    assert damaged.returncode == 0, damaged.stderr
    assert _files(site / "output") == reference
    # a folder others may write to: compiled code from there would run as the user, so it is not used
    foreign = tmp_path / "shared-cache"
    foreign.mkdir(mode=0o777)
    os.chmod(foreign, 0o777)
    shutil.rmtree(site / "output")
    result = run_process("build", cwd=site, env={"SITE_BUILDER_CACHE": str(foreign)})
    assert result.returncode == 0, result.stderr
    assert _files(site / "output") == reference
    assert not list(foreign.glob("templates-*/*.cache"))
