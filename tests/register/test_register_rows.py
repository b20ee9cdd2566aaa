"""The consent register's rows: the CSV, STOPP and the same chat exported twice, hostile files, manual rows."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
from pathlib import Path

import pytest

from site_builder.register import (CSV_COLUMNS, ReadProblem, RegisterRow, classify, drop_repeated_rows, neutralise,
                                   read_export, run_consents, write_register_csv)

from .conftest import DE_ROWS, EN_ROWS, EXPORTS, make_zip


# --- CSV ----------------------------------------------------------------------------------------

def test_run_consents_writes_a_csv_that_round_trips(tmp_path, rec):
    files = [EXPORTS / "WhatsApp-Chat mit Anna Schmidt.txt", EXPORTS / "WhatsApp Chat - Jack Miller.zip"]
    out = tmp_path / "register.csv"
    rows, problems = run_consents(files, rec, out)
    assert len(rows) == len(DE_ROWS) + len(EN_ROWS)
    assert [p.line for p in problems] == [16]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel opens umlauts correctly
    with out.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")  # semicolons: German Excel's list separator
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        read_back = list(reader)
    labels = rec.labels()
    assert read_back == [{k: neutralise(v) for k, v in r.as_dict(labels).items()} for r in rows]
    marketing = [(r["sender"], r["event"]) for r in read_back if r["event"].startswith("marketing_")]
    # a sender that is a phone number starts with "+": quoted, so a spreadsheet shows it as text
    assert marketing == [
        ("Jürgen Weiß", "marketing_opt_in"), ("'+49 151 23456789", "marketing_opt_in"),
        ("Jürgen Weiß", "marketing_opt_out"),
        ("Oliver Brown", "marketing_opt_in"), ("'+44 7700 900123", "marketing_opt_in"),
        ("Oliver Brown", "marketing_opt_out"),
    ]
    first = read_back[0]
    assert first == {"chat": "Anna Schmidt", "sender": "Anna Schmidt", "date": "2026-11-28", "time": "14:05",
                     "event": "consent", "consent_id": "v3f2a9c1b", "source": "", "purposes": "service",
                     "purposes_label": "Anfragen & Aufträge",
                     "version_status": "current", "lang": "de", "file": "WhatsApp-Chat mit Anna Schmidt.txt",
                     "line": "2", "message": "Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: "
                     "Anfragen & Aufträge. (Einwilligung 3f2a9c1b)"}
    both = next(r for r in read_back if r["purposes"] == "service;marketing")
    assert both["purposes_label"] == "Anfragen & Aufträge; Angebote & Neuigkeiten"


def test_csv_quotes_commas_quotes_and_newlines(rec):
    row = RegisterRow(chat='Kunde "Zoë", Köln', sender="Jörg,\nSchäfer", date="2026-11-28", time="14:05",
                      event="consent", consent_id="3f2a9c1b", purposes="service;marketing",
                      version_status="outdated (2026-03-01)", lang="de", file="a.txt", line=3)
    buf = io.StringIO()
    write_register_csv([row], buf)
    assert list(csv.DictReader(io.StringIO(buf.getvalue()), delimiter=";")) == [row.as_dict()]


def test_empty_register_still_has_the_header(tmp_path, rec):
    buf = io.StringIO()
    rows, problems = run_consents([], rec, buf)
    assert rows == [] and problems == []
    assert buf.getvalue().strip() == ";".join(CSV_COLUMNS)


# --- "STOPP" and the same chat exported twice ----------------------------------------------------

LENA_MARCH = "WhatsApp-Chat mit Lena Vogel.txt"  # Android export made in March
LENA_APRIL = "WhatsApp-Chat mit Lena Vogel (1).zip"  # the same chat again in April, downloaded twice
LENA_APRIL_FILE = "WhatsApp-Chat mit Lena Vogel (1).zip/WhatsApp-Chat mit Lena Vogel.txt"
# (sender, date, time, event, consent_id, purposes, lang, line); the chat is "Lena Vogel"
LENA_MARCH_ROWS = [
    ("Lena Vogel", "2026-03-02", "09:05", "consent", "v3f2a9c1b", "service;marketing", "de", 2),
    ("Lena Vogel", "2026-03-02", "09:05", "marketing_opt_in", "v3f2a9c1b", "marketing", "de", 2),
    # "Stopp Werbung" sent twice within one minute: two messages, two rows
    ("Lena Vogel", "2026-03-20", "18:00", "marketing_opt_out", "", "marketing", "de", 6),
    ("Lena Vogel", "2026-03-20", "18:00", "marketing_opt_out", "", "marketing", "de", 7),
]
LENA_APRIL_ONLY_ROWS = [
    ("Lena Vogel", "2026-04-02", "10:00", "consent", "v3f2a9c1b", "service;marketing", "de", 8),
    ("Lena Vogel", "2026-04-02", "10:00", "marketing_opt_in", "v3f2a9c1b", "marketing", "de", 8),
    ("Lena Vogel", "2026-04-10", "08:15", "marketing_opt_out", "", "marketing", "de", 9),
    ("Lena Vogel", "2026-04-12", "07:05", "withdrawal", "", "", "", 11),
    ("Lena Vogel", "2026-04-12", "07:06", "withdrawal", "", "", "de", 12),
]


def bare(rows):
    """Rows without the customer's words (the `message` column), to compare with the compact expectations."""
    return [dataclasses.replace(row, message="") for row in rows]


