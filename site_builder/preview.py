"""Screenshots of the landing page on three phones, each language, light and dark: output/preview/*.png.

The pages are served from memory (the files of the build, before they are written) by the small HTTP
server of `httpd` on 127.0.0.1, so the pictures show exactly what the build is about to swap in, and a failed
preview leaves the previous output untouched. Any request to another origin is refused.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from .config import Settings
from .httpd import serving
from .pages import lang_dir
from .problems import InputError, report

# Playwright's device descriptors: a small, a common and a large phone.
PHONES = ("iPhone SE", "iPhone 13", "Pixel 7")
SCHEMES = ("light", "dark")
DEFAULT_CHROMIUM = "/usr/bin/chromium"
BROWSER_ENV = "SITE_BUILDER_CHROMIUM"
# No background traffic from the browser itself: the pages must be the only thing that could ask the network.
LAUNCH_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run"]


def launch_args() -> list[str]:
    """Chromium's flags; its sandbox cannot run as root."""
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return (["--no-sandbox"] if root else []) + LAUNCH_ARGS


def chromium_path() -> str | None:
    """The Chromium to drive: $SITE_BUILDER_CHROMIUM, else Debian's /usr/bin/chromium, else None."""
    chosen = os.environ.get(BROWSER_ENV)
    if chosen:
        return chosen
    return DEFAULT_CHROMIUM if Path(DEFAULT_CHROMIUM).is_file() else None


def launch(playwright: Any) -> Any:
    """A headless Chromium: the chosen executable, or Playwright's own one when there is none."""
    path = chromium_path()
    return playwright.chromium.launch(executable_path=path, args=launch_args()) if path else \
        playwright.chromium.launch(args=launch_args())


def device_slug(device: str) -> str:
    """'iPhone SE' -> 'iphone-se'."""
    return device.lower().replace(" ", "-")


def _local_only(base: str) -> Any:
    def handle(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            route.abort()
    return handle


def preview_files(settings: Settings, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """PNG screenshots (one CSS pixel per image pixel, whole page) as {"preview/<phone>-<lang>-<scheme>.png": bytes}."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise InputError([report("--preview", "playwright", "serve.no_playwright")]) from None
    site = {path.removeprefix("site/"): data for path, data in files.items() if path.startswith("site/")}
    shots: dict[str, bytes] = {}
    with serving(site) as base, sync_playwright() as playwright:
        try:
            browser = launch(playwright)
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError([report("--preview", "browser", "serve.no_browser", error=first,
                                     variable=BROWSER_ENV)]) from None
        try:
            for device in PHONES:
                context = browser.new_context(**playwright.devices[device])
                context.route("**/*", _local_only(base))
                page = context.new_page()
                for lang in settings.languages:
                    page.goto(base + lang_dir(settings, lang) + "index.html", wait_until="load")
                    for scheme in SCHEMES:
                        page.emulate_media(color_scheme=scheme)
                        shots[f"preview/{device_slug(device)}-{lang}-{scheme}.png"] = page.screenshot(
                            full_page=True, scale="css", animations="disabled", caret="hide")
                context.close()
        finally:
            browser.close()
    return shots
