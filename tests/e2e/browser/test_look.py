"""A painter's page (issue 24): trade icon, trade and credentials, address and hours in the header; the owner's
photo below the decision, loaded lazily in the size and format the phone needs; with the consent bot, the chat
preview shows exactly the confirmation the bot sends for each combination of boxes."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from site_builder.bot.runtime import load_runtime
from site_builder.site import load_site

from conftest import copy_example, run_cli
from stages.pages.test_photo import phone_photo, with_photo
from .test_first_screen import _phone, first_screen

PAINTER = {"trade": "Malermeister", "credentials": "Meisterbetrieb · Mitglied der Maler- und Lackierer-Innung"}
BOT = '\n[bot]\nphone_number_id = "106540352242922"\nhosting_provider = "Hetzner Online GmbH, Industriestr. 25, 91710 Gunzenhausen"\n'
BOT_ENV = {"WHATSAPP_APP_SECRET": "s", "WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_ACCESS_TOKEN": "t",
           "DATABASE_URL": "sqlite://"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def painter(tmp_path_factory):
    """The example as a painter with the consent bot, no logo (the trade icon shows) and a phone photo; served."""
    site = with_photo(copy_example(tmp_path_factory.mktemp("painter") / "site"))
    phone_photo(site / "foto.jpg")
    toml = site / "site.toml"
    text = toml.read_text(encoding="utf-8").replace('logo = "logo.svg"\n', 'icon = "roller"\n', 1)
    text = text.replace('trade = { de = "Schreinerei & Innenausbau", en = "Joinery & interior fitting" }',
                        f'trade = "{PAINTER["trade"]}"', 1)
    text = text.replace('credentials = { de = "Meisterbetrieb · Innungsmitglied", en = "Master craftsman\'s business '
                        '· Guild member" }', f'credentials = "{PAINTER["credentials"]}"', 1)
    toml.write_text(text + BOT, encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site / "output/site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield site, f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("phone, width", [("iPhone SE (2nd gen.)", 800), ("iPhone 13", 1200), ("Pixel 7", 1200)])
def test_the_photo_waits_below_the_decision_in_the_size_the_phone_needs(phone, width, painter, browser, devices):
    site, base = painter
    model, _ = load_site(site / "site.toml")
    s = model.settings.for_lang("de")
    context = browser.new_context(**_phone(devices, phone))
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    page = context.new_page()
    page.goto(base + "index.html")
    height = page.evaluate("innerHeight")
    parts = dict(first_screen(page, s))
    for name, box in parts.items():  # the photo never pushes the decision off the first screen
        assert box["y"] + box["height"] <= height, f"{phone}: {name} is below the first screen"
    photo = page.locator(".photo img").bounding_box()
    hint = page.locator("#gate-hint").bounding_box()
    assert photo["y"] >= hint["y"] + hint["height"], "the photo is above the decision's end"
    page.locator(".photo img").scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.photo img').complete")
    src = page.evaluate("document.querySelector('.photo img').currentSrc")
    # a phone of 2x (SE) needs 686 px for its 343-px column: 800; 3x and 2.6x phones need about 1000: 1200
    assert src == f"{base}photo-{width}.avif", (phone, src)
    assert [url for url in asked if "/photo-" in url] == [src]  # one file, never the JPEG as well
    context.close()


def test_the_header_shows_the_trade_icon_the_trade_and_where_and_when(painter, browser, devices):
    site, base = painter
    context = browser.new_context(**_phone(devices, "iPhone SE (2nd gen.)"))
    page = context.new_page()
    page.goto(base + "index.html")
    assert page.locator(".top .tile svg path").count() == 1 and page.locator(".top img.logo").count() == 0
    tile = page.locator(".tile").evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
    assert tile == ["rgb(138, 75, 15)", "rgb(255, 255, 255)"]  # the accent colour, the text colour on it
    assert page.locator(".trade").inner_text() == f"{PAINTER['trade']} · {PAINTER['credentials']}"
    assert page.locator(".place").inner_text() == "Musterstraße 12, Musterstadt · Mo–Fr 7–17 Uhr"
    context.close()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_with_the_bot_the_preview_shows_the_confirmation_it_sends(lang, painter, browser, devices):
    site, base = painter
    config = site / "site.toml"
    runtime, problems = load_runtime(config, None, environ=BOT_ENV)  # as `site-builder bot` loads the site
    assert runtime is not None, problems
    replies = next(iter(runtime.sites.values())).replies
    model, _ = load_site(config)
    language = model.languages[lang]
    context = browser.new_context(**_phone(devices, "Pixel 7"))
    page = context.new_page()
    for link in language.chat_links:
        page.goto(base + language.folder + "index.html")
        for purpose in link.purposes:
            page.locator(f"#c-{purpose}").check()
        shown = page.locator("p.bubble.in:visible")
        assert shown.count() == 1
        # what the bot's sender does with a consent message of this link (bot/sender.py)
        sent = replies.render(lang, "consent_confirmed", purposes=replies.purposes_text(lang, link.purposes),
                              version=language.consent_id, marketing="marketing" in link.purposes)
        assert shown.evaluate("e => e.lastChild.nodeValue") == sent
    context.close()
