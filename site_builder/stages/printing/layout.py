"""Where everything goes on a poster and an invoice block: pure geometry from the texts' widths.

The same function lays out a poster for `check` (to find every problem) and for drawing it, so both agree;
it measures text with site_builder.graphics.linebreak (the fonts' own widths), not ReportLab, and sizes the code
with symbol.py (the version qrcode chooses).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from . import symbol
from ...graphics.glyphs import FONT, FONT_BOLD
from ...graphics.linebreak import string_width, words, wrap
from ...messages import t
from .print_model import (CROP_SLUG_MM, KEY_BLEED, KEY_FORMATS, KEY_SCAN, KEY_URL, MAX_BLEED_MM, MIN_CODE_MM,
                    InvoiceBlockSpec, PaperFormat, PosterSpec, fail, paper_format)

# ReportLab's millimetre, computed as reportlab.lib.units does, so layouts agree with it to the last bit.
MM = 72.0 / 2.54 * 0.1
PRINT_DPI = 300


# --------------------------------------------------------------------------- text


def fit_text(text: str, font: str, size: float, max_width: float, max_lines: int,
             min_size: float) -> tuple[float, list[str]]:
    """Largest size (0.5 pt steps, >= min_size) whose whole-word wrap fits in max_lines."""
    trial = size
    while trial >= min_size - 1e-9:
        words_fit = all(string_width(w, font, trial) <= max_width for w in words(text))
        lines = wrap(text, font, trial, max_width)
        if words_fit and len(lines) <= max_lines:
            return trial, lines
        trial -= 0.5
    return min_size, wrap(text, font, min_size, max_width)


def fit_url(url: str, size: float, max_width: float, min_size: float) -> tuple[float, list[str]]:
    """A URL on one line if it fits at >= min_size, else broken after '/' or '.'."""
    trial = size
    while trial >= min_size - 1e-9:
        if string_width(url, FONT, trial) <= max_width:
            return trial, [url]
        trial -= 0.5
    lines, current = [], ""
    for piece in re.findall(r"[^/.]*[/.]?", url):
        if current and string_width(current + piece, FONT, min_size) > max_width:
            lines.append(current)
            current = ""
        current += piece
    if current:
        lines.append(current)
    return min_size, [part for line in lines for part in wrap(line, FONT, min_size, max_width)]


@dataclass(frozen=True)
class TextBlock:
    lines: tuple[str, ...]
    font: str
    size: float  # pt

    @property
    def leading_mm(self) -> float:
        return self.size * 1.22 / MM

    @property
    def height_mm(self) -> float:
        # cap height of the first line + leading of the rest + descent of the last
        return (len(self.lines) - 1) * self.leading_mm + self.size * 0.95 / MM

    def draw(self, page: Any, x_mm: float, top_mm: float, *, centred: bool = True) -> None:
        """On a ReportLab canvas: centred on x_mm, or starting at x_mm; top_mm is the top of the capitals."""
        page.setFont(self.font, self.size)
        baseline = top_mm - self.size * 0.74 / MM
        for line in self.lines:
            if centred:
                page.drawCentredString(x_mm * MM, baseline * MM, line)
            else:
                page.drawString(x_mm * MM, baseline * MM, line)
            baseline -= self.leading_mm


def block(text: str, font: str, size: float, width_mm: float, max_lines: int, min_ratio: float = 0.6) -> TextBlock:
    fitted, lines = fit_text(text, font, size, width_mm * MM, max_lines, size * min_ratio)
    return TextBlock(tuple(balanced(text, font, fitted, width_mm * MM, len(lines))), font, fitted)


def balanced(text: str, font: str, size: float, max_width: float, count: int) -> list[str]:
    """The wrap into `count` lines with the narrowest measure: lines of even length, no lone last word."""
    lines = wrap(text, font, size, max_width)
    if count < 2 or len(lines) != count:
        return lines
    low, high = max_width / count, max_width
    for _ in range(12):  # bisect the measure to a fraction of a point
        middle = (low + high) / 2
        trial = wrap(text, font, size, middle)
        if len(trial) == count and all(string_width(w, font, size) <= middle for w in words(text)):
            high, lines = middle, trial
        else:
            low = middle
    return lines


# --------------------------------------------------------------------------- the code


def printable_modules(url: str, size_mm: float, error_correction: str, source: str, code: str, /,
                      **code_fields: object) -> int:
    """Modules per side of the code for `url`; a problem naming site.base_url if it cannot be printed at size_mm.

    code: the catalogue key naming the code in the message (e.g. print.code_poster), with its fields."""
    version = symbol.version(url, error_correction)
    if version is None:
        fail(source, KEY_URL, "print.url_too_long", chars=len(url))
    modules = symbol.modules(version)
    module, minimum = symbol.module_mm(modules, size_mm), symbol.min_module_mm(PRINT_DPI)
    if module + 1e-9 < minimum:
        fail(source, KEY_URL, "print.code_too_dense", code=_label(code, **code_fields), size=f"{size_mm:g}",
             chars=len(url), module=f"{module:.3f}", dots=symbol.MIN_DOTS_PER_MODULE, dpi=PRINT_DPI,
             minimum=f"{minimum:.3f}")
    return modules


def check_bleed(bleed_mm: float, source: str) -> None:
    if not isinstance(bleed_mm, (int, float)) or not 0 <= bleed_mm <= MAX_BLEED_MM:
        fail(source, KEY_BLEED, "print.bleed", value=bleed_mm, maximum=f"{MAX_BLEED_MM:g}")


# --------------------------------------------------------------------------- posters


@dataclass(frozen=True)
class PosterLayout:
    """Where things go, in mm from the trim box's lower-left corner."""

    paper: PaperFormat
    bleed_mm: float
    slug_mm: float
    qr_size_mm: float
    qr_x_mm: float
    qr_y_mm: float
    module_mm: float
    logo_mm: tuple[float, float, float, float] | None = None
    """The box the logo is fitted into (x, y, width, height), or None without a logo."""
    band_mm: float = 0.0
    """Height of the colour band at the foot (0: none); it runs into the bleed."""
    texts: tuple[tuple[TextBlock, float, float], ...] = ()
    """Each text block with the top of its capitals and the x its lines are centred on; drawn in this order."""
    glyph_mm: tuple[float, float, float, float] | None = None
    """The chat bubble's box (x, y, width, height), beside the first line of the call to action."""


