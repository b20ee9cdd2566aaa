"""The consent gate on a phone, with JavaScript on and off: nothing opens WhatsApp until the required box is
ticked; then one tap opens exactly the wa.me link whose message names the business, the ticked purposes and
the consent version. The wa.me navigation is intercepted: nothing leaves 127.0.0.1."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from .conftest import WA_LINK, assert_clean_state, visible_chat_links

PHONE = "Pixel 7"


def decoded(url: str, digits: str) -> str:
    """The message of a wa.me link, after checking the link's exact form."""
    match = WA_LINK.match(url)
    assert match, f"not https://wa.me/<digits>?text=<percent-encoded>: {url}"
    assert match.group(1) == digits
    return unquote(match.group(2), errors="strict")


def start_chat(page, watch) -> str:
    """Tap the one visible "Chat starten" link; return the wa.me URL the browser went to."""
    links = page.locator("a.chat.go:visible")
    assert links.count() == 1
    href = links.get_attribute("href")
    with page.expect_navigation(url="https://wa.me/**"):
        links.tap()
    assert watch.whatsapp[-1] == href == page.url
    return page.url


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_consent_gate(javascript, lang, site, new_context, devices):
    s = site.settings.for_lang(lang)
    business = s.business.short_name or s.business.name
    short = {p.id: p.short for p in s.purposes}
    consent_id = site.languages[lang].consent_id
    context, watch = new_context(**devices[PHONE], java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site.url(lang))
    assert page.get_attribute("#consent", "data-version") == consent_id

    # every box starts unticked; "Chat starten" without the required tick goes nowhere
    boxes = page.locator("input[type=checkbox]")
    assert boxes.count() == len(s.purposes) >= 2
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    assert visible_chat_links(page) == []
    before = page.url
    page.locator("button.chat.gate").tap()
    page.wait_for_timeout(200)  # a navigation, had there been one, would have started by now
    assert page.url == before and watch.whatsapp == []
    assert page.evaluate("document.getElementById('c-service').validity.valueMissing")
    assert_clean_state(context, page)

    # required purpose only
    page.locator("#c-service").tap()
    assert page.locator("button.chat.gate").is_hidden()
    text = decoded(start_chat(page, watch), site.settings.whatsapp_digits)
    assert business in text and short["service"] in text and short["marketing"] not in text
    assert f"{consent_id}" in text and f"{consent_id}/" not in text

    # ticking marketing adds it
    page.goto(site.url(lang))
    page.locator("#c-service").tap()
    page.locator("#c-marketing").tap()
    both = decoded(start_chat(page, watch), site.settings.whatsapp_digits)
    assert business in both and short["service"] in both and short["marketing"] in both and consent_id in both

    # unticking it again removes it
    page.goto(site.url(lang))
    for box in ("#c-service", "#c-marketing", "#c-marketing"):
        page.locator(box).tap()
    assert not page.locator("#c-marketing").is_checked()
    assert decoded(start_chat(page, watch), site.settings.whatsapp_digits) == text

    # a QR code's source (?s=r): JavaScript adds it to the id; without JavaScript the plain id is sent
    page.goto(site.url(lang) + "?s=r")
    page.locator("#c-service").tap()
    tagged = decoded(start_chat(page, watch), site.settings.whatsapp_digits)
    if javascript:
        assert f"{consent_id}/r" in tagged and tagged == text.replace(consent_id, f"{consent_id}/r")
    else:
        assert tagged == text
    assert len(watch.whatsapp) == 4
    watch.assert_private()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_withdrawal_is_one_tap(lang, site, new_context, devices):
    s = site.settings.for_lang(lang)
    business = s.business.short_name or s.business.name
    meta = site.languages[lang].texts["withdrawal"].meta
    message = " ".join(meta["message"].replace("{business}", business).split())
    context, watch = new_context(**devices[PHONE], java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url(lang, site.page_of(lang, 'class="chat withdraw"')))

    mailto = page.locator("a[href^='mailto:']").first.get_attribute("href")
    assert mailto.startswith(f"mailto:{s.business.email}?") and message in unquote(mailto)
    assert page.locator(f"a[href='tel:{site.settings.phone_e164}']").count() >= 1

    with page.expect_navigation(url="https://wa.me/**"):
        page.locator("a.chat.withdraw").tap()
    assert watch.whatsapp == [page.url]
    assert decoded(page.url, site.settings.whatsapp_digits) == message
    watch.assert_private()
