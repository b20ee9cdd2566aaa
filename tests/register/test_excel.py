"""The register opens as columns in German Excel: semicolons and a BOM, or a real .xlsx (issue 12.4)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import run_cli
from site_builder.register import CSV_COLUMNS, parse_chat_text
from commands.test_consents import bakery  # noqa: F401  (the fixture: the example site as the exports' bakery)

EXPORTS = ["exports/WhatsApp Chat - Jürgen Weiß.zip", "exports/WhatsApp Chat with Oliver Brown.txt"]
# "Jürgen Weiß" ticked both purposes: the labels in the site's first language (German), in its order
JUERGEN_LABELS = "Anfragen & Aufträge; Angebote & Neuigkeiten"


def _hostile_export(site: Path) -> str:
    """An export whose chat name and sender a spreadsheet would run as formulas, with a real consent."""
    consent = "Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge. (Einwilligung 3f2a9c1b)"
    name = "WhatsApp-Chat mit =cmd.txt"
    (site / name).write_text(f"01.12.26, 10:00 - @SUM(1+1): {consent}\n02.12.26, 10:00 - -2+3: STOP\n",
                             encoding="utf-8")
    return name


def test_csv_has_bom_semicolons_and_purpose_labels(bakery):  # noqa: F811
    result = run_cli("consents", *EXPORTS, "-o", "register.csv", cwd=bakery)
    assert result.returncode == 0, result.stderr
    raw = (bakery / "register.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # German Excel reads UTF-8 only with the BOM
    text = raw.decode("utf-8-sig")
    assert csv.Sniffer().sniff(text.splitlines()[0]).delimiter == ";"
    rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
    assert tuple(rows[0]) == CSV_COLUMNS
    consent = next(r for r in rows if r["sender"] == "Jürgen Weiß" and r["event"] == "consent")
    assert consent["purposes"] == "service;marketing" and consent["purposes_label"] == JUERGEN_LABELS
    opt_out = next(r for r in rows if r["sender"] == "Jürgen Weiß" and r["event"] == "marketing_opt_out")
    assert opt_out["purposes_label"] == "Angebote & Neuigkeiten"


def test_xlsx_is_a_workbook_with_neutralised_formulas(bakery):  # noqa: F811
    hostile = _hostile_export(bakery)
    result = run_cli("consents", *EXPORTS, hostile, "-o", "register.xlsx", cwd=bakery)
    assert result.returncode == 0, result.stderr
    assert "wrote register.xlsx" in result.stdout
    book = openpyxl.load_workbook(bakery / "register.xlsx")
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == CSV_COLUMNS
    rows = [dict(zip(CSV_COLUMNS, v)) for v in values[1:]]
    consent = next(r for r in rows if r["sender"] == "Jürgen Weiß" and r["event"] == "consent")
    assert consent["purposes_label"] == JUERGEN_LABELS and isinstance(consent["line"], int)
    # no cell is a formula: the chat "=cmd", the senders "@SUM(1+1)" and "-2+3" are text with a quote
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    hostile_rows = [(r["chat"], r["sender"], r["event"]) for r in rows if r["chat"].startswith("'")]
    assert hostile_rows == [("'=cmd", "'@SUM(1+1)", "consent"), ("'=cmd", "'-2+3", "withdrawal")]


@pytest.mark.slow
def test_libreoffice_opens_the_csv_as_columns(bakery, tmp_path):  # noqa: F811
    hostile = _hostile_export(bakery)
    result = run_cli("consents", *EXPORTS, hostile, "-o", "register.csv", cwd=bakery)
    assert result.returncode == 0, result.stderr
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (apt-get install libreoffice-calc-nogui) is needed for this test"
    # The German CSV import: separator ; (59), quote " (34), UTF-8 (76), from line 1, German locale (1031).
    profile = tmp_path / "lo-profile"
    converted = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "xlsx",
         "--infilter=CSV:59,34,76,1,,1031", "--outdir", str(tmp_path), str(bakery / "register.csv")],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    assert converted.returncode == 0, converted.stderr
    sheet = openpyxl.load_workbook(tmp_path / "register.xlsx").worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == CSV_COLUMNS  # every column its own cell: the file opens as columns
    rows = [dict(zip(CSV_COLUMNS, v)) for v in values[1:]]
    consent = next(r for r in rows if r["sender"] == "Jürgen Weiß" and r["event"] == "consent")
    assert consent["purposes_label"] == JUERGEN_LABELS and consent["chat"] == "Jürgen Weiß"
    # the formula-like cells arrive as text, not evaluated
    assert {r["sender"] for r in rows if r["chat"] == "'=cmd"} == {"'@SUM(1+1)", "'-2+3"}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_dotted_german_dates_give_no_day_month_warning():
    # 01.02.26 could be 1 February or 2 January for a program, never for WhatsApp: dots are day.month.year
    text = "01.02.26, 10:00 - Anna: hallo\n03.02.26, 11:00 - Anna: STOP\n"
    messages, problems = parse_chat_text(text, "t.txt", "t")
    assert [m.date for m in messages] == ["2026-02-01", "2026-02-03"]
    assert problems == []
    # slash dates stay ambiguous and keep their warning
    _, slash = parse_chat_text(text.replace(".", "/"), "t.txt", "t")
    assert [p.severity for p in slash] == ["warning"] and "day and month" in slash[0].message
