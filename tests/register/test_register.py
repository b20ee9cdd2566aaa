"""The consent register: reading the chat exports of every format, day/month order, files and zips."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from site_builder.register import RegisterRow, chat_name_from_filename, classify, parse_chat_text, read_export

from .conftest import DE_ROWS, EN_ROWS, EXPORTS, make_zip


# --- one fixture per export format -------------------------------------------------------

FORMATS = {
    # id: (path under exports/, chat, file column, expected rows, has seconds)
    "android-de": ("WhatsApp-Chat mit Anna Schmidt.txt", "Anna Schmidt", "WhatsApp-Chat mit Anna Schmidt.txt", DE_ROWS, False),
    "android-en-us-12h": ("WhatsApp Chat with Emma Clarke.txt", "Emma Clarke", "WhatsApp Chat with Emma Clarke.txt", EN_ROWS, False),
    "android-en-uk-24h": ("WhatsApp Chat with Oliver Brown.txt", "Oliver Brown", "WhatsApp Chat with Oliver Brown.txt", EN_ROWS, False),
    "ios-de-zip": ("WhatsApp Chat - Jürgen Weiß.zip", "Jürgen Weiß", "WhatsApp Chat - Jürgen Weiß.zip/_chat.txt", DE_ROWS, True),
    "ios-en-uk-unzipped": ("WhatsApp Chat - Zoë O'Neill/_chat.txt", "Zoë O'Neill", "WhatsApp Chat - Zoë O'Neill/_chat.txt", EN_ROWS, True),
    "ios-en-us-12h-zip": ("WhatsApp Chat - Jack Miller.zip", "Jack Miller", "WhatsApp Chat - Jack Miller.zip/_chat.txt", EN_ROWS, True),
}


def _expected(rows, chat, file, seconds, line_shift=None):
    """Expected RegisterRows from the compact tuples above, for one format."""
    out = []
    for sender, date, time, event, cid, source, purposes, status, lang, line in rows:
        if line_shift:
            line = line_shift.get(line, line)
        out.append(RegisterRow(chat=chat, sender=sender, date=date, time=time if seconds else time[:5],
                               event=event, consent_id=cid, source=source, purposes=purposes,
                               version_status=status, lang=lang, file=file, line=line))
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_export_format_gives_the_exact_register_rows(fmt, rec):
    name, chat, file, rows, seconds = FORMATS[fmt]
    messages, problems = read_export(EXPORTS / name)
    # android-de has a malformed header (2 lines) before the last customer message
    shift = {16: 18} if fmt == "android-de" else None
    found = classify(messages, rec)
    assert [dataclasses.replace(row, message="") for row in found] == _expected(rows, chat, file, seconds, shift)
    # each row keeps the customer's own words: the message at its line, as sent (issue 23, point 7)
    texts = {m.line: m.text for m in messages}
    assert all(row.message and row.message == texts[row.line] for row in found)
    expected_problems = 1 if fmt == "android-de" else 0
    assert len(problems) == expected_problems, problems


def test_fixtures_contain_the_invisible_characters_of_real_exports():
    # Guards the fixtures: if they are re-saved by an editor, the parser tests would prove less.
    android_de = (EXPORTS / "WhatsApp-Chat mit Anna Schmidt.txt").read_bytes()
    assert android_de.startswith("\ufeff".encode()) and b"\r\n" in android_de
    assert "\u00a0".encode() in android_de and "\u202a".encode() in android_de
    us = (EXPORTS / "WhatsApp Chat with Emma Clarke.txt").read_text("utf-8")
    assert "\u202fPM" in us and "\r" not in us
    with zipfile.ZipFile(EXPORTS / "WhatsApp Chat - Jürgen Weiß.zip") as zf:
        ios = zf.read("_chat.txt").decode("utf-8")
    assert ios.startswith("\ufeff") and "\u200e[" in ios and ": \u200eNachrichten und Anrufe" in ios


def test_times_are_24h_iso_including_midnight_and_noon():
    messages, _ = read_export(EXPORTS / "WhatsApp Chat with Emma Clarke.txt")
    by_line = {m.line: m for m in messages}
    assert (by_line[11].date, by_line[11].time) == ("2026-12-01", "00:00")  # 12:00 AM
    assert (by_line[13].date, by_line[13].time) == ("2026-12-01", "12:02")  # 12:02 PM
    ios, _ = read_export(EXPORTS / "WhatsApp Chat - Jack Miller.zip")
    assert (ios[4].date, ios[4].time) == ("2026-11-29", "21:20:41")


def test_multi_line_message_keeps_its_continuation_lines():
    messages, _ = read_export(EXPORTS / "WhatsApp-Chat mit Anna Schmidt.txt")
    msg = next(m for m in messages if m.line == 5)
    assert msg.sender == "+49 151 23456789"  # direction marks around the number removed
    assert msg.text == ("Hallo Bäckerei Müller,\nich willige in WhatsApp-Kontakt ein für:\n"
                        "Anfragen & Aufträge, Angebote & Neuigkeiten.\n(Einwilligung 3f2a9c1b/r)")
    assert "\r" not in msg.text


def test_system_lines_and_media_placeholders_are_marked():
    android, _ = read_export(EXPORTS / "WhatsApp-Chat mit Anna Schmidt.txt")
    assert android[0].sender is None and android[0].is_system
    assert android[0].text.startswith("Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt")
    ios, _ = read_export(EXPORTS / "WhatsApp Chat - Jürgen Weiß.zip")
    # iOS files the notice under the chat partner's name; it must not look like their message
    assert ios[0].sender == "Jürgen Weiß" and ios[0].is_system
    media = next(m for m in ios if m.line == 12)
    assert media.text == "Bild weggelassen" and media.is_system
    assert not any(m.is_system for m in ios if m.line in (2, 4, 15))
    assert next(m for m in android if m.line == 12).text == "<Medien ausgeschlossen>"


def test_malformed_header_is_reported_with_its_line_number_and_not_merged():
    messages, problems = read_export(EXPORTS / "WhatsApp-Chat mit Anna Schmidt.txt")
    assert [(p.file, p.line, p.severity) for p in problems] == [("WhatsApp-Chat mit Anna Schmidt.txt", 16, "error")]
    assert "32.13.26, 25:99 - X: y" in problems[0].message
    assert "1 continuation line" in problems[0].message
    # the garbled message and its second line must not be glued onto the bare "Stop!" before it
    stop = next(m for m in messages if m.line == 15)
    assert stop.text == "Stop!"
    assert 16 not in {m.line for m in messages}
    assert str(problems[0]).startswith("WhatsApp-Chat mit Anna Schmidt.txt: line 16: invalid date")


def test_header_like_line_is_kept_as_continuation_with_a_warning():
    text = "28.11.26, 14:05 - Anna: Termin?\n29.11.26, 10:00 passt mir\n"
    messages, problems = parse_chat_text(text, "t.txt", "t")
    assert [m.text for m in messages] == ["Termin?\n29.11.26, 10:00 passt mir"]
    assert [(p.line, p.severity) for p in problems] == [(2, "warning")]


def test_text_before_the_first_message_is_reported_not_dropped():
    messages, problems = parse_chat_text("garbage\n\n28.11.26, 14:05 - Anna: hi\n", "t.txt", "t")
    assert [m.text for m in messages] == ["hi"]
    assert [(p.line, p.severity) for p in problems] == [(1, "error")]


def test_file_without_messages_is_reported():
    messages, problems = parse_chat_text("just some notes\n", "notes.txt", "notes")
    assert messages == []
    assert any(p.line is None and "no chat messages" in p.message for p in problems)


# --- day/month order ----------------------------------------------------------------------

def test_ambiguous_slash_dates_are_read_day_first_with_a_warning():
    messages, problems = read_export(EXPORTS / "WhatsApp Chat with Ambiguous Slash.txt")
    assert [m.date for m in messages] == ["2026-04-03", "2026-04-05"]
    assert [(p.line, p.severity) for p in problems] == [(1, "warning")]
    assert "03/04/26" in problems[0].message and "day-first" in problems[0].message


def test_ambiguous_dates_with_am_pm_are_read_month_first_with_a_warning():
    messages, problems = read_export(EXPORTS / "WhatsApp Chat with Ambiguous AMPM.txt")
    assert [(m.date, m.time) for m in messages] == [("2026-03-04", "10:00"), ("2026-05-04", "23:30")]
    assert [(p.line, p.severity) for p in problems] == [(1, "warning")]
    assert "month-first" in problems[0].message


@pytest.mark.parametrize("text, dates", [
    # one date with day > 12 decides the whole file, even an earlier ambiguous line
    ("03/04/26, 10:00 - A: x\n13/04/26, 10:00 - A: y\n", ["2026-04-03", "2026-04-13"]),
    ("03/04/26, 10:00 - A: x\n04/13/26, 10:00 - A: y\n", ["2026-03-04", "2026-04-13"]),
    ("03.04.26, 10:00 - A: x\n13.04.26, 10:00 - A: y\n", ["2026-04-03", "2026-04-13"]),
])
def test_day_month_order_is_decided_from_all_dates_of_the_file(text, dates):
    messages, problems = parse_chat_text(text, "t.txt", "t")
    assert [m.date for m in messages] == dates
    assert problems == []


def test_dates_with_equal_day_and_month_need_no_warning():
    messages, problems = parse_chat_text("03/03/26, 10:00 - A: x\n", "t.txt", "t")
    assert [m.date for m in messages] == ["2026-03-03"] and problems == []


def test_conflicting_day_month_evidence_is_warned_and_impossible_dates_reported():
    text = "13/04/26, 10:00 - A: x\n14/04/26, 10:00 - A: y\n04/15/26, 10:00 - A: z\n"
    messages, problems = parse_chat_text(text, "t.txt", "t")
    assert [m.date for m in messages] == ["2026-04-13", "2026-04-14"]
    assert [(p.line, p.severity) for p in problems] == [(1, "warning"), (3, "error")]


# --- files ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, chat", [
    ("WhatsApp Chat with Anna Schmidt.txt", "Anna Schmidt"),
    ("WhatsApp-Chat mit Jürgen Weiß.txt", "Jürgen Weiß"),
    ("WhatsApp-Chat mit Jürgen Weiß.zip", "Jürgen Weiß"),
    ("WhatsApp Chat - Zoë O'Neill.zip", "Zoë O'Neill"),
    ("WhatsApp Chat - Zoë O'Neill/_chat.txt", "Zoë O'Neill"),
    ("Kunden März.txt", "Kunden März"),
    # a second download or copy of the same export names the same chat
    ("WhatsApp-Chat mit Lena Vogel (1).zip", "Lena Vogel"),
    ("WhatsApp Chat with Anna Schmidt(2).txt", "Anna Schmidt"),
    ("WhatsApp Chat - Zoë O'Neill - Kopie.zip", "Zoë O'Neill"),
    ("WhatsApp Chat - Zoë O'Neill - Copy (2).zip", "Zoë O'Neill"),
    ("WhatsApp Chat - Zoë O'Neill copy 2.zip", "Zoë O'Neill"),
    ("WhatsApp Chat - Zoë O'Neill (1)/_chat.txt", "Zoë O'Neill"),
    # macOS hands over file names decomposed ("u" + combining diaeresis)
    ("WhatsApp Chat - Ju\u0308rgen Weiß.zip", "Jürgen Weiß"),
    ("WhatsApp Chat - Ju\u0308rgen Weiß (1)/_chat.txt", "Jürgen Weiß"),
    # names that merely end in a number or a bracket stay as they are
    ("WhatsApp Chat with +49 151 23456789.txt", "+49 151 23456789"),
    ("WhatsApp Chat with Filiale 2.txt", "Filiale 2"),
    ("WhatsApp Chat with Anna (Handy).txt", "Anna (Handy)"),
    ("WhatsApp Chat (1).txt", "(1)"),
])
def test_chat_name_comes_from_the_file_name(name, chat):
    assert chat_name_from_filename(Path(name)) == chat


def test_android_zip_with_media_uses_the_chat_text(tmp_path, rec):
    path = tmp_path / "WhatsApp Chat with Jörg Schäfer.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("IMG-20261128-WA0001.jpg", b"\xff\xd8")
        zf.writestr("WhatsApp Chat with Jörg Schäfer.txt",
                    "28/11/2026, 14:05 - Jörg Schäfer: Hello Bäckerei Müller, I consent to WhatsApp contact "
                    "for: Enquiries & orders. (consent 7c4e2d10)\n")
    messages, problems = read_export(path)
    assert problems == []
    rows = classify(messages, rec)
    assert [(r.chat, r.sender, r.date, r.event, r.file) for r in rows] == [
        ("Jörg Schäfer", "Jörg Schäfer", "2026-11-28", "consent",
         "WhatsApp Chat with Jörg Schäfer.zip/WhatsApp Chat with Jörg Schäfer.txt")]


@pytest.mark.parametrize("name, content, needle", [
    ("broken.zip", b"PK\x03\x04 this is not a zip", "not a readable zip"),
    # named as given (the folder too), so that a mistyped name or folder can be seen
    ("missing.txt", None, "no such file: check the name and the folder"),
])
def test_unreadable_files_are_reported_by_name(tmp_path, name, content, needle):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    messages, problems = read_export(path)
    assert messages == []
    assert len(problems) == 1 and problems[0].file in (name, str(path)) and problems[0].severity == "error"
    assert problems[0].line is None and needle in problems[0].message


def test_zip_without_chat_text_is_reported(tmp_path):
    path = make_zip(tmp_path / "WhatsApp Chat - Anna.zip", {"photo.jpg": b"\xff\xd8"})
    messages, problems = read_export(path)
    assert messages == [] and [(p.file, p.line) for p in problems] == [("WhatsApp Chat - Anna.zip", None)]
    assert "no .txt" in problems[0].message


