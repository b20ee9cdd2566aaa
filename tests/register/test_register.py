"""Tests for the consent register: export parsing, message recognition and the CSV."""

from __future__ import annotations

import dataclasses

import csv
import io
import zipfile
from pathlib import Path

import pytest

from site_builder.register import (
    CSV_COLUMNS,
    ChatMessage,
    DEFAULT_TEMPLATES,
    KnownVersion,
    LanguageTemplates,
    ReadProblem,
    RegisterRow,
    build_recognizer,
    chat_name_from_filename,
    classify,
    drop_repeated_rows,
    neutralise,
    parse_chat_text,
    read_export,
    run_consents,
    write_register_csv,
)

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"
BUSINESS = "Bäckerei Müller"
KNOWN = [
    KnownVersion("a1b2c3d4", "de", "2026-03-01"),
    KnownVersion("0badc0de", "en", "2026-02-15"),
    KnownVersion("3f2a9c1b", "de", "2026-10-01"),
    KnownVersion("7c4e2d10", "en", "2026-10-01"),
]
CURRENT = {"de": "v3f2a9c1b", "en": "v7c4e2d10"}  # today's ids; the exports hold them as sent before ids got their "v"


@pytest.fixture(scope="module")
def rec():
    return build_recognizer(DEFAULT_TEMPLATES, BUSINESS, KNOWN, CURRENT)


# --- one fixture per export format -------------------------------------------------------

# (sender, date, time with seconds, event, consent_id, source, purposes, version_status, lang, line)
DE_ROWS = [
    ("Anna Schmidt", "2026-11-28", "14:05:09", "consent", "v3f2a9c1b", "", "service", "current", "de", 2),
    ("Jürgen Weiß", "2026-11-29", "09:15:00", "consent", "v3f2a9c1b", "", "service;marketing", "current", "de", 4),
    ("Jürgen Weiß", "2026-11-29", "09:15:00", "marketing_opt_in", "v3f2a9c1b", "", "marketing", "current", "de", 4),
    ("+49 151 23456789", "2026-11-29", "09:20:41", "consent", "v3f2a9c1b", "r", "service;marketing", "current", "de", 5),
    ("+49 151 23456789", "2026-11-29", "09:20:41", "marketing_opt_in", "v3f2a9c1b", "r", "marketing", "current", "de", 5),
    ("Zoë Schäfer", "2026-11-30", "10:00:05", "consent", "va1b2c3d4", "", "service", "outdated (2026-03-01)", "de", 9),
    ("Zoë Schäfer", "2026-11-30", "10:01:00", "consent", "vdeadbeef", "", "service", "unknown", "de", 10),
    # the edited draft: greeting without business name, no full stop before the token
    ("Jürgen Weiß", "2026-12-01", "08:02:00", "consent", "v3f2a9c1b", "", "service", "current", "de", 13),
    ("Jürgen Weiß", "2026-12-13", "18:45:00", "marketing_opt_out", "", "", "marketing", "", "de", 14),
    # bare "Stop!": a withdrawal in no particular language
    ("+49 151 23456789", "2026-12-14", "07:30:00", "withdrawal", "", "", "", "", "", 15),
    # business name misspelt by the customer, STOP on its own line
    ("Zoë Schäfer", "2026-12-24", "12:00:00", "withdrawal", "", "", "", "", "de", 16),
]
EN_ROWS = [
    ("Emma Clarke", "2026-11-28", "14:05:09", "consent", "v7c4e2d10", "", "service", "current", "en", 2),
    ("Oliver Brown", "2026-11-29", "09:15:00", "consent", "v7c4e2d10", "", "service;marketing", "current", "en", 4),
    ("Oliver Brown", "2026-11-29", "09:15:00", "marketing_opt_in", "v7c4e2d10", "", "marketing", "current", "en", 4),
    ("+44 7700 900123", "2026-11-29", "21:20:41", "consent", "v7c4e2d10", "r", "service;marketing", "current", "en", 5),
    ("+44 7700 900123", "2026-11-29", "21:20:41", "marketing_opt_in", "v7c4e2d10", "r", "marketing", "current", "en", 5),
    ("Zoë O'Neill", "2026-11-30", "10:00:05", "consent", "v0badc0de", "", "service", "outdated (2026-02-15)", "en", 9),
    ("Zoë O'Neill", "2026-11-30", "10:01:00", "consent", "v12ab34cd", "", "service", "unknown", "en", 10),
    ("Oliver Brown", "2026-12-01", "12:02:00", "consent", "v7c4e2d10", "", "service", "current", "en", 13),
    ("Oliver Brown", "2026-12-13", "18:45:00", "marketing_opt_out", "", "", "marketing", "", "en", 14),
    ("+44 7700 900123", "2026-12-14", "07:30:00", "withdrawal", "", "", "", "", "", 15),
    ("Zoë O'Neill", "2026-12-24", "12:00:00", "withdrawal", "", "", "", "", "en", 16),
]

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


