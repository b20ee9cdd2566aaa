"""QR codes as a matrix, SVG, PNG and PDF, ready for screen and print.

Conventions used everywhere in this module:

* ``qr_matrix`` returns the symbol *without* a quiet zone (``border=0`` in
  ``qrcode``); every renderer adds the quiet zone of ``QUIET_ZONE`` (4) light
  modules on each side itself.
* A size (``size_mm``, ``size_pt``) always means the whole code
  *including* the quiet zone, as print rules of thumb do ("invoice >= 20 mm").
* Dark modules are 100 % K (CMYK 0/0/0/1) in PDFs and ``#000`` in SVG, always on a
  light (white) background: codes are never inverted.
* Output is deterministic: same input, same bytes (no timestamps, ReportLab
  ``invariant=1``, PNG without tIME chunk).
"""

from __future__ import annotations

import base64
import functools
import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import qrcode
import qrcode.constants
import zxingcpp
from PIL import Image, ImageFilter
from reportlab.lib.colors import CMYKColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas

from ...graphics.logo import load_logo_image
from ...graphics.typefaces import FONT, register_fonts
from .print_model import KEY_EC, KEY_QR_LOGO, KEY_URL, SETTINGS_FILE, fail
from .symbol import MIN_DOTS_PER_MODULE, QUIET_ZONE, logo_square, pixels_per_module

MIN_MODULE_MM = MIN_DOTS_PER_MODULE * 25.4 / 300
"""0.3387 mm: four dots at 300 dpi."""

MAX_LOGO_COVERAGE = 0.20
"""Largest share of the symbol area (without quiet zone) a centre logo may clear."""

BLACK_K = CMYKColor(0, 0, 0, 1)
WHITE = CMYKColor(0, 0, 0, 0)

Matrix = Sequence[Sequence[bool]]


_EC_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


@dataclass(frozen=True)
class QrLogo:
    """A centre logo: a square of ``size`` modules cleared at ``(left, top)`` of the symbol."""

    png: bytes
    """The logo, flattened on white, as RGB PNG."""
    left: int
    top: int
    size: int
    padding: int = 1
    """Light modules kept between the cleared square's edge and the logo picture."""


# zlib level for PNGs: optimize=True (level 9 and a filter search) made them 3-5 % smaller at 5x the time.
PNG_LEVEL = 6

# --------------------------------------------------------------------------- matrix


def qr_matrix(data: str, error_correction: str = "M", *, source: str = SETTINGS_FILE) -> list[list[bool]]:
    """The QR symbol for ``data`` as rows of booleans (True = dark), without quiet zone."""
    # One build asks for the same few symbols many times, and encoding one means a mask search.
    return [list(row) for row in _qr_rows(data, error_correction, source)]


@functools.lru_cache(maxsize=64)
def _qr_rows(data: str, error_correction: str, source: str) -> tuple[tuple[bool, ...], ...]:
    level = _EC_LEVELS.get(str(error_correction).upper())
    if level is None:
        fail(source, KEY_EC, "print.error_correction", value=error_correction)
    code = qrcode.QRCode(error_correction=level, border=0, box_size=1)
    code.add_data(data)
    try:
        code.make(fit=True)
    except (qrcode.exceptions.DataOverflowError, ValueError):  # 8.2 raises ValueError past version 40
        fail(source, KEY_URL, "print.url_too_long", chars=len(data))
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def modules_with_quiet_zone(matrix: Matrix) -> int:
    """Width of the code in modules, quiet zone included."""
    return len(matrix) + 2 * QUIET_ZONE


def module_size_mm(matrix: Matrix, size_mm: float) -> float:
    """Width of one module when the code, quiet zone included, is ``size_mm`` wide."""
    return size_mm / modules_with_quiet_zone(matrix)


def _runs(matrix: Matrix):
    """Horizontal runs of dark modules as (x, y, length), in symbol coordinates."""
    for y, row in enumerate(matrix):
        x = 0
        n = len(row)
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                yield start, y, x - start
            else:
                x += 1


def _rects(matrix: Matrix):
    """Dark areas as rectangles (x, y, width, height): horizontal runs, stacked when equal."""
    open_rects: dict[tuple[int, int], list[int]] = {}
    done: list[tuple[int, int, int, int]] = []
    for y, row in enumerate(_rows_of_runs(matrix)):
        current: dict[tuple[int, int], list[int]] = {}
        for x, length in row:
            rect = open_rects.pop((x, length), None)
            if rect is None:
                rect = [x, y, length, 0]
            rect[3] += 1
            current[(x, length)] = rect
        done.extend(tuple(r) for r in open_rects.values())
        open_rects = current
    done.extend(tuple(r) for r in open_rects.values())
    return sorted(done, key=lambda r: (r[1], r[0]))


