"""Screenshots of the landing page on three phones, each language, light and dark, in output/preview/: the
first screen (what a customer sees without scrolling, at the phone's own pixel density) and the whole page
(one image pixel per CSS pixel), plus `index.html`, a contact sheet of the first screens and the poster
previews of the print stage (linked as ../print/poster-*.png).

The pages are served from memory (the files of the build, before they are written) by the small HTTP
server of `httpd` on 127.0.0.1, so the pictures show exactly what the build is about to swap in, and a failed
preview leaves the previous output untouched. Any request to another origin is refused.
"""

from __future__ import annotations

import html
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..httpd import serving
from ..messages import t
from ..problems import InputError, Problem, report
from ..site import SiteModel
from ..units import Unit, drawn_unit
from ..wording import Wording

# Playwright's device descriptors: a small, a common and a large phone.
PHONES = ("iPhone SE", "iPhone 13", "Pixel 7")
# Playwright's "iPhone SE" is the 1st generation (320x568); issue 13 asks for the 2nd (375x667 CSS px, 2x).
OVERRIDES: dict[str, dict[str, Any]] = {
    "iPhone SE": {"viewport": {"width": 375, "height": 667}, "screen": {"width": 375, "height": 667}}}
LABELS = {"iPhone SE": "iPhone SE (2nd gen.)"}
FIRST_SCREEN = "-first-screen.png"
POSTER_PREVIEW = re.compile(r"\Aprint/poster-[^/]+\.png\Z")
SHEET_KEYS = ("title", "intro", "first_screens", "posters", "poster", "posters_missing", "light", "dark", "full_page")
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


def phone(playwright: Any, device: str) -> dict[str, Any]:
    """The options of a browser context that plays `device` (Playwright's descriptor with our overrides)."""
    options = {k: v for k, v in playwright.devices[device].items() if k != "default_browser_type"}
    return {**options, **OVERRIDES.get(device, {})}


def shot_name(device: str, lang: str, scheme: str, first_screen: bool = False) -> str:
    """'preview/iphone-se-de-dark.png' (whole page) or 'preview/iphone-se-de-dark-first-screen.png'."""
    return f"preview/{device_slug(device)}-{lang}-{scheme}" + (FIRST_SCREEN if first_screen else ".png")