def _lena(rows, file):
    """Expected RegisterRows of the Lena Vogel exports."""
    return [RegisterRow(chat="Lena Vogel", sender=sender, date=date, time=time, event=event, consent_id=cid,
                        purposes=purposes, version_status="current" if cid else "", lang=lang, file=file, line=line)
            for sender, date, time, event, cid, purposes, lang, line in rows]


def test_stopp_messages_give_the_exact_register_rows(rec):
    messages, problems = read_export(EXPORTS / LENA_MARCH)
    assert problems == []
    # "stoppen" and "Stopp, ich meinte Samstag" (lines 4, 5) are ordinary chat
    unclear: list = []
    assert bare(classify(messages, rec, unclear)) == _lena(LENA_MARCH_ROWS, LENA_MARCH)
    # "Stopp, ich meinte Samstag" sounds like a stop without being one: listed for the owner, nothing recorded
    assert [m.text for m in unclear] == ["Stopp, ich meinte Samstag, nicht Freitag!"]
    messages, problems = read_export(EXPORTS / LENA_APRIL)
    assert problems == []
    assert bare(classify(messages, rec)) == _lena(LENA_MARCH_ROWS + LENA_APRIL_ONLY_ROWS, LENA_APRIL_FILE)


def _dropped_warnings(problems):
    # the unclear stop-like messages of the Lena exports are warnings of their own (issue 23, point 8)
    return [(p.file, p.line, p.severity, p.message) for p in problems if "sounds like a stop" not in p.message]


def _dropped_message(n, earlier):
    return (f"{n} register row(s) dropped as duplicates: the same chat, sender, date, time, event and "
            f"consent id were already read from {earlier}")


def test_a_later_export_of_the_same_chat_adds_only_its_new_rows(rec):
    buf = io.StringIO()
    rows, problems = run_consents([EXPORTS / LENA_MARCH, EXPORTS / LENA_APRIL], rec, buf)
    assert bare(rows) == _lena(LENA_MARCH_ROWS, LENA_MARCH) + _lena(LENA_APRIL_ONLY_ROWS, LENA_APRIL_FILE)
    assert _dropped_warnings(problems) == [(LENA_APRIL_FILE, None, "warning", _dropped_message(4, LENA_MARCH))]
    assert any(str(p).startswith(f"warning: {LENA_APRIL_FILE}: file: 4 register row(s) dropped") for p in problems)
    assert any(str(p).startswith(f"warning: {LENA_MARCH}: line 5: Lena Vogel wrote on 2026-03-15 at 11:31 "
                                 '"Stopp, ich meinte Samstag') for p in problems)
    assert len(list(csv.DictReader(io.StringIO(buf.getvalue())))) == 9
    # in the other order the later export gives every row and the March one adds nothing
    rows, problems = run_consents([EXPORTS / LENA_APRIL, EXPORTS / LENA_MARCH], rec, io.StringIO())
    assert bare(rows) == _lena(LENA_MARCH_ROWS + LENA_APRIL_ONLY_ROWS, LENA_APRIL_FILE)
    assert _dropped_warnings(problems) == [(LENA_MARCH, None, "warning", _dropped_message(4, LENA_APRIL_FILE))]


