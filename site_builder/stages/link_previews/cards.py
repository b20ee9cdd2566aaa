"""What a page shows outside itself: the link-preview card (Open Graph, 1200x630), the favicon and the
apple-touch-icon, made from the logo (or the business's initial), and robots.txt.

The images are drawn on a ReportLab canvas (the same fonts and logo handling as the posters) and
rasterised with pdfium, so an SVG logo comes out as sharp as on paper. They are one unit of output,
redrawn only when the name, the benefit line, the logo or the colours change.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Mapping

import pypdfium2 as pdfium
# the plugins by name: a format Pillow has not loaded makes save() import all ~50 of them (Image.init())
from PIL import IcoImagePlugin, Image, PngImagePlugin  # noqa: F401
from reportlab.pdfgen import canvas

from ...graphics.linebreak import string_width, words, wrap
from ...graphics.logo import poster_logo
from ...graphics.typefaces import FONT, FONT_BOLD, register_fonts
from .preview_model import PreviewImages

CARD_SIZE = (1200, 630)
TOUCH_ICON = 180
ICO_SIZES = (16, 32, 48)


def render(model: PreviewImages) -> dict[str, bytes]:
    """Every file of the link-preview unit: the icons, a card per language, robots.txt (when at the root)."""
    files = media_files(model.name, dict(model.benefits), model.logo, model.colour, dict(model.folders))
    if model.robots is not None:
        files["site/robots.txt"] = model.robots
    return files


def _hex(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _canvas(width: float, height: float) -> tuple[Any, io.BytesIO]:
    register_fonts()  # the posters' fonts, embedded the same way
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=0)
    return page, buffer


def _draw_logo(page: Any, logo: Path | None, initial: str, colour: str, x: float, y: float, size: float) -> None:
    """The logo fitted into a square (the posters' logo handling), or the initial on a rounded square."""
    if logo is not None:
        poster_logo(logo, cmyk=False).draw(page, x, y, size, size)  # on screen: the page's colours
        return
    page.setFillColorRGB(*_hex(colour))
    page.roundRect(x, y, size, size, size * 0.18, stroke=0, fill=1)
    page.setFillColorRGB(1, 1, 1)
    page.setFont(FONT_BOLD, size * 0.6)
    page.drawCentredString(x + size / 2, y + size * 0.29, initial)


def _raster(pdf: bytes, scale: float = 1.0) -> Any:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


# zlib level of the card: as exact as optimize=True (level 9), a tenth larger (far below the few hundred KB
# link previews allow) and a quarter of the time: the filtering, not zlib, is most of what is left.
CARD_PNG_LEVEL = 3


def _png(image: Any, level: int = CARD_PNG_LEVEL) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=level)
    return out.getvalue()


def _icon_png(image: Any) -> bytes:
    """An icon, small without changing a pixel: with at most 256 colours (a flat logo or the initial: the
    example's 180 px icon has 143) a palette PNG, whose median cut keeps every colour exactly (2/3 of the
    bytes of the RGB PNG optimize=True made, in half its time); else RGB."""
    colours = image.getcolors(256)
    if colours is not None:
        image = image.quantize(len(colours), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    return _png(image, 6)


def _fit(text: str, font: str, size: float, width: float, min_size: float) -> tuple[float, list[str]]:
    """The largest size up to `size`, in steps of 2 pt, at which `text` fits `width` in at most two lines
    without breaking a word (the posters' line breaker); at `min_size` its first two lines, as they come."""
    while True:
        lines = wrap(text, font, size, width)
        if (len(lines) <= 2 and all(string_width(w, font, size) <= width for w in words(text))) or size <= min_size:
            return size, lines[:2]
        size -= 2


def card_png(name: str, benefit: str, logo: Path | None, colour: str) -> bytes:
    """The 1200x630 link-preview card: logo, name set large, the benefit line, on the brand colour."""
    width, height = CARD_SIZE
    page, buffer = _canvas(width, height)
    page.setFillColorRGB(*_hex(colour))
    page.rect(0, 0, width, height, stroke=0, fill=1)
    page.setFillColorRGB(1, 1, 1)
    page.roundRect(40, 40, width - 80, height - 80, 28, stroke=0, fill=1)
    _draw_logo(page, logo, (name[:1] or "?").upper(), colour, 90, height - 90 - 200, 200)
    page.setFillColorRGB(0.1, 0.1, 0.1)
    size, lines = _fit(name, FONT_BOLD, 72, width - 420, 36)
    y = height - 120 - size
    for line in lines:
        page.setFont(FONT_BOLD, size)
        page.drawString(340, y, line)
        y -= size * 1.15
    size, lines = _fit(benefit, FONT, 40, width - 180, 24)
    y = 180
    page.setFillColorRGB(0.25, 0.25, 0.25)
    for line in lines:
        page.setFont(FONT, size)
        page.drawString(90, y, line)
        y -= size * 1.25
    page.showPage()
    page.save()
    return _png(_raster(buffer.getvalue()))


def icon_pngs(name: str, logo: Path | None, colour: str) -> dict[str, bytes]:
    """favicon.png (48), favicon.ico (16/32/48) and apple-touch-icon.png (180, opaque, as iOS wants)."""
    size = TOUCH_ICON
    page, buffer = _canvas(size, size)
    page.setFillColorRGB(1, 1, 1)
    page.rect(0, 0, size, size, stroke=0, fill=1)
    _draw_logo(page, logo, (name[:1] or "?").upper(), colour, 12, 12, size - 24)
    page.showPage()
    page.save()
    big = _raster(buffer.getvalue())
    small = big.resize((48, 48), resample=1)  # LANCZOS
    ico = io.BytesIO()
    big.save(ico, "ICO", sizes=[(s, s) for s in ICO_SIZES])
    return {"apple-touch-icon.png": _icon_png(big), "favicon.png": _icon_png(small), "favicon.ico": ico.getvalue()}


def media_files(name: str, benefits: Mapping[str, str], logo: Path | None, colour: str,
                dirs: Mapping[str, str]) -> dict[str, bytes]:
    """Every image of the head: the icons once, a card per language (in that language's folder)."""
    files = {f"site/{path}": data for path, data in icon_pngs(name, logo, colour).items()}
    for lang, benefit in benefits.items():
        files[f"site/{dirs[lang]}card-{lang}.png"] = card_png(name, benefit, logo, colour)
    return files
