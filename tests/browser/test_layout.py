"""On three phones and a desktop window: the page fits the width, the notice and the consent controls show,
and every control a finger can hit is at least 44 x 44 CSS px (WCAG 2.5.5; links inside a sentence exempt)."""

from __future__ import annotations

import pytest

from .conftest import PHONES, no_horizontal_scroll, small_tap_targets, visible_chat_links

LANGS = ("de", "en")
SCREENS = (*PHONES, "desktop")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", SCREENS)
def test_landing_page_fits_the_screen(screen, lang, site, new_context, devices):
    context, watch = new_context(**devices[screen])
    page = context.new_page()
    page.goto(site.url(lang))
    width, height = page.evaluate("[innerWidth, innerHeight]")
    assert no_horizontal_scroll(page), f"{screen}: the page is wider than the screen ({width} px)"

    notice = page.locator(".notice")
    assert notice.is_visible()
    box = notice.bounding_box()
    # the decision comes first (issue 13: boxes and button on the first screen); the first-layer notice
    # follows it directly, next to the decision, not behind other content
    actions = page.locator(".actions").bounding_box()
    assert actions["y"] < height, "the decision is below the first screen"
    assert 0 <= box["y"] - (actions["y"] + actions["height"]) <= 40, "the notice does not follow the decision"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    for control in ("#c-service", "#c-marketing", "button.chat.gate", ".alt a[href^='tel:']",
                    ".alt a[href^='mailto:']"):
        element = page.locator(control)
        assert element.is_visible(), control
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{control} is cut off"
    assert page.locator("#c-service").is_checked() is False

    small, measured = small_tap_targets(page)
    assert measured >= 10 and small == []
    # the chat links only appear once the required box is ticked: measure them then
    page.locator("#c-service").check()
    page.locator("#c-marketing").check()
    assert len(visible_chat_links(page)) == 1
    small, _ = small_tap_targets(page)
    assert small == []
    assert no_horizontal_scroll(page)
    watch.assert_private()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", SCREENS)
def test_withdrawal_page_fits_the_screen(screen, lang, site, new_context, devices):
    context, watch = new_context(**devices[screen])
    page = context.new_page()
    page.goto(site.url(lang, site.page_of(lang, 'class="chat withdraw"')))
    assert no_horizontal_scroll(page)
    assert page.locator("a.chat.withdraw").is_visible()
    small, measured = small_tap_targets(page)
    assert measured >= 8 and small == []
    watch.assert_private()