def test_the_same_export_passed_twice_gives_its_rows_once(rec):
    rows, problems = run_consents([EXPORTS / LENA_APRIL, EXPORTS / LENA_APRIL], rec, io.StringIO())
    assert bare(rows) == _lena(LENA_MARCH_ROWS + LENA_APRIL_ONLY_ROWS, LENA_APRIL_FILE)
    assert _dropped_warnings(problems) == [(LENA_APRIL_FILE, None, "warning", _dropped_message(9, LENA_APRIL_FILE))]


@pytest.mark.parametrize("zip_name, unzipped, count", [
    # Android: the .txt inside is named after the chat, without the " (1)" the download got
    (LENA_APRIL, "WhatsApp-Chat mit Lena Vogel.txt", 9),
    # iOS: _chat.txt, unzipped by macOS into a folder named after the zip
    ("WhatsApp Chat - Jürgen Weiß.zip", "WhatsApp Chat - Jürgen Weiß/_chat.txt", len(DE_ROWS)),
])
def test_a_zip_and_the_txt_inside_it_give_their_rows_once(tmp_path, rec, zip_name, unzipped, count):
    txt = tmp_path / unzipped
    txt.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(EXPORTS / zip_name) as zf:
        txt.write_bytes(zf.read("_chat.txt" if unzipped.endswith("_chat.txt") else Path(unzipped).name))
    from_zip, _ = run_consents([EXPORTS / zip_name], rec, io.StringIO())
    assert len(from_zip) == count
    rows, problems = run_consents([EXPORTS / zip_name, txt], rec, io.StringIO())
    assert rows == from_zip
    dropped = [p for p in problems if "dropped as duplicates" in p.message]
    assert [(p.file, p.severity) for p in dropped] == [(unzipped, "warning")]
    assert dropped[0].message.startswith(f"{count} register row(s) dropped")


def test_different_chats_with_the_same_messages_keep_all_rows(rec):
    # Emma's and Oliver's exports hold the same messages at the same times; only the chat differs
    files = [EXPORTS / "WhatsApp Chat with Emma Clarke.txt", EXPORTS / "WhatsApp Chat with Oliver Brown.txt"]
    rows, problems = run_consents(files, rec, io.StringIO())
    assert len(rows) == 2 * len(EN_ROWS)
    assert problems == []


def _row(file, line, **changes):
    fields = dict(chat="Anna", sender="Anna", date="2026-03-20", time="18:00", event="withdrawal",
                  file=file, line=line)
    return RegisterRow(**{**fields, **changes})


def test_repeated_rows_are_matched_one_to_one():
    collected: dict = {}
    march = [_row("march.txt", 6)]
    assert drop_repeated_rows(march, collected) == (march, {})
    # the March export ended within the minute in which the customer sent STOP a second time
    april = [_row("april.txt", 6), _row("april.txt", 7)]
    assert drop_repeated_rows(april, collected) == ([april[1]], {"march.txt": 1})
    # a third export of the same chat adds nothing, and names both files it repeats
    assert drop_repeated_rows([_row("again.txt", 6), _row("again.txt", 7)], collected) == (
        [], {"march.txt": 1, "april.txt": 1})


@pytest.mark.parametrize("field, value", [
    ("chat", "Anna Schmidt"), ("sender", "Jörg"), ("date", "2026-03-21"), ("time", "18:01"),
    ("event", "marketing_opt_out"), ("consent_id", "3f2a9c1b"),
])
def test_rows_differing_in_any_key_field_are_all_kept(field, value):
    collected: dict = {}
    drop_repeated_rows([_row("a.txt", 1)], collected)
    other = [_row("b.txt", 1, **{field: value})]
    assert drop_repeated_rows(other, collected) == (other, {})


def test_read_problem_str():
    assert str(ReadProblem("a.txt", None, "broken")) == "a.txt: file: broken"
    assert str(ReadProblem("a.txt", 3, "odd", "warning")) == "warning: a.txt: line 3: odd"


# --- hostile files (issue 14.4) ----------------------------------------------------------------

def _patch_zip(path: Path, flag_bits: int | None = None, method: int | None = None) -> None:
    """Set the general-purpose flags or the compression method of the only member, in both headers."""
    data = bytearray(path.read_bytes())
    for signature, flags_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = data.index(signature)
        if flag_bits is not None:
            data[at + flags_at:at + flags_at + 2] = flag_bits.to_bytes(2, "little")
        if method is not None:
            data[at + method_at:at + method_at + 2] = method.to_bytes(2, "little")
    path.write_bytes(bytes(data))


