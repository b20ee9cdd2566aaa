"""Posters as print-ready PDFs (trim + bleed, TrimBox/BleedBox, fonts embedded, text and code 100 % K, vector
QR) and their screen previews. The geometry comes from layout.py; this module only draws it.

A poster encodes the URL of the ``poster`` channel (``?s=p``). An optional colour band (theme.primary) is
converted naively from RGB to CMYK and runs into the bleed. A logo may be PNG/JPEG (placed as an image) or
SVG (drawn as vectors through svglib, its colours converted to CMYK the same way; text in it is set in the
shipped fonts). Without a logo the business's name is set large. A chat bubble (plain vector paths, no brand
artwork) stands beside the call to action, in the band's colour (100 % K without one).
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib.colors import CMYKColor

from . import layout as lay
from ...graphics.colours import cmyk_values
from ...graphics.logo import Logo, poster_logo
from ...graphics.logo_size import logo_ratio
from .print_model import CROP_SLUG_MM, KEY_COLOR, PosterSpec, fail
from .qr import BLACK_K, WHITE, QrLogo, draw_qr, new_canvas, qr_matrix

MM = lay.MM
CROP_MARK_OFFSET_MM = 2.0  # gap between the bleed edge and the start of a crop mark
CROP_MARK_WIDTH_PT = 0.25
REGISTRATION = CMYKColor(1, 1, 1, 1)
PNG_LEVEL_FAST = 3  # zlib level of previews and invoice-block PNGs: half the time of 6, ~15 % larger


def cmyk_from_hex(value: str, source: str = "site.toml") -> CMYKColor:
    """Naive RGB -> CMYK for a decorative colour (no ICC profile)."""
    match = re.fullmatch(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})", value or "")
    if not match:
        fail(source, KEY_COLOR, "print.colour", value=value)
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    r, g, b = (int(digits[i: i + 2], 16) / 255 for i in (0, 2, 4))
    return CMYKColor(*cmyk_values(r, g, b))


def poster_layout(spec: PosterSpec) -> lay.PosterLayout:
    """The geometry ``poster_pdf`` uses (for the README and tests)."""
    return lay.poster_layout(spec, logo_ratio(spec.logo_path, spec.source) if spec.logo_path else None)


def poster_pdf(spec: PosterSpec) -> bytes:
    """A print-ready poster PDF: page = trim + 2*bleed (+ slug with crop marks)."""
    return poster(spec)[0]


def poster(spec: PosterSpec) -> tuple[bytes, lay.PosterLayout]:
    """The poster PDF and its layout; a problem (InputError) when a rule cannot be met."""
    band_color = cmyk_from_hex(spec.primary_color, spec.source) if spec.primary_color else None
    layout = poster_layout(spec)
    logo = poster_logo(spec.logo_path, spec.source)
    matrix = qr_matrix(spec.qr_url, spec.error_correction, source=spec.source)
    paper, bleed, slug = layout.paper, layout.bleed_mm, layout.slug_mm
    w, h = paper.width_mm, paper.height_mm
    out = io.BytesIO()
    page = new_canvas(out, (w + 2 * (bleed + slug)) * MM, (h + 2 * (bleed + slug)) * MM)
    page.setTitle(f"{spec.business_name} – {paper.name} ({spec.texts.lang})")
    origin = bleed + slug
    page.setTrimBox(_box(origin, origin, w, h))
    page.setBleedBox(_box(slug, slug, w + 2 * bleed, h + 2 * bleed))
    if slug:
        _crop_marks(page, origin, w, h, bleed)
    page.translate(origin * MM, origin * MM)
    if band_color is not None:
        page.setFillColor(band_color)
        page.rect(-bleed * MM, -bleed * MM, (w + 2 * bleed) * MM, (layout.band_mm + bleed) * MM, stroke=0, fill=1)
    _draw_content(page, layout, logo, matrix, spec.qr_logo)
    if layout.glyph_mm is not None:
        _chat_bubble(page, layout.glyph_mm, band_color or BLACK_K)
    page.showPage()
    page.save()
    return out.getvalue(), layout


def _draw_content(page, layout: lay.PosterLayout, logo: Logo | None, matrix, qr_logo: QrLogo | None) -> None:
    if logo is not None and layout.logo_mm is not None:
        x, y, width, height = layout.logo_mm
        logo.draw(page, x * MM, y * MM, width * MM, height * MM)
    for text, top, centre in layout.texts:
        page.setFillColor(BLACK_K)
        text.draw(page, centre, top)
    size = layout.qr_size_mm
    draw_qr(page, matrix, layout.qr_x_mm * MM, layout.qr_y_mm * MM, size * MM, logo=qr_logo)


def _chat_bubble(page, box: tuple[float, float, float, float], colour: CMYKColor) -> None:
    """A speech bubble with three dots: a rounded body and a tail at its lower left (box in mm)."""
    x, y, w, h = (v * MM for v in box)
    body_y, body_h = y + 0.22 * h, 0.78 * h
    page.saveState()
    page.setFillColor(colour)
    path = page.beginPath()
    path.roundRect(x, body_y, w, body_h, 0.32 * body_h)
    path.moveTo(x + 0.16 * w, body_y + 0.1 * body_h)
    path.lineTo(x + 0.44 * w, body_y + 0.1 * body_h)
    path.lineTo(x + 0.08 * w, y)
    path.close()
    page.drawPath(path, stroke=0, fill=1)
    page.setFillColor(WHITE)
    for share in (0.3, 0.5, 0.7):
        page.circle(x + share * w, body_y + body_h / 2, 0.075 * h, stroke=0, fill=1)
    page.restoreState()


def poster_files(spec: PosterSpec, stem: str, *, crop_marks: bool, preview_dpi: int = 90) -> dict[str, bytes]:
    """``<stem>.pdf``, its preview ``<stem>.png`` and, with crop marks asked for, ``<stem>-crop.pdf``."""
    pdf, _ = poster(spec)
    files = {f"{stem}.pdf": pdf, f"{stem}.png": poster_preview_png(pdf, preview_dpi)}
    if crop_marks:
        files[f"{stem}-crop.pdf"] = poster_pdf(replace(spec, crop_marks=True))
    return files


def _box(x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> tuple[float, float, float, float]:
    return (x_mm * MM, y_mm * MM, (x_mm + w_mm) * MM, (y_mm + h_mm) * MM)


def _crop_marks(page, origin: float, w: float, h: float, bleed: float) -> None:
    """Hairlines on the trim lines, in the slug only (never inside the bleed)."""
    start = bleed + CROP_MARK_OFFSET_MM
    end = bleed + CROP_SLUG_MM - 1.0
    page.saveState()
    page.setStrokeColor(REGISTRATION)
    page.setLineWidth(CROP_MARK_WIDTH_PT)
    for tx in (origin, origin + w):
        for ty in (origin, origin + h):
            dx = -1 if tx == origin else 1
            dy = -1 if ty == origin else 1
            page.line((tx + dx * start) * MM, ty * MM, (tx + dx * end) * MM, ty * MM)
            page.line(tx * MM, (ty + dy * start) * MM, tx * MM, (ty + dy * end) * MM)
    page.restoreState()


def render_pdf(pdf: bytes, dpi: float, *, trim: bool = False, grayscale: bool = False) -> Image.Image:
    """Rasterise page 1 with pdfium; ``trim`` crops to the TrimBox."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        crop = (0, 0, 0, 0)
        if trim:
            mx0, my0, mx1, my1 = page.get_mediabox()
            tx0, ty0, tx1, ty1 = page.get_trimbox()
            crop = (tx0 - mx0, ty0 - my0, mx1 - tx1, my1 - ty1)
        bitmap = page.render(scale=dpi / 72, crop=crop, grayscale=grayscale, rev_byteorder=True)
        image = bitmap.to_pil().copy()
    finally:
        document.close()
    return image