# Text sizes in pt per mm of paper width: everything scales with the format, as its scan distance does
# (A4 ~150 cm: the call to action ~25 pt, its capitals ~6 mm; A6 ~60 cm: ~12 pt). The fine print (the
# consent note) is read up close, the rest from where the code is scanned.
NAME_LARGE, NAME_WITH_LOGO = 0.20, 0.105
BENEFIT, CTA, SCAN, URL, PHONE, NOTE = 0.085, 0.12, 0.095, 0.085, 0.075, 0.055
MIN_PT = 6.5  # no line smaller, even on A6 with long texts (the fine print must stay readable up close)
GLYPH_HEIGHT = 1.15  # the bubble's height in the call to action's font size
GLYPH_RATIO = 1.2  # its width / height
GLYPH_GAP = 0.45  # gap between bubble and text, in the bubble's height

# The gaps between neighbours, as shares of one unit of free space: what belongs together stays close
# (name and benefit, code and its instruction, address and phone).
# The code's quiet zone is white space already: the code sits closer to its neighbours than texts do.
_WEIGHTS = {"name": 1.0, "benefit": 0.4, "cta": 1.0, "code": 0.35, "scan": 0.15, "url": 0.9, "phone": 0.3,
            "note": 0.8}
_MIN_GAP = 0.02  # one unit of gap is at least this share of the page height


@dataclass(frozen=True)
class _Item:
    kind: str  # logo, code or a text's name
    height: float  # mm (the code: 0 until it is sized)
    text: TextBlock | None = None
    shift: float = 0.0  # mm the text's centre lies right of the page's centre (the CTA beside its bubble)
    glyph: float = 0.0  # the bubble's height in mm (the CTA only)