def test_a_zip_bomb_is_refused_quickly(tmp_path):
    import time

    path = tmp_path / "WhatsApp Chat - Bomb.zip"
    line = b"01.12.26, 10:00 - Anna: " + b"x" * 1000 + b"\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, zf.open("_chat.txt", "w") as fh:
        for _ in range(100):  # 100 MB of text in a zip of about 100 KB
            fh.write(line * 1000)
    assert path.stat().st_size < 1_000_000
    start = time.perf_counter()
    messages, problems = read_export(path)
    assert time.perf_counter() - start < 2
    assert messages == [] and [(p.file, p.line, p.severity) for p in problems] == [
        ("WhatsApp Chat - Bomb.zip/_chat.txt", None, "error")]
    assert "zip bomb" in problems[0].message and "64 MB" in problems[0].message


def test_reading_a_zip_member_stops_at_the_limit_even_if_its_size_field_lies(tmp_path, monkeypatch):
    import site_builder.register.read as read

    path = tmp_path / "WhatsApp Chat - Anna.zip"
    make_zip(path, {"_chat.txt": b"01.12.26, 10:00 - Anna: hallo\n" * 200})  # 6 KB
    monkeypatch.setattr(read, "MAX_MEMBER_BYTES", 5000)
    monkeypatch.setattr(read, "_SMALL", 10 ** 9)  # the size check before reading passes: only counting stops it
    messages, problems = read_export(path)
    assert messages == [] and "zip bomb" in problems[0].message


def test_an_encrypted_zip_gives_a_message(tmp_path):
    path = make_zip(tmp_path / "WhatsApp Chat - Anna.zip", {"_chat.txt": b"01.12.26, 10:00 - Anna: hi\n"})
    _patch_zip(path, flag_bits=0x1)
    messages, problems = read_export(path)
    assert messages == [] and len(problems) == 1 and "encrypted" in problems[0].message


def test_a_zip_with_an_unknown_compression_method_gives_a_message(tmp_path):
    path = make_zip(tmp_path / "WhatsApp Chat - Anna.zip", {"_chat.txt": b"01.12.26, 10:00 - Anna: hi\n"})
    _patch_zip(path, method=99)  # AES, as 7-Zip and WinZip write it
    messages, problems = read_export(path)
    assert messages == [] and len(problems) == 1 and "compression method" in problems[0].message


def test_a_damaged_zip_member_gives_a_message(tmp_path):
    path = tmp_path / "WhatsApp Chat - Anna.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("_chat.txt", b"01.12.26, 10:00 - Anna: hallo\n" * 50)
    data = bytearray(path.read_bytes())
    data[40:60] = b"\x00" * 20  # inside the compressed data
    path.write_bytes(bytes(data))
    messages, problems = read_export(path)
    assert messages == [] and len(problems) == 1 and "not a readable zip" in problems[0].message


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+49 170 1234567", "-1+1", "@SUM(1+1)", "\tx", "\rx"])
def test_formula_cells_are_quoted(value):
    row = RegisterRow(chat=value, sender=value, date="2026-11-28", time="14:05", event="withdrawal", file=value)
    buf = io.StringIO()
    write_register_csv([row], buf)
    written = next(csv.DictReader(io.StringIO(buf.getvalue(), newline=""), delimiter=";"))
    assert written["chat"] == written["sender"] == written["file"] == "'" + value
    assert neutralise("Anna") == "Anna" and neutralise("a=b") == "a=b"


def test_written_atomically_no_temporary_file_is_left(tmp_path, rec):
    out = tmp_path / "register.csv"
    run_consents([EXPORTS / "WhatsApp-Chat mit Anna Schmidt.txt"], rec, out)
    assert [p.name for p in tmp_path.iterdir()] == ["register.csv"]


# --- manual rows, merging, folding ----------------------------------------------------------------