def _rows_of_runs(matrix: Matrix) -> list[list[tuple[int, int]]]:
    rows: list[list[tuple[int, int]]] = [[] for _ in matrix]
    for x, y, length in _runs(matrix):
        rows[y].append((x, length))
    return rows


def _cleared(matrix: Matrix, logo: QrLogo | None) -> Matrix:
    if logo is None:
        return matrix
    rows = [list(row) for row in matrix]
    for y in range(logo.top, logo.top + logo.size):
        for x in range(logo.left, logo.left + logo.size):
            rows[y][x] = False
    return rows


# --------------------------------------------------------------------------- SVG


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def qr_path_d(matrix: Matrix, offset: int = QUIET_ZONE) -> str:
    """SVG path data: one closed rectangle per run of dark modules (runs stacked when equal)."""
    return "".join(f"M{x + offset} {y + offset}h{w}v{h}h-{w}z" for x, y, w, h in _rects(matrix))


def qr_svg(matrix: Matrix, size_mm: float, *, label: str | None = None, logo: QrLogo | None = None) -> str:
    """A standalone or inline SVG: viewBox in modules, one ``<path>``, quiet zone included.

    Valid pasted inline into HTML5 (no prefixes, no ids, no XML declaration).
    ``label`` becomes ``role="img"`` + ``aria-label``.
    """
    n = modules_with_quiet_zone(matrix)
    size = _num(size_mm)
    a11y = f' role="img" aria-label="{html.escape(label)}"' if label else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}mm" height="{size}mm" '
        f'viewBox="0 0 {n} {n}" shape-rendering="crispEdges"{a11y}>',
        f'<rect width="{n}" height="{n}" fill="#fff"/>',
        f'<path fill="#000" d="{qr_path_d(_cleared(matrix, logo))}"/>',
    ]
    if logo is not None:
        inner = logo.size - 2 * logo.padding
        href = "data:image/png;base64," + base64.b64encode(logo.png).decode("ascii")
        parts.append(
            f'<image x="{logo.left + logo.padding + QUIET_ZONE}" y="{logo.top + logo.padding + QUIET_ZONE}" '
            f'width="{inner}" height="{inner}" preserveAspectRatio="xMidYMid meet" href="{href}"/>'
        )
    parts.append("</svg>")
    return "".join(parts) + "\n"


# --------------------------------------------------------------------------- PNG


def png_pixels_per_module(matrix: Matrix, dpi: int, min_size_mm: float) -> int:
    """Whole pixels per module so that the code is at least ``min_size_mm`` wide (rounded up)."""
    return pixels_per_module(len(matrix), dpi, min_size_mm)


