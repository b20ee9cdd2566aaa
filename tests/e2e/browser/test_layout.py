"""On three phones and a desktop window: the page fits the width, the parts below the decision follow in order,
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
    width = page.evaluate("innerWidth")
    assert no_horizontal_scroll(page), f"{screen}: the page is wider than the screen ({width} px)"

    # the decision first (issue 24: the whole first screen is tested in test_first_screen.py); below it, in the
    # order a customer scrolls through once: the chat preview, the alternatives, the full first layer with
    # the consent wording, the links; each below the one before, none overlapping
    # (Playwright's "iPhone SE" here is the first generation, 320 x 568: the page must fit its width; the first
    # screen of the second generation, 375 x 667, is what test_first_screen.py measures)
    below = [".actions", ".preview", ".alt", ".notice", ".foot"]
    boxes = [page.locator(selector).bounding_box() for selector in below]
    for (above, upper), (name, lower) in zip(zip(below, boxes), zip(below[1:], boxes[1:])):
        assert lower["y"] >= upper["y"] + upper["height"] - 1, f"{name} is not below {above}"
    for selector, box in zip(below, boxes):
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{selector} is cut off"
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
