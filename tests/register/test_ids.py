"""Consent ids that no spreadsheet reads as a number (issue 20, finding 2).

A consent id was 8 hex digits; LibreOffice read the id "2e737013" as 1.79769313486232E+308 and "00001234" as
1234, and the register lost the link between a chat and its text. Ids are now "v" and the 8 hex digits; ids
already published (in messages customers sent, archive files, earlier registers) stay valid."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLE, copy_example, run_cli, tree_digest
from site_builder.consent import ARCHIVE_DIR, Version, archive_entry, read_archive, version_id
from commands.test_consents import bakery, read_register  # noqa: F401  (the fixture: the example as the bakery)

NEW_SHAPE = re.compile(r"v[0-9a-f]{8}")


def test_an_id_is_v_and_the_first_8_hex_digits_of_the_texts_sha256():
    from site_builder.consent import canonical_id, legacy_id

    html = "<section><p>Ich willige ein.</p></section>"
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    assert version_id(html) == "v" + digest[:8]
    assert version_id(f"  {html}\n") == version_id(html)  # same text, same id
    assert legacy_id(html) == digest[:8]  # the id the same text had before: the same digits without the letter
    # both shapes name the same text; anything else is no id
    assert canonical_id(digest[:8]) == canonical_id("v" + digest[:8]) == canonical_id(" V" + digest[:8].upper()) \
        == "v" + digest[:8]
    for text in ("12345e6", "w12345e67", "v12345e678", "12345g67", "", "1.79769313486232E+308"):
        assert canonical_id(text) is None, text


def test_an_archive_file_of_the_old_shape_stays_valid_and_gives_the_text_under_both_ids(tmp_path):
    from site_builder.consent import legacy_id

    html = "<section><p>Alte Fassung</p></section>"
    folder = tmp_path / ARCHIVE_DIR / "de"
    folder.mkdir(parents=True)
    old = legacy_id(html)
    (folder / f"{old}.html").write_text(archive_entry(Version(old, "de", "2026-01-05", html)), encoding="utf-8")
    problems: list = []
    versions = read_archive(tmp_path, "de", problems)
    assert problems == []
    # one version per text (issue 22: listed twice before): today's id, with the old id as its second address
    assert [(v.id, v.date, v.also) for v in versions] == [("v" + old, "2026-01-05", old)]
    assert versions[0].ids == ("v" + old, old)
    # a changed text no longer matches its old id: the build stops, as for a new-shape file
    (folder / f"{old}.html").write_text(archive_entry(Version(old, "de", "2026-01-05", html + "!")), encoding="utf-8")
    assert read_archive(tmp_path, "de", problems) == [] and "no longer matches its id" in problems[0].what


def test_the_page_uses_the_new_id_and_earlier_addresses_stay_published(tmp_path):
    """A text archived under its id of the old shape (8 hex digits, as the example's 73d72f20 on 2026-12-02) is
    found again: the page names it with the letter, the old address stays published beside the new one, with
    the archived date, and nothing new is archived. (The archive file is made here from the example's current
    text, so that the test holds whatever the example's wording says today.)"""
    from site_builder.consent import legacy_id
    from site_builder.site import load_site

    site = copy_example(tmp_path / "site")
    model, _ = load_site(site / "site.toml")
    for lang, language in model.languages.items():
        legacy = legacy_id(language.fragment)
        (site / ARCHIVE_DIR / lang).mkdir(parents=True, exist_ok=True)
        (site / ARCHIVE_DIR / lang / f"{legacy}.html").write_text(
            archive_entry(Version(legacy, lang, "2026-12-02", language.fragment)), encoding="utf-8")
    old = legacy_id(model.languages["de"].fragment)
    archived = tree_digest(site / ARCHIVE_DIR)
    assert run_cli("build", cwd=site).returncode == 0
    out = site / "output" / "site"
    index = (out / "index.html").read_text(encoding="utf-8")
    current = re.search(r'data-version="([^"]+)"', index).group(1)
    assert NEW_SHAPE.fullmatch(current) and current == "v" + old
    assert f"(Einwilligung {current})" in index
    for name in (f"consent-{old}.html", "consent-73d72f20.html", "consent-c19690d8.html", f"consent-{current}.html"):
        assert (out / name).is_file(), name
    # the build archived nothing new: the unchanged text was found under its old id, with its date
    assert tree_digest(site / ARCHIVE_DIR) == archived
    versions = (out / f"consent-{current}.html").read_text(encoding="utf-8")
    # each text once in the list of versions, with both of its addresses (issue 22)
    assert re.search(rf">{current}</a> = <a href=\"consent-{old}.html\">{old}</a> \(2026-12-02\)", versions)
    assert versions.count('href="consent-vc19690d8.html"') == 1 and versions.count(f">{old}</a>") == 1


def _export(site: Path, current: str) -> str:
    """A chat whose consents name ids a spreadsheet would read as numbers in the old shape, with QR sources
    that would be numbers too (a source code is 1-8 letters or digits)."""
    consent = "Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein: Anfragen & Aufträge. (Einwilligung {})"
    lines = [f"01.12.26, 10:0{i} - Kunde {i}: {consent.format(token)}"
             for i, token in enumerate((f"{current}/1", "2e737013", "12345e67/12345e67", "00001234/2026",
                                        current[1:] + "/r"))]
    name = "WhatsApp-Chat mit Zahlen.txt"
    (site / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return name


def _libreoffice(csv_path: Path, language: int, tmp_path: Path) -> list[dict]:
    """The register as LibreOffice imports it with "Detect special numbers" on, read back from an .xlsx.

    CSV filter tokens (help.libreoffice.org, "CSV Filter Options", checked 2026-12-07): 1 separator ; (59),
    2 text delimiter " (34), 3 UTF-8 (76), 4 from line 1, 5 no column formats, 6 language (a Windows LCID),
    7 "Quoted field as text" false, 8 "Detect special numbers" true."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (apt-get install libreoffice-calc-nogui) is needed for this test"
    out = tmp_path / str(language)
    converted = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--convert-to", "xlsx",
         f"--infilter=CSV:59,34,76,1,,{language},false,true", "--outdir", str(out), str(csv_path)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    assert converted.returncode == 0, converted.stderr
    values = list(openpyxl.load_workbook(out / "register.xlsx").worksheets[0].iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


@pytest.mark.slow
@pytest.mark.parametrize("language", [
    1031,  # German (Germany): the owners' own
    1033,  # English (United States)
    7177,  # English (South Africa): "R" is its currency, "r1234567" would be 1234567 Rand
])
def test_libreoffice_with_number_detection_keeps_every_id_as_text(bakery, tmp_path, language):  # noqa: F811
    current = read_current_id(bakery)
    name = _export(bakery, current)
    result = run_cli("consents", name, "-o", "register.csv", cwd=bakery)
    assert result.returncode == 0, result.stderr
    written = read_register(bakery / "register.csv")
    imported = _libreoffice(bakery / "register.csv", language, tmp_path)
    assert len(imported) == len(written)
    for before, after in zip(written, imported):
        for column in ("consent_id", "source", "purposes", "version_status", "lang"):
            # empty cells come back empty (None); every other one as the same text, never a number
            assert after[column] == (before[column] or None), (column, before[column], after[column])
    ids = [r["consent_id"] for r in written if r["event"] == "consent"]
    assert ids == [current, "v2e737013", "v12345e67", "v00001234", current]
    assert [r["source"] for r in written if r["event"] == "consent"] == ["/1", "", "/12345e67", "/2026", "/r"]
    # no id of the old shape appears bare in any cell
    assert not any(re.fullmatch(r"[0-9a-f]{8}|\d+", r[c]) for r in written for c in ("consent_id", "source"))


def read_current_id(site: Path) -> str:
    from site_builder.site import load_site

    model, _ = load_site(site / "site.toml")
    return model.languages["de"].consent_id


def test_a_manual_row_and_an_earlier_register_may_give_either_shape(bakery):  # noqa: F811
    (bakery / "manual.csv").write_text(
        "chat;sender;date;time;event;consent_id;purposes\n"
        "Kunde X;Kunde X;14.03.2026;09:30;consent;c19690d8;service\n"
        "Kunde Y;Kunde Y;14.03.2026;09:31;consent;vc19690d8;service\n", encoding="utf-8")
    result = run_cli("consents", "manual.csv", "-o", "register.csv", cwd=bakery)
    assert result.returncode == 0, result.stderr
    rows = read_register(bakery / "register.csv")
    assert [(r["consent_id"], r["version_status"]) for r in rows] == [("vc19690d8", "outdated (2026-11-28)")] * 2
    example = EXAMPLE / ARCHIVE_DIR / "de" / "c19690d8.html"
    assert example.is_file()  # the archive file of that version keeps its old name
    with open(bakery / "register.csv", encoding="utf-8-sig", newline="") as fh:
        assert all(NEW_SHAPE.fullmatch(r["consent_id"]) for r in csv.DictReader(fh, delimiter=";"))