def _local_only(base: str) -> Any:
    def handle(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            route.abort()
    return handle


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
    return drawn_unit("preview", __name__, model, ())


def render(model: PhonePreview) -> dict[str, bytes]:
    """The screenshots and the contact sheet as {"preview/...": bytes}."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise InputError([report("--preview", "playwright", "serve.no_playwright")]) from None
    wording = dict(model.sheet)
    site = {path.removeprefix("site/"): data for path, data in model.files if path.startswith("site/")}
    languages = [lang for lang, _ in model.languages]
    shots: dict[str, bytes] = {}
    viewports: dict[str, dict[str, int]] = {}
    with serving(site) as base, sync_playwright() as playwright:
        try:
            browser = launch(playwright)
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError([report("--preview", "browser", "serve.no_browser", error=first,
                                     variable=BROWSER_ENV)]) from None
        try:
            for n, device in enumerate(PHONES, 1):
                print(t("preview.phone", n=n, total=len(PHONES), phone=LABELS.get(device, device),
                        languages=", ".join(languages)), file=sys.stderr, flush=True)
                options = phone(playwright, device)
                viewports[device] = options["viewport"]
                context = browser.new_context(**options)
                context.route("**/*", _local_only(base))
                page = context.new_page()
                for lang, folder in model.languages:
                    page.goto(base + folder + "index.html", wait_until="load")
                    for scheme in SCHEMES:
                        page.emulate_media(color_scheme=scheme)
                        # The first screen at the phone's pixel density, as sharp as the customer sees it.
                        shots[shot_name(device, lang, scheme, True)] = page.screenshot(
                            scale="device", animations="disabled", caret="hide")
                        shots[shot_name(device, lang, scheme)] = page.screenshot(
                            full_page=True, scale="css", animations="disabled", caret="hide")
                context.close()
        finally:
            browser.close()
    posters = sorted(path for path in model.output if POSTER_PREVIEW.match(path))
    shots["preview/index.html"] = contact_sheet(model.default_lang, languages, wording, viewports, posters)
    print(t("preview.sheet", shots=len(shots) // 2, posters=len(posters)), file=sys.stderr, flush=True)
    return shots


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
    return {key: str(data[key]) for key in SHEET_KEYS}  # type: ignore[index]


# The sheet is a local file for the owner: no scripts, nothing from another origin, only relative links.
# (Each figure is as wide as its picture, set on the figure, so a caption wraps below its own picture.)
STYLE = """body{font:16px/1.4 system-ui,sans-serif;margin:1.5rem;background:#8a8f98;color:#111}
h1,h2,h3{margin:1.2rem 0 .5rem}.row{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
figure{margin:0;background:#fff;padding:.6rem;border-radius:.5rem;box-shadow:0 1px 4px #0004}
figure img{display:block;max-width:100%;height:auto;border:1px solid #0003}
figcaption{font-size:.85rem;margin-top:.4rem}"""
# The phones at 80 % of their CSS size: the three of a row fit side by side in a 1280-pixel laptop window.
SHEET_SCALE = 0.8


def contact_sheet(default_lang: str, languages: Iterable[str], wording: Mapping[str, str],
                  viewports: Mapping[str, Mapping[str, int]], posters: list[str]) -> bytes:
    """preview/index.html: per language and scheme the first screens of the phones side by side, then the
    poster previews. Pictures are shown at 80 % of the phone's CSS size; each links to its whole page."""
    esc = html.escape
    parts = [f'<!doctype html>\n<html lang="{esc(default_lang)}">\n<head>\n<meta charset="utf-8">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f'<title>{esc(wording["title"])}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n'
             f'<h1>{esc(wording["title"])}</h1>\n<p>{esc(wording["intro"])}</p>\n'
             f'<h2>{esc(wording["first_screens"])}</h2>\n']
    for lang in languages:
        for scheme in SCHEMES:
            parts.append(f'<h3>{esc(lang)} · {esc(wording[scheme])}</h3>\n<div class="row">\n')
            for device in PHONES:
                size = viewports[device]
                first = shot_name(device, lang, scheme, True).removeprefix("preview/")
                whole = shot_name(device, lang, scheme).removeprefix("preview/")
                label = LABELS.get(device, device)
                caption = f'{label}, {size["width"]}×{size["height"]}, {lang}, {wording[scheme]}'
                shown = {side: round(value * SHEET_SCALE) for side, value in size.items()}
                parts.append(f'<figure style="width:{shown["width"]}px"><a href="{esc(whole)}"><img src="{esc(first)}" width="{shown["width"]}" '
                             f'height="{shown["height"]}" alt="{esc(caption)}"></a>\n'
                             f'<figcaption>{esc(caption)} · <a href="{esc(whole)}">{esc(wording["full_page"])}'
                             '</a></figcaption></figure>\n')
            parts.append("</div>\n")
    parts.append(f'<h2>{esc(wording["posters"])}</h2>\n')
    if not posters:
        parts.append(f'<p>{esc(wording["posters_missing"])}</p>\n')
    else:
        parts.append('<div class="row">\n')
        for path in posters:
            name = path.removeprefix("print/").removesuffix(".png")
            paper, _, lang = name.removeprefix("poster-").rpartition("-")  # poster-a4-de -> a4, de
            caption = f'{wording["poster"]} {paper.upper()}, {lang}' if paper else name
            parts.append(f'<figure style="width:300px"><a href="../{esc(path)}"><img src="../{esc(path)}" width="300" '
                         f'alt="{esc(caption)}"></a>\n<figcaption>{esc(caption)}</figcaption></figure>\n')
        parts.append("</div>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts).encode("utf-8")