def poster_preview_png(pdf: bytes, dpi: int = 90) -> bytes:
    """A screen preview of the poster's trim area (bleed and marks cut off), as a palette PNG.

    A poster has a few hundred colours (anti-aliased edges of black text, the band, the logo): the palette
    is the 256 most frequent. Pillow maps pixels to it through a coarse colour cache, so a pixel may come
    out a few levels off (paper white as 252, a rare edge pixel up to ~35 off): it looks the same on a
    screen, takes a third of the bytes of an RGB PNG and a quarter of the time to write. The print PDFs
    are exact; this is a preview."""
    image = render_pdf(pdf, dpi, trim=True).convert("RGB")
    out = io.BytesIO()
    _palette_image(image).save(out, format="PNG", dpi=(dpi, dpi), compress_level=PNG_LEVEL_FAST)
    return out.getvalue()


def _palette_image(image: Image.Image) -> Image.Image:
    counted = image.getcolors(1 << 16)
    if counted is None:  # a photo-like logo: let Pillow choose the palette
        return image.quantize(256, method=Image.Quantize.FASTOCTREE)
    colours = [colour for _, colour in sorted(counted, reverse=True)[:256]]
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in colours for channel in colour])
    return image.quantize(palette=palette, dither=Image.Dither.NONE)
