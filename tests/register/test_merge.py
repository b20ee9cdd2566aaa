"""`consents` never loses a row (issue 20, findings 5 and 6): a second run adds to the register, an earlier
register given as input keeps its rows exactly, a missing input writes nothing, one stray byte costs one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from conftest import run_cli
from site_builder.register import CSV_COLUMNS
from commands.test_consents import EXPORTS, bakery, read_register  # noqa: F401  (the fixture: the example as the bakery)

ANNA = "WhatsApp-Chat mit Anna Schmidt.txt"  # German Android; line 16 is garbled (reported, exit 1)
EMMA = "WhatsApp Chat with Emma Clarke.txt"  # English Android, 12-hour clock
OLIVER = "WhatsApp Chat with Oliver Brown.txt"


def _copy(site: Path, *names: str) -> None:
    for name in names:
        shutil.copy(EXPORTS / name, site / name)


def _keys(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [tuple(r[c] for c in CSV_COLUMNS) for r in rows]


def test_a_second_run_with_other_exports_adds_its_rows_and_keeps_the_first_runs(bakery):  # noqa: F811
    _copy(bakery, EMMA, OLIVER)
    first = run_cli("consents", EMMA, "-o", "register.csv", cwd=bakery)
    assert first.returncode == 0, first.stderr
    emma_rows = read_register(bakery / "register.csv")
    alone = run_cli("consents", OLIVER, "-o", "oliver.csv", cwd=bakery)
    assert alone.returncode == 0, alone.stderr
    oliver_rows = read_register(bakery / "oliver.csv")
    second = run_cli("consents", OLIVER, "-o", "register.csv", cwd=bakery)
    assert second.returncode == 0, second.stderr
    # Emma's rows exactly as they were and where they were, then Oliver's
    assert _keys(read_register(bakery / "register.csv")) == _keys(emma_rows) + _keys(oliver_rows)
    assert (f"added {len(oliver_rows)} row(s) to register.csv, which held {len(emma_rows)}: "
            f"{len(emma_rows) + len(oliver_rows)} rows now") in second.stdout
    # the same run again adds nothing and changes no byte
    before = (bakery / "register.csv").read_bytes()
    again = run_cli("consents", EMMA, OLIVER, "-o", "register.csv", cwd=bakery)
    assert again.returncode == 0, again.stderr
    assert "added 0 row(s)" in again.stdout and (bakery / "register.csv").read_bytes() == before


def test_an_xlsx_register_is_added_to_as_well(bakery):  # noqa: F811
    _copy(bakery, EMMA, OLIVER)
    assert run_cli("consents", EMMA, "-o", "register.xlsx", cwd=bakery).returncode == 0
    assert run_cli("consents", OLIVER, "-o", "register.xlsx", cwd=bakery).returncode == 0
    sheet = openpyxl.load_workbook(bakery / "register.xlsx").worksheets[0]
    files = [row[CSV_COLUMNS.index("file")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(files) == {EMMA, OLIVER} and files == sorted(files, key=[EMMA, OLIVER].index)


def test_a_register_row_that_cannot_be_read_stops_the_run_and_is_named(bakery):  # noqa: F811
    _copy(bakery, EMMA, OLIVER)
    assert run_cli("consents", EMMA, OLIVER, "-o", "register.csv", cwd=bakery).returncode == 0
    text = (bakery / "register.csv").read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    lines[3] = lines[3].replace("2026-11-29", "gestern", 1)  # an edit by hand that broke the date of line 4
    assert "gestern" in lines[3]
    (bakery / "register.csv").write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    before = (bakery / "register.csv").read_bytes()
    result = run_cli("consents", EMMA, "-o", "register.csv", cwd=bakery)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "register.csv: line 4: date 'gestern' is not a date; this register row cannot be kept" in result.stderr
    assert "1 row(s) of this register cannot be read (above), and writing it would lose them" in result.stderr
    assert "nothing was written" in result.stderr
    assert (bakery / "register.csv").read_bytes() == before


def test_a_file_that_is_no_register_is_never_replaced(bakery):  # noqa: F811
    _copy(bakery, EMMA)
    (bakery / "kunden.csv").write_text("Name;Telefon\nAnna;0171 1234567\n", encoding="utf-8")
    result = run_cli("consents", EMMA, "-o", "kunden.csv", cwd=bakery)
    assert result.returncode == 1
    assert "kunden.csv: -o/--out: exists and is not a consent register" in result.stderr
    assert (bakery / "kunden.csv").read_text(encoding="utf-8") == "Name;Telefon\nAnna;0171 1234567\n"


def test_a_missing_input_writes_nothing_and_names_the_file(bakery):  # noqa: F811
    _copy(bakery, EMMA, OLIVER)
    assert run_cli("consents", EMMA, "-o", "register.csv", cwd=bakery).returncode == 0
    before = (bakery / "register.csv").read_bytes()
    result = run_cli("consents", OLIVER, "WhatsApp Chat with Olvier Brown.txt", "-o", "register.csv", cwd=bakery)
    assert result.returncode == 1
    assert ("WhatsApp Chat with Olvier Brown.txt: file: no such file: check the name and the folder"
            in result.stderr)
    assert "nothing was written" in result.stderr and "wrote" not in result.stdout
    assert (bakery / "register.csv").read_bytes() == before
    fresh = run_cli("consents", "exports/nope.zip", "-o", "r2.csv", cwd=bakery)
    assert fresh.returncode == 1 and "exports/nope.zip: file: no such file" in fresh.stderr
    assert not (bakery / "r2.csv").exists() and "r2.csv" not in fresh.stdout


def test_last_months_register_given_as_input_keeps_its_rows_exactly(bakery):  # noqa: F811
    _copy(bakery, EMMA, OLIVER)
    for out in ("march.csv", "march.xlsx"):
        assert run_cli("consents", EMMA, "-o", out, cwd=bakery).returncode == 0
    march = read_register(bakery / "march.csv")
    for earlier in ("march.csv", "march.xlsx"):
        out = f"april-{Path(earlier).suffix[1:]}.csv"
        result = run_cli("consents", earlier, OLIVER, EMMA, "-o", out, cwd=bakery)
        assert result.returncode == 0, result.stderr
        april = read_register(bakery / out)
        # every row of March as it was: its file, line, source and status, not re-marked as hand-written
        assert _keys(april[:len(march)]) == _keys(march)
        assert {r["sender"] for r in april[len(march):]} >= {"Oliver Brown"}
        # Emma's export read again adds nothing the earlier register holds, and says so
        assert f"{EMMA}: file: {len(march)} register row(s) dropped as duplicates" in result.stderr
        assert f"already read from {earlier}" in result.stderr


def test_a_row_added_by_hand_to_the_register_is_checked_and_marked_manual(bakery):  # noqa: F811
    _copy(bakery, EMMA)
    assert run_cli("consents", EMMA, "-o", "register.csv", cwd=bakery).returncode == 0
    with open(bakery / "register.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write("Kunde X;Kunde X;14.03.2026;09:30;consent;c19690d8;;service;;;;;\r\n")
    result = run_cli("consents", EMMA, "-o", "register.csv", cwd=bakery)
    assert result.returncode == 0, result.stderr
    rows = read_register(bakery / "register.csv")
    assert rows[-1]["sender"] == "Kunde X" and rows[-1]["source"] == "manual"
    assert (rows[-1]["consent_id"], rows[-1]["version_status"]) == ("vc19690d8", "outdated (2026-11-28)")
    # the line of the file it stands on (a customer's message over several lines spans several lines of the CSV)
    physical = (bakery / "register.csv").read_text(encoding="utf-8-sig").split("\n")
    line = 1 + next(i for i, text in enumerate(physical) if text.startswith("Kunde X;"))
    assert (rows[-1]["file"], rows[-1]["line"]) == ("register.csv", str(line))


def _anna_lines() -> list[bytes]:
    return (EXPORTS / ANNA).read_bytes().split(b"\n")


def test_one_windows_1252_line_in_a_utf8_export_costs_nothing_and_is_named(bakery):  # noqa: F811
    whole = run_cli("consents", str(EXPORTS / ANNA), "-o", "utf8.csv", cwd=bakery)
    expected = read_register(bakery / "utf8.csv")
    lines = _anna_lines()
    number = next(i for i, line in enumerate(lines) if "Jürgen".encode() in line and b"Einwilligung" in line)
    lines[number] = lines[number].decode("utf-8").encode("cp1252")  # the line re-saved by an old Windows editor
    (bakery / ANNA).write_bytes(b"\n".join(lines))
    result = run_cli("consents", ANNA, "-o", "register.csv", cwd=bakery)
    assert result.returncode == whole.returncode == 1  # line 16 is garbled in the fixture: reported as before
    assert (f"warning: {ANNA}: file: line(s) {number + 1} are not UTF-8 like the rest: read as Windows-1252"
            in result.stderr)
    assert "decided line by line" in result.stderr
    assert _keys(read_register(bakery / "register.csv")) == _keys(expected)  # every row, Jürgen's too


def test_a_line_mixing_encodings_costs_its_message_only(bakery):  # noqa: F811
    whole = run_cli("consents", str(EXPORTS / ANNA), "-o", "utf8.csv", cwd=bakery)
    expected = read_register(bakery / "utf8.csv")
    lines = _anna_lines()
    number = next(i for i, line in enumerate(lines) if "Jürgen".encode() in line and b"Einwilligung" in line)
    lines[number] = lines[number].replace("für".encode(), "f\xfcr".encode("latin-1"))  # UTF-8 "Jürgen", Latin-1 ü
    (bakery / ANNA).write_bytes(b"\n".join(lines))
    result = run_cli("consents", ANNA, "-o", "register.csv", cwd=bakery)
    assert result.returncode == 1 and whole.returncode == 1
    assert f"{ANNA}: line {number + 1}: UTF-8 mixed with a byte of another encoding (0xFC at column" in result.stderr
    rows = read_register(bakery / "register.csv")
    lost = [r for r in expected if r["line"] == str(number + 1)]
    assert lost and _keys(rows) == [k for k in _keys(expected) if k not in _keys(lost)]


def test_a_windows_1252_export_is_read_whole(bakery):  # noqa: F811
    text = ("01.12.26, 10:00 - Jürgen Weiß: Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: "
            "Anfragen & Aufträge. (Einwilligung 3f2a9c1b)\r\n"
            "02.12.26, 11:00 - Jürgen Weiß: Ich widerrufe meine Einwilligung in WhatsApp-Kontakt mit Bäckerei "
            "Müller. STOP\r\n")
    name = "WhatsApp-Chat mit Jürgen Weiß.txt"
    for folder, encoding in (("utf8", "utf-8"), ("windows", "cp1252")):
        (bakery / folder).mkdir()
        (bakery / folder / name).write_bytes(text.encode(encoding))
        result = run_cli("consents", f"{folder}/{name}", "-o", f"{folder}.csv", cwd=bakery)
        assert result.returncode == 0, result.stderr
    assert f"warning: {name}: file: not UTF-8 but Windows-1252 (Latin-1) text" in result.stderr
    rows = read_register(bakery / "windows.csv")
    assert _keys(rows) == _keys(read_register(bakery / "utf8.csv"))
    assert [(r["sender"], r["event"]) for r in rows] == [("Jürgen Weiß", "consent"), ("Jürgen Weiß", "withdrawal")]
