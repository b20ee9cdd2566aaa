"""Keyboard only: Tab reaches the boxes, then the chat button; Space ticks; Enter starts the chat; the focused
control always shows an outline."""

from __future__ import annotations

import pytest

from .conftest import WA_LINK

FOCUSED = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  return {id: el.id, cls: el.className, tag: el.tagName.toLowerCase(), visible: el.matches(":focus-visible"),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth), inView: (() => {
            const r = el.getBoundingClientRect(); return r.right > 0 && r.bottom > 0 && r.left < innerWidth; })(),
          last: el === [...document.querySelectorAll("a[href], button, input")].filter(e => e.offsetParent).pop()};
}"""


def tab(page) -> dict:
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["visible"] and focused["outline"] != "none" and focused["width"] >= 2, focused
    assert focused["inView"], f"the focused element is off screen: {focused}"
    return focused


def tab_to(page, test, limit: int = 40) -> list[dict]:
    """Press Tab until `test(focused)` holds; return every element focused on the way."""
    seen = []
    for _ in range(limit):
        seen.append(tab(page))
        if test(seen[-1]):
            return seen
    raise AssertionError(f"not reached in {limit} Tab presses: {[(f['tag'], f['id'], f['cls']) for f in seen]}")


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_keyboard_only(javascript, lang, site, new_context, devices):
    context, watch = new_context(**devices["desktop"], java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site.url(lang))

    # the whole page, Tab by Tab: each stop shows its focus; the boxes come before the button, then the rest
    order = tab_to(page, lambda f: f["last"])
    assert "skip" in order[0]["cls"], "the first Tab stop is the skip link"
    names = [f["id"] or f["cls"] or f["tag"] for f in order]
    assert names.index("c-service") < names.index("c-marketing") < names.index("chat gate") < names.index("btn"), names

    page.goto(site.url(lang))
    tab_to(page, lambda f: "gate" in f["cls"].split())

    # Enter on the button before the required tick: the browser's own validation stops it and takes the
    # focus back to the required box; Space ticks it; the chat link takes the button's place
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    assert watch.whatsapp == [] and page.url == site.url(lang)
    assert page.evaluate(FOCUSED)["id"] == "c-service"
    page.keyboard.press("Space")
    assert page.locator("#c-service").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["id"] == "c-marketing"
    # the line under the boxes links the withdrawal page (issue 24: it stands between boxes and button)
    focused = tab(page)
    assert focused["tag"] == "a" and page.evaluate("document.activeElement.closest('.withdraw') !== null"), focused
    focused = tab(page)
    assert focused["tag"] == "a" and "go" in focused["cls"].split(), focused
    with page.expect_navigation(url="https://wa.me/**"):
        page.keyboard.press("Enter")
    assert WA_LINK.match(page.url) and watch.whatsapp == [page.url]
    assert site.languages[lang].consent_id in page.url
    watch.assert_private()
