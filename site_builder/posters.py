"""Print files: posters, invoice blocks and loose QR codes for ``output/print/``.

Everything is a pure function of frozen dataclasses; nothing reads settings or
writes files. ``make_print_set`` returns ``{relative path: bytes}`` for the whole
folder:

* per channel ``<c>`` (e.g. ``invoice`` -> ``?s=r``, ``poster`` -> ``?s=a``):
  ``qr-<c>.svg`` (vector, for web and layout programs), ``qr-<c>.pdf`` (vector,
  100 % K), ``qr-<c>-300dpi.png`` and ``qr-<c>-600dpi.png`` (1-bit, whole pixels per
  module, at least the channel's ``size_mm``);
* per paper format ``<f>`` (lower case: ``a4``, ``a5``, ``a6``) and language ``<l>``:
  ``poster-<f>-<l>.pdf`` (trim size + bleed, TrimBox/BleedBox set, no marks),
  ``poster-<f>-<l>-crop.pdf`` (same, with crop marks on a 10 mm slug; only when
  crop marks are asked for) and ``poster-<f>-<l>.png`` (screen preview of the trim
  area);
* per language: ``invoice-block-<l>.svg``, ``invoice-block-<l>.pdf``,
  ``invoice-block-<l>-300dpi.png``, ``invoice-block-<l>-600dpi.png``;
* ``README.txt``: sizes, bleed and colours for the print shop.

Posters encode the URL of the ``poster`` channel, invoice blocks that of the
``invoice`` channel. Text and QR codes are 100 % K; an optional colour band is
converted naively from RGB to CMYK and runs into the bleed. Fonts (Bitstream Vera,
shipped in ``site_builder/fonts``) are embedded as TrueType subsets. A poster logo may be
PNG/JPEG (placed as an image) or SVG (drawn as vectors through svglib, in its own RGB
colours; any text in it is set in the shipped fonts so that every font stays embedded).

Problems raise ``PrintError`` with the settings key (``KEY_*`` below: ``print.bleed_mm``,
``print.formats``, ``print.scan_distance_cm.<A4|A5|A6>``, ``print.error_correction``,
``print.qr_logo``, ``site.base_url``, ``theme.primary``, ``theme.logo``, ``channels``);
``print_problems`` lists all of them at once, ``make_print_set`` raises the first.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping
from html import escape as _html_escape

from PIL import Image
from reportlab.lib.colors import CMYKColor
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas

from site_builder.qr import (
    BLACK_K,
    FONT,
    FONT_BOLD,
    new_canvas,
    register_fonts,
    Matrix,
    PrintError,
    QrLogo,
    _cleared,
    _ec_level,
    _module_problem,
    draw_qr,
    load_logo_image,
    module_size_mm,
    png_pixels_per_module,
    qr_matrix,
    qr_path_d,
    qr_pdf,
    qr_png,
    qr_svg,
    qr_with_logo,
    modules_with_quiet_zone,
)
from dataclasses import replace as _dc_replace

KEY_BLEED = "print.bleed_mm"
KEY_FORMATS = "print.formats"
KEY_URL = "site.base_url"
KEY_QR_LOGO = "print.qr_logo"
KEY_LOGO = "theme.logo"
KEY_COLOR = "theme.primary"
KEY_SCAN = "print.scan_distance_cm"
KEY_EC = "print.error_correction"
KEY_CHANNELS = "channels"

SVG_FONT_STACK = "Verdana, 'DejaVu Sans', 'Bitstream Vera Sans', Arial, sans-serif"

MAX_BLEED_MM = 5.0
CROP_SLUG_MM = 10.0
"""Extra paper around the bleed on ``-crop`` files, holding the crop marks."""
CROP_MARK_OFFSET_MM = 2.0
"""Gap between the bleed edge and the start of a crop mark."""
CROP_MARK_WIDTH_PT = 0.25
REGISTRATION = CMYKColor(1, 1, 1, 1)
MIN_CODE_MM = 20.0
PNG_LEVEL_FAST = 3  # zlib level of the poster previews and the invoice-block PNGs: half the time of 6, ~15 % larger


@dataclass(frozen=True)
class PaperFormat:
    name: str
    width_mm: float
    height_mm: float
    scan_distance_cm: float
    """Typical distance from which the poster is scanned; the QR gets >= 1/10 of it."""


PAPER_FORMATS: dict[str, PaperFormat] = {
    "A4": PaperFormat("A4", 210, 297, 150),
    "A5": PaperFormat("A5", 148, 210, 100),
    "A6": PaperFormat("A6", 105, 148, 60),
}


@dataclass(frozen=True)
class PosterTexts:
    """The printed wording in one language."""

    lang: str
    call_to_action: str
    consent_note: str
    invoice_text: str


TEXTS_DE = PosterTexts(
    lang="de",
    call_to_action="Schreiben Sie uns auf WhatsApp",
    consent_note="Vor dem ersten Chat fragen wir auf der Seite nach Ihrer Einwilligung.",
    invoice_text="WhatsApp: scannen & Einwilligung geben",
)
TEXTS_EN = PosterTexts(
    lang="en",
    call_to_action="Message us on WhatsApp",
    consent_note="Before the first chat, we ask for your consent on the page.",
    invoice_text="WhatsApp: scan & give consent",
)


@dataclass(frozen=True)
class PosterSpec:
    """One poster: ``qr_url`` is encoded (with source code), ``display_url`` printed."""

    business_name: str
    qr_url: str
    display_url: str
    texts: PosterTexts = TEXTS_DE
    paper: str = "A5"
    bleed_mm: float = 3.0
    crop_marks: bool = False
    error_correction: str = "M"
    scan_distance_cm: float | None = None
    """None: the format's default (``PAPER_FORMATS``)."""
    primary_color: str | None = None
    """``#rrggbb`` for a decorative band at the foot, or None for none."""
    logo_path: Path | None = None
    """PNG/JPEG or SVG (drawn as vectors) shown above the name."""
    qr_logo: QrLogo | None = None
    """A logo inside the code, from ``qr_with_logo`` for the same URL."""