def test_manual_rows_are_read_and_bad_rows_reported_with_line(tmp_path, rec):
    manual = tmp_path / "manual.csv"
    manual.write_text(
        "chat;sender;date;time;event;consent_id;purposes\n"
        "Anna Schmidt;Anna Schmidt;14.03.2026;09:30;consent;3F2A9C1B;\"service;marketing\"\n"
        "Anna Schmidt;Anna Schmidt;2026-03-14;09:30;marketing_opt_in;3f2a9c1b;marketing\n"
        "Bob;Bob;31.02.2026;09:30;consent;3f2a9c1b;service\n"
        "Bob;Bob;2026-03-01;9h30;consent;3f2a9c1b;service\n"
        "Bob;Bob;2026-03-01;09:30;agreed;;\n"
        "Bob;Bob;2026-03-01;09:30;consent;;service\n"
        "Bob;Bob;2026-03-01;09:30;consent;3f2a9c1b;newsletter\n"
        "Bob;Bob;2026-03-01;09:30;consent;3f2a9c1b;service;marketing\n"
        "Cleo;Cleo;2026-03-02;10:00;consent;3f2a9c1b;service, marketing\n"
        "\n"
        "Carl;Carl;2026-04-01;10:00;withdrawal;;\n", encoding="utf-8")
    rows, problems = run_consents([manual], rec, io.StringIO())
    assert [(r.sender, r.event, r.date, r.consent_id, r.purposes, r.source, r.file, r.line) for r in rows] == [
        # ids as customers sent them before ids got their letter: written in today's shape
        ("Anna Schmidt", "consent", "2026-03-14", "v3f2a9c1b", "service;marketing", "manual", "manual.csv", 2),
        ("Anna Schmidt", "marketing_opt_in", "2026-03-14", "v3f2a9c1b", "marketing", "manual", "manual.csv", 3),
        ("Cleo", "consent", "2026-03-02", "v3f2a9c1b", "service;marketing", "manual", "manual.csv", 10),
        ("Carl", "withdrawal", "2026-04-01", "", "", "manual", "manual.csv", 12),
    ]
    assert [(p.file, p.line, p.severity) for p in problems] == [("manual.csv", n, "error") for n in (4, 5, 6, 7, 8, 9)]
    assert "31.02.2026" in problems[0].message and "9h30" in problems[1].message
    assert "agreed" in problems[2].message and "consent_id" in problems[3].message
    assert "newsletter" in problems[4].message
    assert "'marketing' left over" in problems[5].message and '"service;marketing"' in problems[5].message
    assert str(problems[0]).startswith("manual.csv: line 4: date '31.02.2026'")


def test_manual_rows_keep_extra_columns_out_and_accept_commas(tmp_path, rec):
    manual = tmp_path / "m.csv"
    manual.write_text("\ufeffchat,sender,date,time,event,consent_id,source,purposes,note\n"
                      "Anna,Anna,2026-03-14,09:30,consent,3f2a9c1b,r,service,screenshot 12\n", encoding="utf-8")
    rows, problems = run_consents([manual], rec, io.StringIO())
    assert problems == [] and [(r.source, r.purposes) for r in rows] == [("manual", "service")]


def test_a_manual_file_without_the_columns_is_reported(tmp_path, rec):
    manual = tmp_path / "m.csv"
    manual.write_text("name;when\nAnna;heute\n", encoding="utf-8")
    rows, problems = run_consents([manual], rec, io.StringIO())
    assert rows == [] and [(p.file, p.line) for p in problems] == [("m.csv", None)]
    assert "chat, sender, date, time, event" in problems[0].message


def test_merge_registers_keeps_time_order_and_counts_what_was_dropped():
    from site_builder.register import merge_registers

    def row(day, event, file, sender="Anna"):
        return RegisterRow(chat="Anna", sender=sender, date=f"2026-03-{day:02d}", time="10:00", event=event,
                           consent_id="3f2a9c1b" if event == "consent" else "", file=file)

    first = [row(1, "consent", "a.txt"), row(5, "withdrawal", "a.txt")]
    second = [row(1, "consent", "bot"), row(3, "consent", "bot", "Bob"), row(5, "withdrawal", "bot"),
              row(5, "withdrawal", "bot")]
    merged, dropped = merge_registers(first, second)
    assert dropped == 2
    assert [(r.date, r.event, r.file) for r in merged] == [
        ("2026-03-01", "consent", "a.txt"), ("2026-03-03", "consent", "bot"),
        ("2026-03-05", "withdrawal", "a.txt"), ("2026-03-05", "withdrawal", "bot")]


def test_fold_text_is_the_recognisers_folding():
    from site_builder.register import fold_text

    assert fold_text("\u200eBÄCKEREI  Müller\u00a0– Straße") == "baeckerei mueller - strasse"
