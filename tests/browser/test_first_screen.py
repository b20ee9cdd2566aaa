"""The customer's first screen: on each phone, with and without JavaScript, light and dark, the first purpose
box and the chat button lie inside the first viewport; the button looks unavailable until the required box
is ticked; the preview shows exactly the message each combination of boxes sends; the head has the tags and
files a link preview and a home-screen icon need."""

from __future__ import annotations

import itertools
import re
from urllib.parse import unquote
from urllib.request import urlopen

import pytest
from PIL import Image

from .conftest import WA_LINK

# Playwright's "iPhone SE" is the first generation (320 x 568); the issue names the second (375 x 667).
SE2 = {"viewport": {"width": 375, "height": 667}, "screen": {"width": 375, "height": 667}}
PHONES = {"iPhone SE (2nd gen.)": ("iPhone SE", SE2), "iPhone 13": ("iPhone 13", {}), "Pixel 7": ("Pixel 7", {})}


def _phone(devices, name):
    base, extra = PHONES[name]
    return {**devices[base], **extra}


def _inside(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    width, height = page.evaluate("[innerWidth, innerHeight]")
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height and box["x"] + box["width"] <= width


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("phone", list(PHONES))
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_decision_is_on_the_first_screen(lang, phone, javascript, scheme, site, new_context, devices):
    context, watch = new_context(**_phone(devices, phone), java_script_enabled=javascript, color_scheme=scheme)
    page = context.new_page()
    page.goto(site.url(lang))
    first = site.settings.for_lang(lang).purposes[0].id
    assert _inside(page, f"#c-{first}"), f"{phone}: the first purpose box is below the first screen"
    assert _inside(page, "button.chat.gate"), f"{phone}: the chat button is below the first screen"
    # the business, the benefit and the start of the first-layer notice's neighbourhood show too
    assert _inside(page, ".brand") and _inside(page, ".intro")
    # until the required box is ticked the button looks unavailable: not the accent colour, dashed outline
    gate = page.locator("button.chat.gate")
    off = gate.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderStyle]")
    page.locator(f"#c-{first}").check()
    go = page.locator("a.chat.go:visible")
    assert go.count() == 1 and _inside(page, "a.chat.go:visible")
    on = go.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderStyle]")
    assert off[0] != on[0] and off[1] == "dashed" and on[1] != "dashed"
    watch.assert_private()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_preview_shows_exactly_the_message_each_combination_sends(lang, javascript, site, new_context, devices):
    s = site.settings.for_lang(lang)
    optional = [p.id for p in s.purposes if not p.required]
    required = [p.id for p in s.purposes if p.required]
    context, watch = new_context(**devices["Pixel 7"], java_script_enabled=javascript)
    page = context.new_page()
    seen = set()
    for ticks in itertools.product([False, True], repeat=len(optional)):
        page.goto(site.url(lang))
        for pid in required:
            page.locator(f"#c-{pid}").check()
        for pid, tick in zip(optional, ticks):
            if tick:
                page.locator(f"#c-{pid}").check()
        bubbles = page.locator("p.msg:visible")
        assert bubbles.count() == 1
        shown = bubbles.evaluate("e => e.lastChild.nodeValue").strip()
        href = page.locator("a.chat.go:visible").get_attribute("href")
        sent = unquote(WA_LINK.match(href).group(2))
        assert shown == sent
        seen.add(shown)
    assert len(seen) == 2 ** len(optional)
    # the automatic answer is shown, labelled as such
    answer = page.locator("p.bubble.in")
    assert answer.count() == 1 and answer.is_visible()
    label = {"de": "automatische Antwort", "en": "automatic reply"}[lang]
    assert label in answer.inner_text()
    watch.assert_private()


def test_the_preview_follows_the_qr_source_with_javascript(site, new_context, devices):
    context, watch = new_context(**devices["Pixel 7"])
    page = context.new_page()
    page.goto(site.url("de") + "?s=p")
    page.locator("#c-service").check()
    shown = page.locator("p.msg:visible").evaluate("e => e.lastChild.nodeValue").strip()
    sent = unquote(WA_LINK.match(page.locator("a.chat.go:visible").get_attribute("href")).group(2))
    assert shown == sent and "/p)" in shown
    watch.assert_private()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_head_tags_card_image_and_icons(lang, site, new_context, devices):
    context, watch = new_context(**devices["iPhone 13"])
    page = context.new_page()
    page.goto(site.url(lang))
    meta = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('meta[property], meta[name]')]
        .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))""")
    intro = site.languages[lang].texts["index"].meta["intro"]
    assert meta["description"] == intro and meta["og:description"] == intro
    assert meta["og:title"] == page.title() and meta["twitter:card"] == "summary_large_image"
    canonical = page.get_attribute("link[rel=canonical]", "href")
    assert canonical == meta["og:url"] and canonical.startswith(site.settings.base_url)
    card = meta["og:image"]
    assert card.startswith(site.settings.base_url) and card.endswith(f"card-{lang}.png")
    # the card is in the site, 1200 x 630, at the same place below the site's root as in the address
    local = site.folder / card[len(site.settings.base_url):]
    with Image.open(local) as image:
        assert image.size == (1200, 630)
    hreflangs = page.eval_on_selector_all("link[rel=alternate][hreflang]", "els => els.map(e => e.hreflang)")
    assert sorted(hreflangs) == sorted(site.settings.languages)
    # the icons the page names are served (200), and so is /favicon.ico, which browsers ask for anyway
    for rel in ("icon", "apple-touch-icon"):
        href = page.locator(f"link[rel='{rel}']").evaluate("e => e.href")
        assert urlopen(href).status == 200
    with urlopen(site.base + "favicon.ico") as response:
        assert response.status == 200 and response.read(4) == b"\x00\x00\x01\x00"
    with Image.open(site.folder / "apple-touch-icon.png") as icon:
        assert icon.size == (180, 180)
    watch.assert_private()


def test_privacy_page_has_contents_and_a_way_back(site, new_context, devices):
    context, watch = new_context(**devices["Pixel 7"])
    page = context.new_page()
    page.goto(site.url("de", site.page_of("de", 'class="toc"')))
    entries = page.locator(".toc a")
    assert entries.count() >= 8
    target = entries.nth(3).get_attribute("href")
    assert page.locator(target).count() == 1
    page.locator("a.back").click()
    assert page.url.endswith("/index.html") or page.url.endswith("/")
    assert page.locator("#consent").count() == 1
    watch.assert_private()


def test_legal_citations_do_not_break(site):
    html = (site.folder / site.page_of("de", 'class="toc"')).read_text(encoding="utf-8")
    assert re.search(r"Art\.\u00a0\d", html) and not re.search(r"Art\. \d", html)
    assert not re.search(r"§ \d", html)