@dataclass(frozen=True)
class InvoiceBlockSpec:
    """A small QR block for invoice templates: code at left, text at right."""

    qr_url: str
    text: str = TEXTS_DE.invoice_text
    qr_size_mm: float = MIN_CODE_MM
    error_correction: str = "M"
    qr_logo: QrLogo | None = None


@dataclass(frozen=True)
class Channel:
    """A QR code source: ``url`` carries the source code (``?s=r``)."""

    name: str
    url: str
    size_mm: float = MIN_CODE_MM
    """Size of the loose ``qr-<name>.*`` files, quiet zone included."""


@dataclass(frozen=True)
class PrintSet:
    """Everything ``make_print_set`` needs for ``output/print/``."""

    business_name: str
    display_url: str
    channels: tuple[Channel, ...]
    texts: tuple[PosterTexts, ...] = (TEXTS_DE,)
    formats: tuple[str, ...] = ("A5",)
    bleed_mm: float = 3.0
    crop_marks: bool = False
    error_correction: str = "M"
    scan_distance_cm: Mapping[str, float] = field(default_factory=dict)
    """Per-format overrides of ``PaperFormat.scan_distance_cm``."""
    primary_color: str | None = None
    logo_path: Path | None = None
    qr_logo_path: Path | None = None
    """A PNG/JPEG placed in every code; needs error correction H."""
    qr_logo_coverage: float = 0.15
    poster_channel: str = "poster"
    invoice_channel: str = "invoice"
    preview_dpi: int = 90


# --------------------------------------------------------------------------- checks


def paper_format(name: str) -> PaperFormat:
    """The paper format called ``name`` (case-insensitive), or PrintError."""
    found = PAPER_FORMATS.get(str(name).upper())
    if found is None:
        raise PrintError(
            KEY_FORMATS, f"unknown paper format {name!r}", "use one of " + ", ".join(PAPER_FORMATS)
        )
    return found


def check_bleed(bleed_mm: float) -> None:
    if not isinstance(bleed_mm, (int, float)) or not 0 <= bleed_mm <= MAX_BLEED_MM:
        raise PrintError(
            KEY_BLEED,
            f"bleed of {bleed_mm} mm is outside 0 to {MAX_BLEED_MM:g} mm",
            "use the print shop's value, usually 3",
        )


def cmyk_from_hex(value: str) -> CMYKColor:
    """Naive RGB -> CMYK for a decorative colour (no ICC profile)."""
    match = re.fullmatch(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})", value or "")
    if not match:
        raise PrintError(KEY_COLOR, f"{value!r} is not a colour", "write it as #rrggbb, e.g. #25d366")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    r, g, b = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    k = 1 - max(r, g, b)
    if k >= 1:
        return CMYKColor(0, 0, 0, 1)
    return CMYKColor(
        round((1 - r - k) / (1 - k), 4), round((1 - g - k) / (1 - k), 4), round((1 - b - k) / (1 - k), 4), round(k, 4)
    )


def _printable_matrix(url: str, size_mm: float, error_correction: str, what: str) -> list[list[bool]]:
    matrix = qr_matrix(url, error_correction, key=KEY_URL)
    problem = _module_problem(matrix, size_mm, 300, len(url))
    if problem:
        raise PrintError(KEY_URL, f"{what}: {problem}", "use a shorter base URL or a larger code")
    return matrix


