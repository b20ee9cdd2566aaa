"""The records' wording is content: files under site_builder/wording/records/ and app/ that a site overrides
by copying one into its own wording/ folder; placeholders are checked strictly; a language without wording
is refused by name, never given another language's words."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import run_cli
from site_builder.stages.records.record_wording import wording_paths
from site_builder.wording.wordfiles import key_lines
from site_builder.wording import SHIPPED

RECORD_OF_PROCESSING = "records/de/record-of-processing.toml"
BUILTIN_INTRO = "Eintrag im Verzeichnis nach Art. 30 Abs. 1 DSGVO"


def override(site: Path, rel: str) -> Path:
    """Copy a shipped wording file to the same place in the site's own wording/ folder, as an owner would."""
    target = site / "wording" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHIPPED / rel, target)
    return target


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_a_sentence_changed_in_the_sites_copy_appears_in_html_and_pdf(site):
    mine = override(site, RECORD_OF_PROCESSING)
    replace(mine, "Kommunikation mit Kundinnen und Kunden über WhatsApp Business, Einwilligungsseite",
            "Kundenkontakt über WhatsApp, von der Kanzlei geprüft")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    records = site / "output" / "records" / "de"
    html = (records / "record-of-processing.html").read_text(encoding="utf-8")
    assert "Kundenkontakt über WhatsApp, von der Kanzlei geprüft" in html
    assert "Kommunikation mit Kundinnen und Kunden über WhatsApp Business, Einwilligungsseite" not in html
    assert BUILTIN_INTRO in html  # the rest of the copied file is still used
    assert "Kundenkontakt über WhatsApp, von der Kanzlei geprüft" in pdf_text(records / "record-of-processing.pdf")
    # only this record and language changed
    english = (site / "output" / "records" / "en" / "record-of-processing.html").read_text(encoding="utf-8")
    assert "von der Kanzlei" not in english


def test_a_copy_kept_in_the_older_place_still_works_and_says_where_to_move(site):
    """Sites made before wording/ kept their copies below themes/default/: read, with a warning naming the move;
    once a copy in wording/ exists, the old one is ignored and the warning says so."""
    old = site / "themes" / "default" / RECORD_OF_PROCESSING
    old.parent.mkdir(parents=True)
    shutil.copy(SHIPPED / RECORD_OF_PROCESSING, old)
    replace(old, "Kommunikation mit Kundinnen und Kunden über WhatsApp Business, Einwilligungsseite",
            "Kundenkontakt über WhatsApp (alter Ort)")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    html = (site / "output" / "records" / "de" / "record-of-processing.html").read_text(encoding="utf-8")
    assert "Kundenkontakt über WhatsApp (alter Ort)" in html
    assert (f"warning: themes/default/{RECORD_OF_PROCESSING}: file: a wording file in the old place: texts now have "
            "their own folder, wording/ next to site.toml (this copy is still read) (move it to "
            f"wording/{RECORD_OF_PROCESSING})") in result.stderr
    override(site, RECORD_OF_PROCESSING)  # the owner makes a copy in the new place and forgets the old one
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    html = (site / "output" / "records" / "de" / "record-of-processing.html").read_text(encoding="utf-8")
    assert "alter Ort" not in html
    assert (f"warning: themes/default/{RECORD_OF_PROCESSING}: file: a wording file in the old place that is not "
            f"read: wording/{RECORD_OF_PROCESSING} is read instead") in result.stderr


