"""Building safely and reproducibly; consent versions; init."""

from __future__ import annotations

import re
import shutil
import tomllib
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
from site_builder.consent import version_id
from site_builder.scaffold import init_site


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
    assert "no problems" in result.stdout  # "all good" only once the open to-dos are done (test_owner.py)
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


def test_consent_id_is_stable_and_changes_with_the_text(site):
    def current_id() -> str:
        html = (site / "output" / "site" / "index.html").read_text(encoding="utf-8")
        return re.search(r'data-version="(v[0-9a-f]{8})"', html).group(1)

    assert run_cli("build", cwd=site).returncode == 0
    first = current_id()
    assert run_cli("build", cwd=site).returncode == 0
    assert current_id() == first
    # a change in the privacy notice (second layer) does not change the consent id
    privacy = site / "content" / "de" / "privacy.md"
    privacy.write_text(privacy.read_text(encoding="utf-8") + "\nEin weiterer Satz.\n", encoding="utf-8")
    assert run_cli("build", cwd=site).returncode == 0
    assert current_id() == first
    # a change in the consent wording does
    consent = site / "content" / "de" / "consent.md"
    consent.write_text(consent.read_text(encoding="utf-8").replace("jederzeit", "jederzeit und formlos", 1),
                       encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0
    second = current_id()
    assert second != first
    assert f"consent-versions/de/{second}.html" in result.stdout
    # both versions stay published, and the new page lists the old one
    site_dir = site / "output" / "site"
    assert (site_dir / f"consent-{first}.html").is_file()
    assert (site_dir / f"consent-{second}.html").is_file()
    assert f"consent-{first}.html" in (site_dir / f"consent-{second}.html").read_text(encoding="utf-8")


def test_purpose_label_is_part_of_the_consent_text(site):
    assert run_cli("build", cwd=site).returncode == 0
    before = {p.name for p in (site / "consent-versions" / "de").iterdir()}
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("Terminen und Aufträgen", "Terminen, Aufträgen"),
                    encoding="utf-8")
    assert run_cli("build", cwd=site).returncode == 0
    after = {p.name for p in (site / "consent-versions" / "de").iterdir()}
    assert len(after - before) == 1


def test_archived_text_is_verified(site):
    assert run_cli("build", cwd=site).returncode == 0
    archived = next((site / "consent-versions" / "de").glob("*.html"))
    text = archived.read_text(encoding="utf-8").split("\n", 1)[1].rstrip("\n")
    # a file of the id shape before issue 20 ("73d72f20") is named by the same digits without the "v"
    assert archived.stem in (version_id(text), version_id(text)[1:])
    archived.write_text(archived.read_text(encoding="utf-8").replace("WhatsApp", "Signal", 1), encoding="utf-8")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert f"{archived.stem}.html" in result.stderr and "no longer matches its id" in result.stderr


def test_init_scaffold_fails_until_filled_in(tmp_path):
    result = run_cli("init", "newsite", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "newsite"
    assert (folder / "site.toml").is_file() and (folder / "content" / "de" / "index.md").is_file()
    check = run_cli("check", cwd=folder)
    assert check.returncode == 1
    for key in ("site.base_url", "business.name", "business.email", "business.phone", "whatsapp.number",
                "business.state", "transfer.reviewed"):
        assert re.search(rf"site.toml: {re.escape(key)}: not filled in yet", check.stderr), key
    assert "Traceback" not in check.stderr
    # init never overwrites
    again = run_cli("init", "newsite", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_filled_in_scaffold_builds(tmp_path):
    folder = tmp_path / "b"
    init_site(folder)
    text = (folder / "site.toml").read_text(encoding="utf-8")
    values = {"site.base_url": '"https://baeckerei.example/wa/"', "business.phone": '"030 1234567"',
              "whatsapp.number": '"+49 151 23456789"', "business.email": '"hallo@baeckerei.example"',
              "business.state": '"Berlin"', "business.postal_code": '"10115"',
              "transfer.reviewed": "2026-11-01", "records.terms_accepted": "2026-11-02"}
    table = ""
    lines = []
    for line in text.splitlines():
        if m := re.match(r"^\[+([\w.]+)\]+", line):
            table = m.group(1)
        if m := re.match(r'^(\w+) = "?<<.*>>"?$', line):  # a date's marker is unquoted
            key = f"{table}.{m.group(1)}"
            default = '"Bäckerei Beispiel"'
            line = f"{m.group(1)} = {values.get(key, default)}"
        lines.append(line)
    (folder / "site.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    result = run_cli("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    index = (folder / "output" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Bäckerei Beispiel" in index and "https://wa.me/4915123456789?text=" in index


def test_help_explains_each_verb(tmp_path):
    for verb in ("init", "check", "build"):
        result = run_cli(verb, "--help", cwd=tmp_path)
        assert result.returncode == 0
        assert "usage: site-builder " + verb in result.stdout


def test_console_script_is_installed(tmp_path):
    path = shutil.which("site-builder")
    assert path, "site-builder is not on PATH; run scripts/install.sh"
    import subprocess
    result = subprocess.run([path, "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "check" in result.stdout


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
