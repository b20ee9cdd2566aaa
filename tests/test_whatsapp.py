"""wa.me links: exact form, %20 not +, and any Unicode message survives the round trip."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings, strategies as st

from site_builder.whatsapp import fill, message_of, wa_link


def test_link_has_exact_form():
    link = wa_link("491701234567", "Hallo Schreinerei Muster, ich willige ein.\nDanke & tschüss?")
    assert link == ("https://wa.me/491701234567?text=Hallo%20Schreinerei%20Muster%2C%20ich%20willige%20ein."
                    "%0ADanke%20%26%20tsch%C3%BCss%3F")
    assert "+" not in link


def test_link_without_text():
    assert wa_link("491701234567") == "https://wa.me/491701234567"


@pytest.mark.parametrize("digits", ["+491701234567", "49 170", "0049170", "01701234567", ""])
def test_anything_but_international_digits_is_refused(digits):
    with pytest.raises(ValueError):
        wa_link(digits, "x")


@settings(max_examples=500)
@given(st.text(min_size=1))
def test_any_unicode_message_survives_encoding(message):
    link = wa_link("491701234567", message)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/491701234567")
    # only unreserved characters and %XX escapes: no raw space, +, &, # or non-ASCII
    query = parts.query[len("text="):]
    assert all(c.isascii() and (c.isalnum() or c in "-._~%") for c in query)
    assert message_of(link) == message
    # a standard query parser (as a browser or WhatsApp would use) gets the same text back
    assert parse_qs(parts.query, keep_blank_values=True)["text"] == [message]


def test_fill_normalises_whitespace_and_keeps_unknown_fields():
    assert fill("Hallo {business},\n  {purposes} {x}", business="A & B", purposes="Service") == "Hallo A & B, Service {x}"


def test_each_language_computes_its_chat_links_once_and_the_page_shows_exactly_those(site):
    """One home for the chat links (consent.language_chat_links): the pipeline keeps them on the language,
    the length check and the page use that list."""
    from site_builder.consent import language_chat_links
    from site_builder.site import load_site
    from site_builder.stages import pages

    plan, _ = load_site(site / "site.toml")
    files, _ = pages.serve_files(plan)
    for lang, language in plan.languages.items():
        again = language_chat_links(plan.settings, lang, language.texts["consent"].meta["message"],
                                    language.consent_id)
        assert list(language.chat_links) == again
        page = files["site/" + language.folder + "index.html"]
        for link in language.chat_links:
            assert link.url.replace("&", "&amp;").encode() in page
        assert all(language.consent_id in message_of(link.url) for link in language.chat_links)