def _make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


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
    path = _make_zip(tmp_path / "WhatsApp Chat - Anna.zip", {"photo.jpg": b"\xff\xd8"})
    messages, problems = read_export(path)
    assert messages == [] and [(p.file, p.line) for p in problems] == [("WhatsApp Chat - Anna.zip", None)]
    assert "no .txt" in problems[0].message


# --- recognition ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("hallo, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge (Einwilligung 3f2a9c1b)",
     ("consent", "de", "v3f2a9c1b", "", ("service",))),
    ("ICH WILLIGE IN WHATSAPP-KONTAKT EIN FÜR:   ANFRAGEN  &\nAUFTRÄGE, angebote & neuigkeiten.\n\n(EINWILLIGUNG 3F2A9C1B/R)",
     ("consent", "de", "v3f2a9c1b", "r", ("service", "marketing"))),
    ("Hallo Bäcker, ich willige ein für: Anfragen und Aufträge. Einwilligung 3f2a9c1b",
     ("consent", "de", "v3f2a9c1b", "", ())),
    ("(consent 7c4e2d10/qr2026)", ("consent", "en", "v7c4e2d10", "qr2026", ())),
    ("Hi! I consent to WhatsApp contact for: Anfragen & Aufträge. (consent 7c4e2d10)",
     ("consent", "en", "v7c4e2d10", "", ("service",))),
    # today's shape, with its letter; the old shape above gives the same id
    ("Hallo Bäckerei Müller, ich willige ein für: Anfragen & Aufträge. (Einwilligung v3f2a9c1b/r)",
     ("consent", "de", "v3f2a9c1b", "r", ("service",))),
    ("(CONSENT V7C4E2D10)", ("consent", "en", "v7c4e2d10", "", ())),
])
def test_edited_consent_drafts_are_recognised(rec, text, expected):
    found = rec.recognize(text)
    assert found is not None
    assert (found.event, found.lang, found.consent_id, found.source, found.purposes) == expected


@pytest.mark.parametrize("text", [
    "Was passiert eigentlich mit meiner Einwilligung, wenn ich umziehe?",
    "Meine Einwilligung habe ich doch schon gegeben (Einwilligung)",
    "(Einwilligung 3f2a9c1)",  # 7 hex digits: a truncated id is not proof of a version
    "(Einwilligung 3f2a9c1bb)",  # 9 hex digits
    "(Einwilligung v3f2a9c1)",  # the letter and 7 hex digits
    "(Einwilligung w3f2a9c1b)",  # another letter
    "(Einwilligung 3f2a9c1b/waytoolong)",  # source longer than 8 characters
    "(Einwilligung xyzxyzxy)",
    "Bitte nicht stoppen, ich will weiter Angebote!",
    "Can you stop by tomorrow?",
    "STOP the delivery, please",
    # "STOPP"/"stoppen" inside ordinary sentences, as for "STOP" above
    "Können Sie die Lieferung für Freitag stoppen?",
    "Stopp, ich meinte Samstag, nicht Freitag!",
    "STOPP die Lieferung bitte",
    "Werbung stoppen, bitte",
    "stoppen",
    "Stopp Werbungen",
    "<Medien ausgeschlossen>",
    "",
])
def test_ordinary_messages_are_not_events(rec, text):
    assert rec.recognize(text) is None


@pytest.mark.parametrize("text, event, lang", [
    ("STOP", "withdrawal", ""),
    ("stop.", "withdrawal", ""),
    ("  Stop!!\n", "withdrawal", ""),
    ("„STOP“", "withdrawal", ""),
    ("STOP Werbung", "marketing_opt_out", "de"),
    ("stop   werbung!", "marketing_opt_out", "de"),
    ("Stop marketing.", "marketing_opt_out", "en"),
    # the German spelling "STOPP" counts exactly like "STOP"
    ("STOPP", "withdrawal", ""),
    ("Stopp!", "withdrawal", ""),
    ("  stopp.\n", "withdrawal", ""),
    ("„STOPP“", "withdrawal", ""),
    ("Stopp Werbung", "marketing_opt_out", "de"),
    ("STOPP   werbung!", "marketing_opt_out", "de"),
    ("Stopp marketing", "marketing_opt_out", "en"),
    ("Ich widerrufe meine Einwilligung in WhatsApp-Kontakt mit Bäckerei Müller. STOPP", "withdrawal", "de"),
    ("Bitte keine Werbung mehr per WhatsApp von Bäckerei Müller. STOPP Werbung", "marketing_opt_out", "de"),
    ("ich widerrufe meine einwilligung in whatsapp kontakt mit euch", "withdrawal", "de"),
    ("Guten Tag,\nbitte keine Werbung mehr per WhatsApp von Ihnen. STOP Werbung\nDanke", "marketing_opt_out", "de"),
    ("I withdraw my consent to WhatsApp contact with you.", "withdrawal", "en"),
    ("Please no more marketing on WhatsApp from the bakery", "marketing_opt_out", "en"),
])
def test_withdrawals_and_opt_outs_are_recognised(rec, text, event, lang):
    found = rec.recognize(text)
    assert found is not None and (found.event, found.lang) == (event, lang)