def test_an_unknown_placeholder_names_the_file_and_its_line(site):
    mine = override(site, RECORD_OF_PROCESSING)
    replace(mine, 'legal_form = "Rechtsform"', 'legal_form = "Rechtsform von {{ firma }}"')
    line = 1 + mine.read_text(encoding="utf-8").split("\n").index('legal_form = "Rechtsform von {{ firma }}"')
    result = run_cli("build", cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{mine.relative_to(site)}: line {line}: unknown placeholder {{{{ firma }}}} (use one of " in result.stderr
    assert "{{ business }}" in result.stderr  # the fix lists the placeholders that exist
    assert not (site / "output").exists()


def test_a_placeholder_in_a_folded_multi_line_text_is_found_on_its_line(site):
    mine = override(site, RECORD_OF_PROCESSING)
    replace(mine, "Einwilligungsseite {{ landing_url }}.", "Einwilligungsseite {{ landing }}.")
    lines = mine.read_text(encoding="utf-8").split("\n")
    line = 1 + next(i for i, text in enumerate(lines) if text.startswith("intro = ")) + 1  # text starts below
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert f"{mine.relative_to(site)}: line {line}: unknown placeholder {{{{ landing }}}}" in result.stderr


def test_a_placeholder_is_checked_even_in_a_text_this_site_does_not_use(site):
    # the conclusion for special categories is only printed with records.special_categories = true
    assert "special_categories = true" not in (site / "site.toml").read_text(encoding="utf-8")
    mine = override(site, "records/de/risk-assessment.toml")
    replace(mine, "Nach der Schwellwertanalyse ist eine vollständige DSFA", "Nach der {{ besondere_daten }} ist eine vollständige DSFA")
    lines = mine.read_text(encoding="utf-8").split("\n")
    line = 1 + next(i for i, text in enumerate(lines) if "{{ besondere_daten }}" in text)
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert f"{mine.relative_to(site)}: line {line}: unknown placeholder {{{{ besondere_daten }}}}" in result.stderr
    assert result.stderr.count("besondere_daten") == 1  # reported once


def test_a_placeholder_of_another_record_is_unknown_here(site):
    mine = override(site, RECORD_OF_PROCESSING)
    replace(mine, 'legal_form = "Rechtsform"', 'legal_form = "Rechtsform ({{ met }})"')
    result = run_cli("check", cwd=site)
    assert result.returncode == 1 and "unknown placeholder {{ met }}" in result.stderr


def test_a_template_expression_is_sandboxed(site):
    mine = override(site, RECORD_OF_PROCESSING)
    replace(mine, 'legal_form = "Rechtsform"', "legal_form = \"{{ ''.__class__.__mro__ }}\"")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    where = re.escape(str(mine.relative_to(site)))
    assert re.search(rf"{where}: line \d+: placeholder not allowed", result.stderr), result.stderr


def test_a_missing_entry_in_the_sites_copy_names_the_key(site):
    mine = override(site, "records/en/risk-assessment.toml")
    replace(mine, 'partly = "partly"\n', "")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert f"{mine.relative_to(site)}: partly: missing in the wording file (copy the entry from " in result.stderr


def _add_french(site: Path) -> None:
    """French as a third language with texts (the English ones) and every setting in French too."""
    shutil.copytree(site / "content" / "en", site / "content" / "fr")
    toml = (site / "site.toml").read_text(encoding="utf-8")
    toml = toml.replace('languages = ["de", "en"]', 'languages = ["de", "en", "fr"]')
    toml = re.sub(r'(en = ("(?:[^"\\]|\\.)*"))( \})', r'\1, fr = \2\3', toml)
    (site / "site.toml").write_text(toml, encoding="utf-8")


def test_a_language_without_wording_is_refused_naming_every_missing_file(site):
    _add_french(site)
    result = run_cli("check", cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no wording for the records of language 'fr'" in result.stderr
    for rel in wording_paths("fr"):
        assert rel in result.stderr, rel
    # and a build writes nothing: no English records under fr/
    assert run_cli("build", cwd=site).returncode == 1 and not (site / "output").exists()


def test_a_language_gets_records_once_its_wording_files_are_there(site):
    _add_french(site)
    for rel in wording_paths("en"):
        target = site / "wording" / rel.replace("/en/", "/fr/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED / rel, target)
    for theirs in ("print/en/poster.toml", "print/en/README.txt"):  # the posters need their own wording too
        target = site / "wording" / theirs.replace("/en/", "/fr/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED / theirs, target)
    replace(site / "wording" / "records" / "fr" / "common.toml", 'stand = "As of"', 'stand = "État"')
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    html = (site / "output" / "records" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "État" in html
    app = (site / "output" / "records" / "whatsapp-app.html").read_text(encoding="utf-8")
    assert "/privacy-fr" in app  # the same shortcut in two languages is made unique


def test_every_shipped_language_has_every_wording_file_with_the_same_keys():
    import tomllib

    def shape(value, path=""):
        if isinstance(value, dict):
            return {p for k, v in value.items() for p in shape(v, f"{path}.{k}")} | {path}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return {f"{path}[{entry.get('id')}]{p}" for entry in value for p in shape(entry, "")}
        return {path}

    for rel in wording_paths("de"):
        de = tomllib.loads((SHIPPED / rel).read_text(encoding="utf-8"))
        en = tomllib.loads((SHIPPED / rel.replace("/de/", "/en/")).read_text(encoding="utf-8"))
        assert shape(de) == shape(en), rel


def test_key_lines_follow_tables_and_lists():
    source = ('a = "x"\nb = """\\\nlong \\\ntext"""\n\n[todo]\nsign = "y"\n\n[[risks]]\nid = "one"\n'
              'title = "t"\n\n[[risks]]\nid = "two"\ntitle = """\nz"""\n')
    assert key_lines(source) == {"a": 1, "b": 3, "todo.sign": 7, "risks.0.id": 10, "risks.0.title": 11,
                                 "risks.1.id": 14, "risks.1.title": 16}


@pytest.mark.slow
def test_making_the_records_imports_no_reportlab():
    code = ("import sys; from site_builder.site import load_site; from pathlib import Path\n"
            "from site_builder.stages import records\n"
            "plan, _ = load_site(Path(sys.argv[1]))\n"
            "staged = records.plan(plan)\n"
            "units, problems = staged.units, staged.problems\n"
            "assert units and not [p for p in problems if p.severity == 'error']\n"
            "assert not any(m.startswith('reportlab') for m in sys.modules), 'reportlab imported'\n"
            "units[0].render(); assert 'reportlab' in sys.modules\n")
    example = Path(__file__).resolve().parents[2] / "site_builder" / "example" / "site.toml"
    result = subprocess.run([sys.executable, "-c", code, str(example)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