def qr_image(matrix: Matrix, pixels_per_module: int, logo: QrLogo | None = None) -> Image.Image:
    """The code (quiet zone included) as a Pillow image: mode '1', or 'RGB' with a logo."""
    n = modules_with_quiet_zone(matrix)
    small = Image.new("1", (n, n), 1)
    pixels = small.load()
    for x, y, length in _runs(_cleared(matrix, logo)):
        for i in range(length):
            pixels[x + i + QUIET_ZONE, y + QUIET_ZONE] = 0
    image = small.resize((n * pixels_per_module, n * pixels_per_module), Image.Resampling.NEAREST)
    if logo is None:
        return image
    image = image.convert("RGB")
    picture = Image.open(io.BytesIO(logo.png))
    inner = (logo.size - 2 * logo.padding) * pixels_per_module
    fitted = _fit(picture, inner, inner)
    origin_x = (logo.left + logo.padding + QUIET_ZONE) * pixels_per_module
    origin_y = (logo.top + logo.padding + QUIET_ZONE) * pixels_per_module
    image.paste(fitted, (origin_x + (inner - fitted.width) // 2, origin_y + (inner - fitted.height) // 2))
    return image


def _fit(picture: Image.Image, width: int, height: int) -> Image.Image:
    scale = min(width / picture.width, height / picture.height)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS)


def qr_png(matrix: Matrix, dpi: int, min_size_mm: float, *, logo: QrLogo | None = None) -> bytes:
    """A 1-bit PNG (RGB with a logo) with whole pixels per module, at least ``min_size_mm`` wide.

    Pixels per module are rounded *up*, so the code may be slightly larger than asked;
    the dpi is stored in the file so layout programs place it at that size.
    """
    image = qr_image(matrix, png_pixels_per_module(matrix, dpi, min_size_mm), logo)
    return _png_bytes(image, dpi)


def _png_bytes(image: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=PNG_LEVEL)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def draw_qr(
    canvas: rl_canvas.Canvas,
    matrix: Matrix,
    x_pt: float,
    y_pt: float,
    size_pt: float,
    *,
    logo: QrLogo | None = None,
    background: bool = True,
) -> None:
    """Draw the code as vectors, lower-left corner at (x_pt, y_pt), quiet zone included.

    Dark modules are 100 % K; the quiet zone is painted white unless ``background`` is False.
    """
    n = modules_with_quiet_zone(matrix)
    unit = size_pt / n
    canvas.saveState()
    if background:
        canvas.setFillColor(WHITE)
        canvas.rect(x_pt, y_pt, size_pt, size_pt, stroke=0, fill=1)
    canvas.setFillColor(BLACK_K)
    path = canvas.beginPath()
    top = y_pt + size_pt
    for x, y, width, height in _rects(_cleared(matrix, logo)):
        path.rect(
            x_pt + (x + QUIET_ZONE) * unit,
            top - (y + QUIET_ZONE + height) * unit,
            width * unit,
            height * unit,
        )
    canvas.drawPath(path, stroke=0, fill=1, fillMode=rl_canvas.FILL_NON_ZERO)
    if logo is not None:
        inner = (logo.size - 2 * logo.padding) * unit
        canvas.drawImage(
            ImageReader(io.BytesIO(logo.png)),
            x_pt + (logo.left + logo.padding + QUIET_ZONE) * unit,
            top - (logo.top + logo.size - logo.padding + QUIET_ZONE) * unit,
            width=inner,
            height=inner,
            preserveAspectRatio=True,
            anchor="c",
        )
    canvas.restoreState()


def new_canvas(out: io.BytesIO, width_pt: float, height_pt: float) -> rl_canvas.Canvas:
    """A deterministic canvas whose only font is the shipped, embedded one (no Helvetica)."""
    register_fonts()
    page = rl_canvas.Canvas(
        out, pagesize=(width_pt, height_pt), invariant=1, pageCompression=1, initialFontName=FONT
    )
    page.setCreator("site-builder")
    return page


def qr_pdf(matrix: Matrix, size_mm: float, *, logo: QrLogo | None = None, title: str = "QR code") -> bytes:
    """A one-page vector PDF whose page is exactly the code, quiet zone included."""
    out = io.BytesIO()
    size = size_mm * mm
    page = new_canvas(out, size, size)
    page.setTitle(title)
    draw_qr(page, matrix, 0, 0, size, logo=logo)
    page.showPage()
    page.save()
    return out.getvalue()


# --------------------------------------------------------------------------- logo


def qr_with_logo(data: str, logo: str | Path | bytes, *, error_correction: str = "H", coverage: float = 0.15,
                 source: str = SETTINGS_FILE) -> tuple[list[list[bool]], QrLogo]:
    """The matrix plus a centre logo clearing ``coverage`` of the symbol; verified by decoding.

    Only at error correction H, coverage at most 20 %, never over the finder patterns; a problem naming
    print.qr_logo when any rule is broken or the rendered code does not decode."""
    if error_correction.upper() != "H":
        fail(source, KEY_QR_LOGO, "print.qr_logo_needs_h", level=error_correction)
    if not 0 < coverage <= MAX_LOGO_COVERAGE + 1e-9:
        fail(source, KEY_QR_LOGO, "print.qr_logo_coverage", coverage=f"{coverage:.0%}",
             maximum=f"{MAX_LOGO_COVERAGE:.0%}")
    picture = load_logo_image(logo, source=source)
    matrix = qr_matrix(data, "H", source=source)
    n = len(matrix)
    size = logo_square(n, coverage)
    if size is None:
        fail(source, KEY_QR_LOGO, "print.qr_logo_no_room", coverage=f"{coverage:.0%}", modules=n)
    start = (n - size) // 2
    png = io.BytesIO()
    picture.save(png, format="PNG", optimize=True)
    result = QrLogo(png=png.getvalue(), left=start, top=start, size=size)
    verify_decodes(matrix, data, logo=result, source=source)
    return matrix, result


def decode(image: Image.Image) -> list[str]:
    """Texts of all QR codes zxing-cpp finds in ``image`` (dark on light only)."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
    return [barcode.text for barcode in found]


def verify_decodes(matrix: Matrix, expected: str, *, logo: QrLogo | None = None, source: str = SETTINGS_FILE) -> None:
    """Rasterise the code sharp and slightly blurred; a problem naming print.qr_logo unless both decode."""
    sharp = qr_image(matrix, 8, logo).convert("L")
    for image in (sharp, sharp.filter(ImageFilter.GaussianBlur(2))):
        if decode(image) != [expected]:
            fail(source, KEY_QR_LOGO, "print.qr_logo_unreadable")
