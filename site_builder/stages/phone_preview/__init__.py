"""Screenshots of the landing page on three phones, each language, light and dark, in output/preview/: the
first screen (what a customer sees without scrolling, at the phone's own pixel density) and the whole page
(one image pixel per CSS pixel), plus `index.html`, a contact sheet of the first screens and the poster
previews of the print stage (linked as ../print/poster-*.png).

The pages are served from memory (the files of the build, before they are written) by the small HTTP
server of `httpd` on 127.0.0.1, so the pictures show exactly what the build is about to swap in, and a failed
preview leaves the previous output untouched. Any request to another origin is refused.

    preview_unit(site, files, output) -> Unit    made after the other units, whose files it shows
This module plans (and names the phones and the browser); shots.py takes the pictures (Playwright, an
optional dependency: without it the unit's problem says how to install it).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from ...problems import InputError, Problem, report
from ...site import SiteModel
from ...units import Unit, drawn_unit
from ...wording import SHIPPED as SHIPPED_WORDING, Wording, parse_toml

# Playwright's device descriptors: a small, a common and a large phone.
PHONES = ("iPhone SE", "iPhone 13", "Pixel 7")
# Playwright's "iPhone SE" is the 1st generation (320x568); issue 13 asks for the 2nd (375x667 CSS px, 2x).
OVERRIDES: dict[str, dict[str, Any]] = {
    "iPhone SE": {"viewport": {"width": 375, "height": 667}, "screen": {"width": 375, "height": 667}}}
LABELS = {"iPhone SE": "iPhone SE (2nd gen.)"}
FIRST_SCREEN = "-first-screen.png"
POSTER_PREVIEW = re.compile(r"\Aprint/poster-[^/]+\.png\Z")
SHEET_KEYS = ("title", "intro", "first_screens", "posters", "poster", "posters_missing", "light", "dark", "full_page")
# Added later (issue 24, the fold): a site's older copy of sheet.toml without them gets the shipped words.
SHEET_KEYS_LATER = ("fold", "page_length", "below_fold")
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


def device_slug(device: str) -> str:
    """'iPhone SE' -> 'iphone-se'."""
    return device.lower().replace(" ", "-")


def phone(playwright: Any, device: str) -> dict[str, Any]:
    """The options of a browser context that plays `device` (Playwright's descriptor with our overrides)."""
    options = {k: v for k, v in playwright.devices[device].items() if k != "default_browser_type"}
    return {**options, **OVERRIDES.get(device, {})}


def shot_name(device: str, lang: str, scheme: str, first_screen: bool = False) -> str:
    """'preview/iphone-se-de-dark.png' (whole page) or 'preview/iphone-se-de-dark-first-screen.png'."""
    return f"preview/{device_slug(device)}-{lang}-{scheme}" + (FIRST_SCREEN if first_screen else ".png")


@dataclass(frozen=True)
class PhonePreview:
    """What the screenshots and the contact sheet are made of."""

    languages: tuple[tuple[str, str], ...]  # (language, its folder in the site)
    default_lang: str
    sheet: tuple[tuple[str, str], ...]  # the contact sheet's texts
    files: tuple[tuple[str, bytes], ...]  # the site's files (below site/) as the build is about to write them
    output: tuple[str, ...]  # every file written before this unit (the poster previews among them)
    taken: int  # when: a key no earlier build has (the pictures show this very build, in this browser)


def preview_unit(site: SiteModel, files: Mapping[str, bytes], output: Iterable[str] = ()) -> Unit:
    """The phone screenshots and the contact sheet; made after the other units, whose files it shows. Its key
    is new every time: the pictures are the owner's look at this build, never linked from the previous one."""
    model = PhonePreview(tuple((lang, language.folder) for lang, language in site.languages.items()),
                         site.default_lang, tuple(sheet_wording(site.wording, site.default_lang).items()),
                         tuple(sorted(files.items())), tuple(output), time.time_ns())
    return drawn_unit("preview", f"{__name__}.shots", model, ())


def sheet_wording(wording: Wording, lang: str) -> dict[str, str]:
    """The contact sheet's texts in the site's default language (wording/preview/<lang>/sheet.toml)."""
    if wording.locate(f"preview/{lang}/sheet.toml") is None:  # a language without sheet wording: English
        lang = "en"
    rel = f"preview/{lang}/sheet.toml"
    problems: list[Problem] = []
    data = wording.toml(rel, problems)
    if problems:
        raise InputError(problems)
    missing = [key for key in SHEET_KEYS if not isinstance((data or {}).get(key), str)]
    if missing:
        raise InputError([report(str(wording.locate(rel) or rel), "sheet", "preview.sheet_wording",
                                 keys=", ".join(missing), lang=lang)])
    words = {key: str(data[key]) for key in SHEET_KEYS}  # type: ignore[index]
    shipped: dict[str, object] = {}
    if any(not isinstance(data.get(key), str) for key in SHEET_KEYS_LATER):  # type: ignore[union-attr]
        shipped = parse_toml(SHIPPED_WORDING / rel, problems) or {}
    for key in SHEET_KEYS_LATER:
        value = data.get(key) if isinstance(data.get(key), str) else shipped.get(key)  # type: ignore[union-attr]
        words[key] = str(value or "")
    return words