def _glyph_mm(size_pt: float) -> float:
    return size_pt * GLYPH_HEIGHT / MM


def _items(spec: PosterSpec, w: float, h: float, text_w: float, logo_ratio: float | None,
           scale: float) -> list[_Item]:
    """The poster's parts from top to bottom, sized at `scale` of their nominal sizes."""
    t = spec.texts

    def pt(share: float) -> float:
        return max(MIN_PT, share * w * scale)

    items = []
    if logo_ratio is not None:
        items.append(_Item("logo", min(0.10 * h * scale, text_w * logo_ratio)))
    name_size, name_lines = (NAME_WITH_LOGO, 2) if logo_ratio is not None else (NAME_LARGE, 3)
    items.append(_text("name", block(spec.business_name, FONT_BOLD, pt(name_size), text_w, name_lines, 0.45)))
    if t.benefit:
        items.append(_text("benefit", block(t.benefit, FONT, pt(BENEFIT), text_w, 3)))
    nominal_glyph = _glyph_mm(pt(CTA))
    cta = block(t.call_to_action, FONT_BOLD, pt(CTA), text_w - nominal_glyph * (GLYPH_RATIO + GLYPH_GAP), 2)
    glyph = _glyph_mm(cta.size)
    items.append(_Item("cta", cta.height_mm, cta, glyph * (GLYPH_RATIO + GLYPH_GAP) / 2, glyph))
    items.append(_Item("code", 0.0))
    if t.scan_instruction:
        items.append(_text("scan", block(t.scan_instruction, FONT_BOLD, pt(SCAN), text_w, 2)))
    url_size, url_lines = fit_url(spec.display_url, pt(URL), text_w * MM, max(MIN_PT, 0.06 * w))
    items.append(_text("url", TextBlock(tuple(url_lines), FONT, url_size)))
    if t.call_instead:
        items.append(_text("phone", block(t.call_instead, FONT, pt(PHONE), text_w, 2)))
    items.append(_text("note", block(t.consent_note, FONT, pt(NOTE), text_w, 3, MIN_PT / pt(NOTE))))
    return items


def _text(kind: str, text: TextBlock) -> _Item:
    return _Item(kind, text.height_mm, text)


def _weights(items: list[_Item]) -> float:
    return sum(_WEIGHTS.get(item.kind, 1.0) for item in items[1:])


def _fit_items(spec: PosterSpec, w: float, h: float, room: float, text_w: float, logo_ratio: float | None,
               qr_min: float) -> tuple[list[_Item], float]:
    """The parts at the largest scale that leaves the code its size, and the mm left for the code."""
    # the QR code's size is a rule, the texts' and the logo's are taste: shrink those first
    for scale in (1.0, 0.85, 0.72, 0.6):
        items = _items(spec, w, h, text_w, logo_ratio, scale)
        available = room - sum(item.height for item in items) - _weights(items) * _MIN_GAP * h
        if available >= qr_min:
            break
    return items, available


def _code_size(spec: PosterSpec, paper: PaperFormat, text_w: float, available: float, qr_min: float,
               scan_cm: float) -> float:
    size = min(max(qr_min, 0.6 * paper.width_mm), text_w, available)
    if size + 1e-9 < qr_min:
        if qr_min > text_w or available >= MIN_CODE_MM:
            # wider than the page's text column: the format is too small whatever the texts (one problem for
            # every language); otherwise the room the texts leave
            room = text_w if qr_min > text_w else max(0.0, min(text_w, available))
            fail(spec.source, f"{KEY_SCAN}.{paper.name}", "print.scan_distance", scan=f"{scan_cm:g}",
                 needed=f"{qr_min:g}", paper=paper.name, room=f"{room:.0f}")
        fail(spec.source, KEY_FORMATS, "print.texts_too_long", needed=f"{qr_min:g}", paper=paper.name)
    return math.floor(size * 10) / 10  # a round number for the README


