"""The landing page's chat preview of a site with guided requests, in a real Chromium: after the consent exchange
the first steps of the painter's request, its reply buttons drawn as WhatsApp draws them (each its own box under
the message, as wide as the others, the title centred), with the page's own CSP and no script needed."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_example, run_cli


def _built(tmp_path: Path) -> Path:
    site = copy_example(tmp_path / "site")
    with open(site / "site.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[bot]\nphone_number_id = "106540352242922"\nhosting_provider = "Hetzner Online GmbH, Industriestr. 25, 91710 Gunzenhausen"\n[bot.requests]\noffer = ["angebot"]\n'
                 'key_env = "REQUESTS_KEY"\n')
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    return site / "output" / "site"


def test_the_first_steps_of_the_request_are_drawn_as_whatsapp_draws_them(tmp_path, browser):
    folder = _built(tmp_path)
    context = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=2,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if m.type == "error" else None)
        page.goto((folder / "index.html").as_uri())
        messages = page.locator(".rq-msg")
        assert messages.count() == 3
        assert messages.nth(1).inner_text().endswith("Angebot anfragen")
        buttons = page.locator(".rq-msg").nth(2).locator(".rq-buttons li")
        assert [buttons.nth(i).inner_text() for i in range(buttons.count())] == ["Innen", "Außen", "Beides"]
        bubble = messages.nth(2).locator(".bubble").bounding_box()
        boxes = [buttons.nth(i).bounding_box() for i in range(3)]
        assert all(b and bubble and b["y"] >= bubble["y"] + bubble["height"] - 1 for b in boxes)  # under it
        assert len({round(b["width"]) for b in boxes if b}) == 1  # one column of equal boxes
        style = buttons.nth(0).evaluate("e => [getComputedStyle(e).textAlign, getComputedStyle(e).color]")
        assert style == ["center", "rgb(2, 126, 181)"]
        offer = messages.nth(0).locator(".rq-buttons li")
        assert offer.count() == 1 and offer.inner_text() == "Angebot anfragen"
        assert violations == []
    finally:
        context.close()
