"""`site-builder build SITE_DIR...`: many businesses at once, in parallel; a broken one stops nothing."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, copy_example, run_cli, tree_digest
from site_builder import multi

pytestmark = pytest.mark.slow  # builds in a pool of processes


def agency(tmp_path: Path, names: list[str]) -> Path:
    """An agency folder with one site folder per business (copies of the example, renamed)."""
    folder = tmp_path / "agency"
    for name in names:
        site = copy_example(folder / name)
        toml = site / "site.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace('name = "Schreinerei Muster"',
                                                                  f'name = "Betrieb {name}"', 1), encoding="utf-8")
    return folder


def break_toml(site: Path) -> None:
    with (site / "site.toml").open("a", encoding="utf-8") as f:
        f.write("\noops = \n")


def test_one_broken_site_does_not_stop_the_others(tmp_path):
    folder = agency(tmp_path, ["baeckerei", "kaputt", "schreinerei"])
    break_toml(folder / "kaputt")
    (folder / "leer").mkdir()  # no site.toml at all
    result = run_cli("build", "baeckerei", "kaputt", "leer", "schreinerei", "--jobs", "2", cwd=folder)
    assert result.returncode == 1, result.stderr
    for name in ("baeckerei", "schreinerei"):
        page = (folder / name / "output/site/index.html").read_text(encoding="utf-8")
        assert f"Betrieb {name}" in page
        assert (folder / name / "output/site/.htaccess").is_file()
    assert not (folder / "kaputt/output").exists() and not (folder / "leer/output").exists()
    # plain lines when not on a terminal, one per site
    progress = [line for line in result.stderr.splitlines() if re.match(r"\[\d/4\] ", line)]
    assert len(progress) == 4 and "\r" not in result.stderr
    assert "4 site(s)" in result.stdout and "2 built, 2 failed" in result.stdout
    kaputt = result.stdout[result.stdout.index("FAILED kaputt"):]
    assert re.search(r"kaputt/site\.toml: line \d+, column \d+: TOML syntax error", kaputt)
    assert "FAILED leer" in result.stdout and "leer/site.toml: file: missing" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_all_good_exits_0_and_one_out_folder_holds_a_folder_per_site(tmp_path):
    folder = agency(tmp_path, ["a", "b"])
    result = run_cli("build", "a", "b", "--out", "all", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 built, 0 failed" in result.stdout
    for name in ("a", "b"):
        assert "Betrieb " + name in (folder / "all" / name / "site/index.html").read_text(encoding="utf-8")
        assert not (folder / name / "output").exists()


def test_parallel_builds_are_the_same_bytes_as_serial_ones(tmp_path):
    folder = agency(tmp_path, ["a", "b", "c"])
    serial = run_cli("build", "a", "b", "c", "--jobs", "1", "--out", "serial", cwd=folder)
    parallel = run_cli("build", "a", "b", "c", "--jobs", "3", "--out", "parallel", cwd=folder)
    assert serial.returncode == parallel.returncode == 0, serial.stderr + parallel.stderr
    assert tree_digest(folder / "serial") == tree_digest(folder / "parallel")
    # and each site equals a build of that site alone
    alone = run_cli("build", "-o", str(tmp_path / "alone"), cwd=folder / "b")
    assert alone.returncode == 0, alone.stderr
    assert tree_digest(tmp_path / "alone") == tree_digest(folder / "serial" / "b")


def test_a_site_theme_override_stays_with_its_site(tmp_path):
    """Sites share the built-in theme (one Jinja environment per process) but keep their own overrides."""
    folder = agency(tmp_path, ["eigen", "standard"])
    templates = folder / "eigen/themes/default/templates"
    templates.mkdir(parents=True)
    base = (ROOT / "site_builder/themes/default/templates/base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("<body>", "<body>\n<!-- eigenes Theme -->"), encoding="utf-8")
    result = run_cli("build", "eigen", "standard", "--jobs", "1", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "eigenes Theme" in (folder / "eigen/output/site/index.html").read_text(encoding="utf-8")
    assert "eigenes Theme" not in (folder / "standard/output/site/index.html").read_text(encoding="utf-8")


def test_usage_mistakes_exit_2(tmp_path):
    folder = agency(tmp_path, ["a"])
    (folder / "x").mkdir()
    shutil.copytree(folder / "a", folder / "x" / "a")
    same_name = run_cli("build", "a", "x/a", "--out", "all", cwd=folder)
    assert same_name.returncode == 2 and "same folder name" in same_name.stderr
    assert not (folder / "all").exists()
    assert run_cli("build", "--jobs", "2", cwd=folder / "a").returncode == 2
    assert run_cli("build", "a", "--jobs", "0", cwd=folder).returncode == 2
    assert run_cli("build", "a", "-c", "a/site.toml", cwd=folder).returncode == 2


def test_progress_bar_on_a_terminal_and_a_crash_is_reported(tmp_path, monkeypatch):
    folder = agency(tmp_path, ["gut", "absturz"])
    import site_builder.outcome as build_mod

    real = build_mod.build

    def crashing(config, out, **kwargs):
        if "absturz" in str(config):
            raise RuntimeError("disk on fire")
        return real(config, out, **kwargs)

    monkeypatch.setattr(build_mod, "build", crashing)
    stream, report = io.StringIO(), io.StringIO()
    code = multi.build_many_cli([folder / "gut", folder / "absturz"], jobs=1, stream=stream, report=report,
                                tty=True)
    assert code == 1
    bar = stream.getvalue()
    assert "\r" in bar and "] 2/2 sites, 1 failed" in bar and bar.endswith("\n")
    assert "FAILED absturz" in report.getvalue()
    assert "the build crashed: RuntimeError: disk on fire" in report.getvalue()
    assert (folder / "gut/output/site/index.html").is_file()


@pytest.mark.parametrize("jobs", [None, 1])
def test_worker_count_never_exceeds_the_sites(tmp_path, jobs):
    folder = agency(tmp_path, ["solo"])
    results = list(multi.build_many(multi.plan_jobs([folder / "solo"], None)[0], workers=jobs))
    assert [r.ok for r in results] == [True]