# --------------------------------------------------------------------------- fonts and text


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap; a word wider than a line is broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _width(candidate, font, size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while _width(word, font, size) > max_width:
            cut = max(1, max(i for i in range(1, len(word) + 1) if _width(word[:i], font, size) <= max_width or i == 1))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def fit_text(text: str, font: str, size: float, max_width: float, max_lines: int, min_size: float) -> tuple[float, list[str]]:
    """Largest size (0.5 pt steps, >= min_size) whose whole-word wrap fits in max_lines."""
    trial = size
    while trial >= min_size - 1e-9:
        words_fit = all(_width(w, font, trial) <= max_width for w in text.split())
        lines = _wrap(text, font, trial, max_width)
        if words_fit and len(lines) <= max_lines:
            return trial, lines
        trial -= 0.5
    return min_size, _wrap(text, font, min_size, max_width)


def _fit_url(url: str, size: float, max_width: float, min_size: float) -> tuple[float, list[str]]:
    """A URL on one line if it fits at >= min_size, else broken after '/' or '.'."""
    trial = size
    while trial >= min_size - 1e-9:
        if _width(url, FONT, trial) <= max_width:
            return trial, [url]
        trial -= 0.5
    lines, current = [], ""
    for piece in re.findall(r"[^/.]*[/.]?", url):
        if current and _width(current + piece, FONT, min_size) > max_width:
            lines.append(current)
            current = ""
        current += piece
    if current:
        lines.append(current)
    return min_size, [part for line in lines for part in _wrap(line, FONT, min_size, max_width)]


@dataclass(frozen=True)
class _TextBlock:
    lines: tuple[str, ...]
    font: str
    size: float  # pt

    @property
    def leading_mm(self) -> float:
        return self.size * 1.22 / mm

    @property
    def height_mm(self) -> float:
        # cap height of the first line + leading of the rest + descent of the last
        return (len(self.lines) - 1) * self.leading_mm + self.size * 0.95 / mm

    def draw(self, page: rl_canvas.Canvas, x_mm: float, top_mm: float, *, centred: bool = True) -> None:
        """Centred on x_mm, or starting at x_mm; top_mm is the top of the first line's capitals."""
        page.setFont(self.font, self.size)
        baseline = top_mm - self.size * 0.74 / mm
        for line in self.lines:
            if centred:
                page.drawCentredString(x_mm * mm, baseline * mm, line)
            else:
                page.drawString(x_mm * mm, baseline * mm, line)
            baseline -= self.leading_mm


def _block(text: str, font: str, size: float, width_mm: float, max_lines: int, min_ratio: float = 0.6) -> _TextBlock:
    fitted, lines = fit_text(text, font, size, width_mm * mm, max_lines, size * min_ratio)
    return _TextBlock(tuple(lines), font, fitted)


# --------------------------------------------------------------------------- posters


@dataclass(frozen=True)
class PosterLayout:
    """Where things went, in mm from the trim box's lower-left corner."""

    paper: PaperFormat
    bleed_mm: float
    slug_mm: float
    qr_size_mm: float
    qr_x_mm: float
    qr_y_mm: float
    module_mm: float
    logo_mm: tuple[float, float, float, float] | None = None
    """The box the logo is fitted into (x, y, width, height), or None without a logo."""


@dataclass(frozen=True, eq=False)
class _Logo:
    """A poster logo: ``width`` x ``height`` give its aspect ratio (any unit)."""

    width: float
    height: float
    image: Image.Image | None = None
    """A raster logo (flattened on white) ..."""
    drawing: Any = None
    """... or a vector one: a ReportLab ``Drawing`` of ``width`` x ``height`` pt."""

    def draw(self, page: rl_canvas.Canvas, x: float, y: float, width: float, height: float) -> None:
        """Fit into the box at (x, y) of width x height pt: aspect ratio kept, centred."""
        if self.image is not None:
            from reportlab.lib.utils import ImageReader

            page.drawImage(ImageReader(self.image), x, y, width, height, preserveAspectRatio=True, anchor="c")
            return
        from reportlab.graphics import renderPDF

        scale = min(width / self.width, height / self.height)
        w, h = self.width * scale, self.height * scale
        x0, y0 = x + (width - w) / 2, y + (height - h) / 2
        page.saveState()
        clip = page.beginPath()
        clip.rect(x0, y0, w, h)  # like a browser: nothing outside the SVG's viewport
        page.clipPath(clip, stroke=0, fill=0)
        page.translate(x0, y0)
        page.scale(scale, scale)
        renderPDF.draw(self.drawing, page, 0, 0)
        page.restoreState()


_LOGOS: dict[tuple[str, str], _Logo] = {}  # (path, sha256 of its bytes) -> parsed logo


def _poster_logo(path: Path | None) -> _Logo | None:
    """The poster logo at ``path`` (PNG/JPEG, or SVG as vectors), or PrintError(KEY_LOGO).

    Parsed once per file content: a print set draws the same logo on every poster (an SVG costs ~4 ms)."""
    if path is None:
        return None
    try:
        key: tuple[str, str] | None = (str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest())
    except OSError:
        key = None  # the loaders below report it
    if key is not None and (cached := _LOGOS.get(key)) is not None:
        return cached
    if Path(path).suffix.lower() == ".svg":
        logo = _svg_logo(Path(path))
    else:
        image = load_logo_image(path, key=KEY_LOGO)
        logo = _Logo(image.width, image.height, image=image)
    if key is not None:
        if len(_LOGOS) >= 16:
            _LOGOS.clear()
        _LOGOS[key] = logo
    return logo


@contextmanager
def _svglib_messages() -> Iterator[list[str]]:
    """Collect svglib's log messages instead of letting them reach stderr."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("svglib")
    handler, propagate = Collect(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _svg_logo(path: Path) -> _Logo:
    fix = "open it in a browser or vector editor, save it as plain SVG, or use a PNG logo"
    try:
        path.read_bytes()
    except OSError as error:
        raise PrintError(KEY_LOGO, f"cannot read logo {path}: {error.strerror}", "check the file name") from None
    from svglib.svglib import svg2rlg  # only SVG logos need svglib (and lxml)

    with _svglib_messages() as messages:
        try:
            drawing = svg2rlg(str(path))
        except Exception as error:  # svglib raises all sorts (IndexError, ValueError, ...) on odd SVG
            drawing = None
            messages.append(f"{type(error).__name__}: {error}")
    if drawing is None:
        detail = f" ({messages[-1]})" if messages else ""
        raise PrintError(KEY_LOGO, f"{path.name} is not a readable SVG{detail}", fix)
    width, height = float(drawing.width or 0), float(drawing.height or 0)
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise PrintError(
            KEY_LOGO,
            f"{path.name} has no size (width/height or viewBox missing, 0 or negative)",
            'give the <svg> element a viewBox, e.g. viewBox="0 0 64 64"',
        )
    register_fonts()
    drawing.initialFontName = FONT  # renderPDF would start every drawing in Helvetica (not embedded)
    _embedded_fonts(drawing)
    try:
        bounds = drawing.getBounds()
        with _svglib_messages():
            _Logo(width, height, drawing=drawing).draw(rl_canvas.Canvas(io.BytesIO()), 0, 0, 100, 100)
    except Exception as error:  # a trial run, so that drawing the poster cannot fail later
        raise PrintError(KEY_LOGO, f"{path.name} cannot be drawn ({type(error).__name__}: {error})", fix) from None
    if bounds is None:
        raise PrintError(KEY_LOGO, f"{path.name} draws nothing", "use the SVG of the real logo")
    return _Logo(width, height, drawing=drawing)


def _embedded_fonts(node: Any) -> None:
    """Set text in an SVG logo in the shipped (embedded) fonts, not in standard or system ones."""
    from reportlab.graphics.shapes import String

    if isinstance(node, String):
        node.fontName = FONT_BOLD if "bold" in str(node.fontName).lower() else FONT
    for child in getattr(node, "contents", None) or ():
        _embedded_fonts(child)


def poster_pdf(spec: PosterSpec) -> bytes:
    """A print-ready poster PDF: page = trim + 2*bleed (+ slug with crop marks)."""
    return _poster(spec)[0]


def poster_layout(spec: PosterSpec) -> PosterLayout:
    """The geometry ``poster_pdf`` uses (for reports and tests)."""
    return _poster(spec)[1]


def _poster(spec: PosterSpec) -> tuple[bytes, PosterLayout]:
    paper = paper_format(spec.paper)
    check_bleed(spec.bleed_mm)
    band_color = cmyk_from_hex(spec.primary_color) if spec.primary_color else None
    logo = _poster_logo(spec.logo_path)
    register_fonts()

    w, h, bleed = paper.width_mm, paper.height_mm, float(spec.bleed_mm)
    slug = CROP_SLUG_MM if spec.crop_marks else 0.0
    safe = max(5.0, 0.07 * w)
    band = max(4.0, 0.03 * h) if band_color else 0.0
    left, right, bottom, top = safe, w - safe, band + safe, h - safe
    text_w = right - left

    scan_cm = spec.scan_distance_cm if spec.scan_distance_cm is not None else paper.scan_distance_cm
    qr_min = max(MIN_CODE_MM, scan_cm * 10 / 10)  # scan distance / 10, cm -> mm
    gap_count = 4 + (1 if logo is not None else 0)
    min_gap = 0.02 * h
    # the QR code's size is a rule, the texts' and the logo's are taste: shrink those first
    for scale in (1.0, 0.85, 0.7):
        logo_h = 0.0 if logo is None else min(0.10 * h * scale, text_w * logo.height / logo.width)
        name = _block(spec.business_name, FONT_BOLD, 0.22 * w * scale, text_w, 3, 0.45)
        cta = _block(spec.texts.call_to_action, FONT_BOLD, 0.13 * w * scale, text_w, 2)
        url_size, url_lines = _fit_url(spec.display_url, 0.10 * w * scale, text_w * mm, 0.06 * w)
        url = _TextBlock(tuple(url_lines), FONT, url_size)
        note = _block(spec.texts.consent_note, FONT, 0.085 * w * scale, text_w, 3)
        blocks_h = name.height_mm + cta.height_mm + url.height_mm + note.height_mm + logo_h
        available = (top - bottom) - blocks_h - gap_count * min_gap
        if available >= qr_min:
            break
    qr_size = min(max(qr_min, 0.6 * w), text_w, available)
    if qr_size + 1e-9 < qr_min:
        if qr_min > text_w or available >= MIN_CODE_MM:
            raise PrintError(
                f"{KEY_SCAN}.{paper.name}",
                f"a QR code for {scan_cm:g} cm scan distance needs {qr_min:g} mm; "
                f"{paper.name} has room for {max(0.0, min(text_w, available)):.0f} mm",
                "use a larger format or a shorter scan distance",
            )
        raise PrintError(
            KEY_FORMATS,
            f"the texts leave no room for a {qr_min:g} mm QR code on {paper.name}",
            "use a shorter business name or a larger format",
        )
    qr_size = math.floor(qr_size * 10) / 10  # a round number for the README
    matrix = _printable_matrix(spec.qr_url, qr_size, spec.error_correction, f"poster {paper.name}")
    gap = ((top - bottom) - blocks_h - qr_size) / gap_count

    out = io.BytesIO()
    page_w, page_h = w + 2 * (bleed + slug), h + 2 * (bleed + slug)
    page = new_canvas(out, page_w * mm, page_h * mm)
    page.setTitle(f"{spec.business_name} – {paper.name} ({spec.texts.lang})")
    origin = bleed + slug
    page.setTrimBox(_box(origin, origin, w, h))
    page.setBleedBox(_box(slug, slug, w + 2 * bleed, h + 2 * bleed))
    if slug:
        _crop_marks(page, origin, w, h, bleed)
    page.translate(origin * mm, origin * mm)

    if band_color is not None:
        page.setFillColor(band_color)
        page.rect(-bleed * mm, -bleed * mm, (w + 2 * bleed) * mm, (band + bleed) * mm, stroke=0, fill=1)

    page.setFillColor(BLACK_K)
    y = top
    logo_box = None
    if logo is not None:
        logo_box = (left, y - logo_h, text_w, logo_h)
        logo.draw(page, left * mm, (y - logo_h) * mm, text_w * mm, logo_h * mm)
        y -= logo_h + gap
    for block in (name, cta):
        page.setFillColor(BLACK_K)
        block.draw(page, w / 2, y)
        y -= block.height_mm + gap
    qr_x, qr_y = (w - qr_size) / 2, y - qr_size
    draw_qr(page, matrix, qr_x * mm, qr_y * mm, qr_size * mm, logo=spec.qr_logo)
    y -= qr_size + gap
    for block in (url, note):
        page.setFillColor(BLACK_K)
        block.draw(page, w / 2, y)
        y -= block.height_mm + gap
    page.showPage()
    page.save()
    layout = PosterLayout(paper, bleed, slug, qr_size, qr_x, qr_y, module_size_mm(matrix, qr_size), logo_box)
    return out.getvalue(), layout


def _box(x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> tuple[float, float, float, float]:
    return (x_mm * mm, y_mm * mm, (x_mm + w_mm) * mm, (y_mm + h_mm) * mm)


def _crop_marks(page: rl_canvas.Canvas, origin: float, w: float, h: float, bleed: float) -> None:
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
            page.line((tx + dx * start) * mm, ty * mm, (tx + dx * end) * mm, ty * mm)
            page.line(tx * mm, (ty + dy * start) * mm, tx * mm, (ty + dy * end) * mm)
    page.restoreState()


def render_pdf(pdf: bytes, dpi: float, *, trim: bool = False, grayscale: bool = False) -> Image.Image:
    """Rasterise page 1 with pdfium; ``trim`` crops to the TrimBox."""
    import pypdfium2 as pdfium

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

    A poster has a few hundred colours (anti-aliased edges of black text, the band, the logo): the 256
    most frequent are kept exactly and the rare rest snap to the nearest, which looks the same, takes a
    third of the bytes of an RGB PNG and a quarter of the time to write."""
    image = render_pdf(pdf, dpi, trim=True).convert("RGB")
    out = io.BytesIO()
    # a screen preview, not a print file: zlib level 3 writes it in half the time of 6, 15 % larger
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


# --------------------------------------------------------------------------- invoice block


@dataclass(frozen=True)
class _InvoiceLayout:
    width_mm: float
    height_mm: float
    qr_x_mm: float
    qr_y_mm: float
    qr_size_mm: float
    text: _TextBlock
    text_x_mm: float  # left edge of the text column
    text_top_mm: float  # from the bottom edge


def _invoice_layout(spec: InvoiceBlockSpec) -> tuple[Matrix, _InvoiceLayout]:
    register_fonts()
    matrix = _printable_matrix(spec.qr_url, spec.qr_size_mm, spec.error_correction, "invoice code")
    size = spec.qr_size_mm
    width, height = size + 25.0, size + 5.0
    column_left, column_right = size + 2.0, width - 1.0
    fitted, lines = fit_text(spec.text, FONT, 8.0, (column_right - column_left) * mm, 4, 5.5)
    text = _TextBlock(tuple(lines), FONT, fitted)
    return matrix, _InvoiceLayout(
        width, height, 0.5, 2.5, size, text, column_left, height / 2 + text.height_mm / 2
    )


def invoice_block_pdf(spec: InvoiceBlockSpec) -> bytes:
    """The invoice block as a vector PDF (page = block, no bleed), font embedded."""
    matrix, lay = _invoice_layout(spec)
    out = io.BytesIO()
    page = new_canvas(out, lay.width_mm * mm, lay.height_mm * mm)
    page.setTitle("WhatsApp QR block")
    draw_qr(page, matrix, lay.qr_x_mm * mm, lay.qr_y_mm * mm, lay.qr_size_mm * mm, logo=spec.qr_logo)
    page.setFillColor(BLACK_K)
    lay.text.draw(page, lay.text_x_mm, lay.text_top_mm, centred=False)
    page.showPage()
    page.save()
    return out.getvalue()


def invoice_block_svg(spec: InvoiceBlockSpec) -> str:
    """The invoice block as SVG in mm user units; text in a system font stack."""
    matrix, lay = _invoice_layout(spec)
    if spec.qr_logo is not None:
        # the loose qr-*.svg carries the logo picture; the block only leaves its square light
        matrix = _cleared(matrix, spec.qr_logo)
    n = modules_with_quiet_zone(matrix)
    scale = lay.qr_size_mm / n
    qr_top = lay.height_mm - lay.qr_y_mm - lay.qr_size_mm
    size_mm = lay.text.size / mm
    first = lay.height_mm - lay.text_top_mm + lay.text.size * 0.74 / mm
    spans = "".join(
        f'<tspan x="{_n(lay.text_x_mm)}" y="{_n(first + i * lay.text.leading_mm)}">{_html_escape(line, quote=False)}</tspan>'
        for i, line in enumerate(lay.text.lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(lay.width_mm)}mm" height="{_n(lay.height_mm)}mm" '
        f'viewBox="0 0 {_n(lay.width_mm)} {_n(lay.height_mm)}">'
        f'<g transform="translate({_n(lay.qr_x_mm)} {_n(qr_top)}) scale({scale:.6f})" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path fill="#000" d="{qr_path_d(matrix)}"/></g>'
        f'<text font-family="{SVG_FONT_STACK}" font-size="{_n(size_mm)}" fill="#000">{spans}</text>'
        "</svg>\n"
    )


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def invoice_block_png(spec: InvoiceBlockSpec, dpi: int = 300, *, pdf: bytes | None = None) -> bytes:
    """The invoice block rasterised from its PDF (greyscale, anti-aliased, dpi stored).

    ``pdf``: ``invoice_block_pdf(spec)`` when the caller already has it."""
    return _grey_png(_invoice_raster(pdf if pdf is not None else invoice_block_pdf(spec), dpi), dpi)


def invoice_block_pngs(spec: InvoiceBlockSpec, dpis: tuple[int, ...], *, pdf: bytes | None = None) -> dict[int, bytes]:
    """``invoice_block_png`` at several resolutions: rendered once at the highest and scaled down from it
    (each pixel the average of the pixels it covers: as sharp as rendering it directly, at a third of the cost)."""
    top = max(dpis)
    master = _invoice_raster(pdf if pdf is not None else invoice_block_pdf(spec), top)
    out = {}
    for dpi in dpis:
        size = (max(1, round(master.width * dpi / top)), max(1, round(master.height * dpi / top)))
        out[dpi] = _grey_png(master if dpi == top else master.resize(size, Image.Resampling.BOX), dpi)
    return out


def _invoice_raster(pdf: bytes, dpi: int) -> Image.Image:
    return render_pdf(pdf, dpi, grayscale=True).convert("L")


def _grey_png(image: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    # zlib level 3: 25 KB instead of 21 KB for a block that goes into an invoice template, at 60 % of the time
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=PNG_LEVEL_FAST)
    return out.getvalue()


# --------------------------------------------------------------------------- the print folder


def print_problems(ps: PrintSet, *, layouts: bool = True) -> list[PrintError]:
    """Every problem ``make_print_set`` would stop at, all at once (empty when fine).

    ``layouts=False`` skips laying out every poster (the slow part), for a caller that draws them next."""
    problems: list[PrintError] = []

    def collect(check: Callable[[], object]) -> None:
        try:
            check()
        except PrintError as error:
            problems.append(error)

    collect(lambda: check_bleed(ps.bleed_mm))
    for name in ps.formats:
        collect(lambda name=name: paper_format(name))
    collect(lambda: _ec_level(ps.error_correction, key=KEY_EC))
    if ps.primary_color:
        collect(lambda: cmyk_from_hex(ps.primary_color))
    names = [c.name for c in ps.channels]
    for wanted in (ps.poster_channel, ps.invoice_channel):
        if wanted not in names:
            problems.append(PrintError(KEY_CHANNELS, f"no channel named {wanted!r}", "add it with its source code"))
    for channel in ps.channels:
        collect(lambda c=channel: _printable_matrix(c.url, c.size_mm, ps.error_correction, f"QR code {c.name!r}"))
    if ps.logo_path is not None:
        collect(lambda: _poster_logo(ps.logo_path))
    if ps.qr_logo_path is not None:
        for channel in ps.channels:
            collect(lambda c=channel: qr_with_logo(c.url, ps.qr_logo_path, error_correction=ps.error_correction,
                                                   coverage=ps.qr_logo_coverage, key=KEY_QR_LOGO))
    if layouts and not problems and ps.poster_channel in names:
        # layout problems (scan distance, texts too long) only show once the basics are right
        url = next(c.url for c in ps.channels if c.name == ps.poster_channel)
        for spec in _poster_specs(ps, url, {}):
            collect(lambda spec=spec: poster_layout(spec))
    # de-duplicate (the same URL problem can come from several channels)
    unique: dict[str, PrintError] = {}
    for problem in problems:
        unique.setdefault(str(problem), problem)
    return list(unique.values())


def make_print_set(ps: PrintSet, *, checked: bool = False) -> dict[str, bytes]:
    """All files of ``output/print/`` as {relative path: bytes}; raises the first PrintError.

    ``checked=True``: the caller has already run ``print_problems`` (a layout problem still raises)."""
    problems = [] if checked else print_problems(ps, layouts=False)
    if problems:
        raise problems[0]
    channels = {c.name: c for c in ps.channels}
    logos: dict[str, QrLogo | None] = {}
    files: dict[str, bytes] = {}
    readme_qr: list[str] = []
    for channel in ps.channels:
        if ps.qr_logo_path is not None:
            matrix, logo = qr_with_logo(channel.url, ps.qr_logo_path, coverage=ps.qr_logo_coverage)
        else:
            matrix, logo = qr_matrix(channel.url, ps.error_correction), None
        logos[channel.name] = logo
        stem = f"qr-{channel.name}"
        files[f"{stem}.svg"] = qr_svg(matrix, channel.size_mm, logo=logo).encode("utf-8")
        files[f"{stem}.pdf"] = qr_pdf(matrix, channel.size_mm, logo=logo, title=f"QR {channel.name}")
        for dpi in (300, 600):
            files[f"{stem}-{dpi}dpi.png"] = qr_png(matrix, dpi, channel.size_mm, logo=logo)
        ppm = png_pixels_per_module(matrix, 300, channel.size_mm)
        readme_qr.append(
            f"  {stem}.*  {channel.url}\n"
            f"      {channel.size_mm:g} mm incl. quiet zone, {len(matrix)}x{len(matrix)} modules "
            f"+ 4 quiet-zone modules per side, module {module_size_mm(matrix, channel.size_mm):.2f} mm; "
            f"PNG 300 dpi: {ppm} px/module = {ppm * modules_with_quiet_zone(matrix) / 300 * 25.4:.1f} mm"
        )

    poster_url = channels[ps.poster_channel].url
    readme_posters: list[str] = []
    for spec in _poster_specs(ps, poster_url, logos):
        paper, texts = paper_format(spec.paper), spec.texts
        stem = f"poster-{paper.name.lower()}-{texts.lang}"
        pdf, layout = _poster(spec)
        files[f"{stem}.pdf"] = pdf
        files[f"{stem}.png"] = poster_preview_png(pdf, ps.preview_dpi)
        if ps.crop_marks:
            files[f"{stem}-crop.pdf"] = poster_pdf(_dc_replace(spec, crop_marks=True))
        readme_posters.append(
            f"  {stem}.pdf  {paper.name} {paper.width_mm:g} x {paper.height_mm:g} mm trim, "
            f"page {paper.width_mm + 2 * ps.bleed_mm:g} x {paper.height_mm + 2 * ps.bleed_mm:g} mm; "
            f"QR {layout.qr_size_mm:g} mm (module {layout.module_mm:.2f} mm)"
        )

    invoice = channels[ps.invoice_channel]
    for texts in ps.texts:
        spec_i = InvoiceBlockSpec(
            qr_url=invoice.url,
            text=texts.invoice_text,
            qr_size_mm=invoice.size_mm,
            error_correction=ps.error_correction,
            qr_logo=logos[ps.invoice_channel],
        )
        stem = f"invoice-block-{texts.lang}"
        files[f"{stem}.svg"] = invoice_block_svg(spec_i).encode("utf-8")
        files[f"{stem}.pdf"] = block_pdf = invoice_block_pdf(spec_i)
        for dpi, png in invoice_block_pngs(spec_i, (300, 600), pdf=block_pdf).items():
            files[f"{stem}-{dpi}dpi.png"] = png

    files["README.txt"] = _readme(ps, readme_qr, readme_posters, invoice).encode("utf-8")
    return dict(sorted(files.items()))


def _poster_specs(ps: PrintSet, url: str, logos: Mapping[str, QrLogo | None]) -> list[PosterSpec]:
    specs = []
    for name in ps.formats:
        paper = paper_format(name)
        for texts in ps.texts:
            specs.append(PosterSpec(
                business_name=ps.business_name,
                qr_url=url,
                display_url=ps.display_url,
                texts=texts,
                paper=paper.name,
                bleed_mm=ps.bleed_mm,
                error_correction=ps.error_correction,
                scan_distance_cm=ps.scan_distance_cm.get(paper.name, ps.scan_distance_cm.get(paper.name.lower())),
                primary_color=ps.primary_color,
                logo_path=ps.logo_path,
                qr_logo=logos.get(ps.poster_channel),
            ))
    return specs


def _readme(ps: PrintSet, qr_lines: list[str], poster_lines: list[str], invoice: Channel) -> str:
    crop = (
        f"Zusätzlich *-crop.pdf: gleiche Seite mit Schnittmarken auf {CROP_SLUG_MM:g} mm Rand um den Beschnitt.\n"
        if ps.crop_marks
        else "Ohne Schnittmarken (TrimBox/BleedBox sind gesetzt); eine Variante mit Marken gibt es auf Wunsch.\n"
    )
    color = (
        f"Farbband unten: {ps.primary_color} (naiv nach CMYK umgerechnet), läuft in den Beschnitt.\n"
        if ps.primary_color
        else ""
    )
    return (
        f"Druckdaten für {ps.business_name}\n"
        f"{'=' * (15 + len(ps.business_name))}\n\n"
        "Plakate (PDF, druckfertig)\n"
        f"  Endformat (TrimBox) + {ps.bleed_mm:g} mm Beschnitt rundum (BleedBox = Seitengröße).\n"
        f"  {crop}"
        f"  Schrift und QR-Code: 100 % K (CMYK 0/0/0/100), QR als Vektor; Schriften eingebettet.\n"
        + (f"  {color}" if color else "")
        + "  Bitte nicht skalieren: der QR-Code ist für den Scanabstand bemessen.\n"
        + "\n".join(poster_lines)
        + "\n  poster-*.png: nur Bildschirmvorschau, nicht für den Druck.\n\n"
        "Rechnungsblock (für die Rechnungsvorlage)\n"
        f"  invoice-block-*.pdf/.svg/-300dpi.png/-600dpi.png: {invoice.size_mm + 25:g} x {invoice.size_mm + 5:g} mm, "
        f"QR {invoice.size_mm:g} mm. In Originalgröße (100 %) einsetzen, nicht verkleinern.\n\n"
        "QR-Codes einzeln (Größe inkl. 4 Module Ruhezone)\n"
        + "\n".join(qr_lines)
        + "\n\n"
        f"Fehlerkorrektur: {ps.error_correction}. Dunkle Module auf hellem Grund, nie invertieren.\n"
        "Schrift: Bitstream Vera Sans (freie Lizenz).\n\n"
        "English: print-ready PDFs at final size plus bleed, TrimBox/BleedBox set, fonts embedded,\n"
        "text and QR in 100 % K, vector QR. Do not scale. PNG previews are for screens only.\n"
    )