def test_withdrawal_wins_over_a_consent_token_in_the_same_message(rec):
    text = "Ich widerrufe meine Einwilligung in WhatsApp-Kontakt mit Bäckerei Müller. (Einwilligung 3f2a9c1b)"
    assert rec.recognize(text).event == "withdrawal"


def _msg(sender, text, line=1):
    return ChatMessage(chat="c", sender=sender, date="2026-11-28", time="14:05", text=text, file="f.txt", line=line)


def test_business_own_messages_are_never_counted(rec):
    consent = "Hallo Bäckerei Müller, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge. (Einwilligung 3f2a9c1b)"
    messages = [_msg("Bäckerei Müller", consent, 1), _msg("bäckerei  MÜLLER", "STOP", 2),
                _msg("Anna", consent, 3)]
    assert [(r.sender, r.line) for r in classify(messages, rec)] == [("Anna", 3)]
    # the owner's phone name can be added when it differs from the business name
    rec2 = build_recognizer(DEFAULT_TEMPLATES, BUSINESS, KNOWN, CURRENT, own_senders=["Max (Handy)"])
    assert classify([_msg("Max (Handy)", consent)], rec2) == []


def test_version_status(rec):
    assert rec.version_status("3f2a9c1b") == "current"
    assert rec.version_status("7c4e2d10") == "current"
    assert rec.version_status("a1b2c3d4") == "outdated (2026-03-01)"
    assert rec.version_status("0badc0de") == "outdated (2026-02-15)"
    assert rec.version_status("deadbeef") == "unknown"


def test_the_sites_own_templates_drive_recognition():
    custom = LanguageTemplates(
        lang="de",
        consent="Moin {business}! Zustimmung zu: {purposes} [Zustimmung {version}]",
        withdrawal="Ich ziehe meine Zustimmung für {business} zurück. ENDE",
        marketing_optout="Keine Werbung mehr von {business} bitte. ENDE Werbung",
        purpose_labels={"service": "Termine", "newsletter": "Rundbrief", "marketing": "Rabatte"},
    )
    rec = build_recognizer([custom], "Friseur Kamm", [], {"de": "11112222"})
    found = rec.recognize("Moin Friseur Kamm! Zustimmung zu: Termine, Rabatte, Rundbrief [Zustimmung 11112222]")
    assert (found.event, found.consent_id, found.purposes) == ("consent", "v11112222", ("service", "newsletter", "marketing"))
    assert found.consent_id in rec.current_ids
    assert rec.recognize("(Einwilligung 11112222)") is None
    assert rec.recognize("ende").event == "withdrawal"
    # customers write STOP whatever the site's keyword is: a withdrawal in free words (issue 23, point 8)
    assert rec.recognize("STOP").event == "withdrawal" and rec.recognize("STOPP").event == "withdrawal"
    assert rec.recognize("ENDE bitte").event == "withdrawal"  # the site's own keyword with a filler word
    assert rec.recognize("Keine Werbung mehr von Kamm bitte").event == "marketing_opt_out"
    assert rec.recognize("ENDE Werbung").event == "marketing_opt_out"


def test_consent_template_without_version_field_is_rejected():
    bad = LanguageTemplates("de", "Hallo {business}", "x {business}. STOP", "y {business}. STOP Werbung", {})
    with pytest.raises(ValueError, match="version"):
        build_recognizer([bad], "B", [], {})


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
    _make_zip(path, {"_chat.txt": b"01.12.26, 10:00 - Anna: hallo\n" * 200})  # 6 KB
    monkeypatch.setattr(read, "MAX_MEMBER_BYTES", 5000)
    monkeypatch.setattr(read, "_SMALL", 10 ** 9)  # the size check before reading passes: only counting stops it
    messages, problems = read_export(path)
    assert messages == [] and "zip bomb" in problems[0].message


def test_an_encrypted_zip_gives_a_message(tmp_path):
    path = _make_zip(tmp_path / "WhatsApp Chat - Anna.zip", {"_chat.txt": b"01.12.26, 10:00 - Anna: hi\n"})
    _patch_zip(path, flag_bits=0x1)
    messages, problems = read_export(path)
    assert messages == [] and len(problems) == 1 and "encrypted" in problems[0].message


def test_a_zip_with_an_unknown_compression_method_gives_a_message(tmp_path):
    path = _make_zip(tmp_path / "WhatsApp Chat - Anna.zip", {"_chat.txt": b"01.12.26, 10:00 - Anna: hi\n"})
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