@functools.lru_cache(maxsize=64)  # the rules, the notes and the drawing all ask for the same few layouts
def poster_layout(spec: PosterSpec, logo_ratio: float | None = None) -> PosterLayout:
    """The poster's geometry; a problem (InputError) when the rules cannot be met.

    logo_ratio: the logo's height / width (logo.logo_ratio), None without a logo."""
    paper = paper_format(spec.paper, spec.source)
    check_bleed(spec.bleed_mm, spec.source)
    w, h, bleed = paper.width_mm, paper.height_mm, float(spec.bleed_mm)
    safe = max(5.0, 0.07 * w)
    band = max(4.0, 0.03 * h) if spec.primary_color else 0.0
    left, bottom, top = safe, band + safe, h - safe
    text_w = w - 2 * safe
    scan_cm = spec.scan_distance_cm if spec.scan_distance_cm is not None else paper.scan_distance_cm
    qr_min = max(MIN_CODE_MM, scan_cm * 10 / 10)  # scan distance / 10, cm -> mm
    items, available = _fit_items(spec, w, h, top - bottom, text_w, logo_ratio, qr_min)
    qr_size = _code_size(spec, paper, text_w, available, qr_min, scan_cm)
    modules = printable_modules(spec.qr_url, qr_size, spec.error_correction, spec.source, "print.code_poster",
                                paper=paper.name)
    gap = ((top - bottom) - sum(item.height for item in items) - qr_size) / _weights(items)
    y, placed, logo_box, glyph_box, qr_x, qr_y = top, [], None, None, (w - qr_size) / 2, 0.0
    for i, item in enumerate(items):
        if i:
            y -= gap * _WEIGHTS.get(item.kind, 1.0)
        if item.kind == "logo":
            logo_box = (left, y - item.height, text_w, item.height)
        elif item.kind == "code":
            qr_y = y - qr_size
            y -= qr_size
            continue
        elif item.text is not None:
            placed.append((item.text, y, w / 2 + item.shift))
            if item.glyph:
                glyph_box = _glyph_box(item, w / 2, y)
        y -= item.height
    slug = CROP_SLUG_MM if spec.crop_marks else 0.0
    return PosterLayout(paper, bleed, slug, qr_size, qr_x, qr_y, symbol.module_mm(modules, qr_size), logo_box,
                        band, tuple(placed), glyph_box)


def _glyph_box(item: _Item, centre: float, top: float) -> tuple[float, float, float, float]:
    """The bubble left of the first line, centred on its capitals' height."""
    assert item.text is not None
    first = string_width(item.text.lines[0], item.text.font, item.text.size) / MM
    size = item.glyph
    x = centre + item.shift - first / 2 - GLYPH_GAP * size - GLYPH_RATIO * size
    cap_middle = top - item.text.size * 0.72 / MM / 2
    return (x, cap_middle - size / 2, GLYPH_RATIO * size, size)


def _label(key: str, **fields: object) -> str:
    return t(key, **fields)


# --------------------------------------------------------------------------- invoice block


@dataclass(frozen=True)
class InvoiceLayout:
    width_mm: float
    height_mm: float
    qr_x_mm: float
    qr_y_mm: float
    qr_size_mm: float
    modules: int  # per side, without the quiet zone
    text: TextBlock
    text_x_mm: float  # left edge of the text column
    text_top_mm: float  # from the bottom edge


def invoice_layout(spec: InvoiceBlockSpec) -> InvoiceLayout:
    """The block's geometry: the code at left, the text (up to four lines) in a column at its right."""
    size = spec.qr_size_mm
    modules = printable_modules(spec.qr_url, size, spec.error_correction, spec.source, "print.code_invoice")
    width, height = size + 25.0, size + 5.0
    column_left, column_right = size + 2.0, width - 1.0
    fitted, lines = fit_text(spec.text, FONT, 8.0, (column_right - column_left) * MM, 4, 5.5)
    text = TextBlock(tuple(lines), FONT, fitted)
    return InvoiceLayout(width, height, 0.5, 2.5, size, modules, text, column_left, height / 2 + text.height_mm / 2)
