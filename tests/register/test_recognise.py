"""The consent register's message recognition: consents, withdrawals, the business's own messages, templates."""

from __future__ import annotations


import pytest

from site_builder.register import ChatMessage, DEFAULT_TEMPLATES, LanguageTemplates, build_recognizer, classify

from .conftest import BUSINESS, CURRENT, KNOWN


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


