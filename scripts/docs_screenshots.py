"""Renew the README's screenshots in docs/ from `site-builder build --preview` (run that first, at the root).

docs/preview-iphone-13-de[-dark].png: the iPhone 13's German first screens, 600 px wide; docs/preview-sheet.png:
the contact sheet (output/preview/index.html) in a 1280 x 800 laptop window. All as 256-colour PNGs, to keep
the repository small. Uses Debian's Chromium (or $SITE_BUILDER_CHROMIUM), as the preview does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PREVIEW = ROOT / "output" / "preview"
DOCS = ROOT / "docs"


def save_small(image: Image.Image, target: Path, width: int | None = None) -> None:
    if width is not None and image.width != width:
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    print(f"{target.relative_to(ROOT)}: {image.width} x {image.height}, {target.stat().st_size:,} bytes")


def main() -> int:
    if not (PREVIEW / "index.html").is_file():
        print("output/preview/index.html is missing: run `site-builder build --preview` at the root first",
              file=sys.stderr)
        return 1
    for scheme, suffix in (("light", ""), ("dark", "-dark")):
        with Image.open(PREVIEW / f"iphone-13-de-{scheme}-first-screen.png") as shot:
            save_small(shot, DOCS / f"preview-iphone-13-de{suffix}.png", width=600)
    chromium = os.environ.get("SITE_BUILDER_CHROMIUM") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto((PREVIEW / "index.html").as_uri())
        page.wait_for_load_state("load")
        raw = DOCS / "preview-sheet.png"
        page.screenshot(path=str(raw))
        browser.close()
    with Image.open(raw) as sheet:
        save_small(sheet.copy(), raw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
