"""Taking the pictures of the phone preview (PhonePreview): the pages served from memory on 127.0.0.1, each
phone a Playwright browser context, and the contact sheet that shows them.

    render(model) -> {"preview/...": bytes}
"""

from __future__ import annotations

import html
import struct
import sys
from typing import Any, Iterable, Mapping

from ...httpd import serving
from ...messages import t
from ...problems import InputError, report
from . import (BROWSER_ENV, LABELS, PHONES, POSTER_PREVIEW, SCHEMES, PhonePreview, launch_args, chromium_path, phone,
               shot_name)


# The parts of the decision (issue 24) that end below the first screen, by their own text: the short notice,
# each consent sentence, the withdrawal line, the button. The owner is told, on the terminal and on the sheet.
BELOW_FOLD = """() => [...document.querySelectorAll("#first-layer, label[for^='c-'], .withdraw, button.chat.gate")]
  .filter(e => e.getBoundingClientRect().bottom > innerHeight)
  .map(e => { const text = e.textContent.trim().replace(/\\s+/g, " "); return text.length > 40 ? text.slice(0, 39) + "…" : text; })"""


def _png_height(data: bytes) -> int:
    """The height of a PNG from its header (IHDR)."""
    return struct.unpack(">I", data[20:24])[0] if data[12:16] == b"IHDR" else 0


def launch(playwright: Any) -> Any:
    """A headless Chromium: the chosen executable, or Playwright's own one when there is none."""
    path = chromium_path()
    return playwright.chromium.launch(executable_path=path, args=launch_args()) if path else \
        playwright.chromium.launch(args=launch_args())


def _local_only(base: str) -> Any:
    def handle(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            route.abort()
    return handle


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
    folds: dict[tuple[str, str], list[str]] = {}  # (phone, language) -> the decision's parts below the fold
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
                    below = page.evaluate(BELOW_FOLD)
                    folds[(device, lang)] = below
                    if below:
                        print(t("preview.below_fold", phone=LABELS.get(device, device), lang=lang,
                                parts=", ".join(below)), file=sys.stderr, flush=True)
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
    lengths = {name: _png_height(data) for name, data in shots.items()}
    shots["preview/index.html"] = contact_sheet(model.default_lang, languages, wording, viewports, posters, lengths,
                                                folds)
    print(t("preview.sheet", shots=len(shots) // 2, posters=len(posters)), file=sys.stderr, flush=True)
    return shots


# The sheet is a local file for the owner: no scripts, nothing from another origin, only relative links.
# (Each figure is as wide as its picture, set on the figure, so a caption wraps below its own picture.)
STYLE = """body{font:16px/1.4 system-ui,sans-serif;margin:1.5rem;background:#8a8f98;color:#111}
h1,h2,h3{margin:1.2rem 0 .5rem}.row{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
figure{margin:0;background:#fff;padding:.6rem;border-radius:.5rem;box-shadow:0 1px 4px #0004}
figure img{display:block;max-width:100%;height:auto;border:1px solid #0003}
.more{display:block;position:relative;overflow:hidden;border:1px solid #0003;border-top:0}
.more img{max-width:none;border:0;opacity:.55}
.fold{position:absolute;top:0;left:0;right:0;border-top:3px dashed #c00;font-size:.75rem;font-weight:700;color:#c00;
background:#fffd;padding:0 .3rem;z-index:1}
.warn{color:#a00;font-weight:700}
figcaption{font-size:.85rem;margin-top:.4rem}"""
# The phones at 80 % of their CSS size: the three of a row fit side by side in a 1280-pixel laptop window.
SHEET_SCALE = 0.8
BELOW_SHOWN = 0.4  # how much of the page below the fold each figure shows, in screens


def contact_sheet(default_lang: str, languages: Iterable[str], wording: Mapping[str, str],
                  viewports: Mapping[str, Mapping[str, int]], posters: list[str],
                  lengths: Mapping[str, int] | None = None,
                  folds: Mapping[tuple[str, str], list[str]] | None = None) -> bytes:
    """preview/index.html: per language and scheme the first screens of the phones side by side, each with a
    dashed line at the fold and the start of what follows below it, then the poster previews. Pictures are
    shown at 80 % of the phone's CSS size; each links to its whole page. lengths: each whole page's height in
    CSS px (by shot name); folds: the decision's parts that a phone shows only below its first screen."""
    esc = html.escape
    lengths, folds = lengths or {}, folds or {}
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
                length = lengths.get(shot_name(device, lang, scheme), 0)
                parts.append(f'<figure style="width:{shown["width"]}px"><a href="{esc(whole)}"><img src="{esc(first)}" width="{shown["width"]}" '
                             f'height="{shown["height"]}" alt="{esc(caption)}"></a>\n')
                if length > size["height"]:  # the page goes on: the fold, and the start of what follows
                    below = round(min(length - size["height"], size["height"] * BELOW_SHOWN) * SHEET_SCALE)
                    parts.append(f'<a class="more" href="{esc(whole)}" style="height:{below}px"><span class="fold">'
                                 f'{esc(wording["fold"])} · {size["height"]} px</span><img src="{esc(whole)}" '
                                 f'width="{shown["width"]}" height="{round(length * SHEET_SCALE)}" '
                                 f'style="margin-top:-{shown["height"]}px" alt=""></a>\n')
                warning = folds.get((device, lang)) or []
                parts.append(f'<figcaption>{esc(caption)} · {esc(wording["page_length"])} {length} px · '
                             f'<a href="{esc(whole)}">{esc(wording["full_page"])}</a>'
                             + (f'<br><span class="warn">{esc(wording["below_fold"])}: {esc(", ".join(warning))}</span>'
                                if warning else "") + '</figcaption></figure>\n')
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
