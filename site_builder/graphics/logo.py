"""The poster logo: its aspect ratio read from the file's header (pure, for layouts and checks), and the logo
itself loaded for drawing (Pillow for PNG/JPEG/WebP, svglib for SVG drawn as vectors)."""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import struct
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .colours import cmyk_drawing, cmyk_image
from .model import KEY_LOGO, SETTINGS_FILE, fail

# CSS units in px, for an SVG's width and height (only their ratio matters)
_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0,
          "em": 16.0, "ex": 8.0}


def logo_ratio(path: Path, source: str = SETTINGS_FILE) -> float:
    """The logo's height / width from its header alone; a problem naming theme.logo if it has no size."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        fail(source, KEY_LOGO, "print.logo_unreadable", path=path, reason=error.strerror)
    size = _svg_size(data, path.name, source) if _looks_svg(path, data) else _raster_size(data)
    if size is None:
        fail(source, KEY_LOGO, "print.logo_not_image", name=path.name)
    width, height = size
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        fail(source, KEY_LOGO, "print.logo_no_size", name=path.name)
    return height / width


def _looks_svg(path: Path, data: bytes) -> bool:
    return path.suffix.lower() == ".svg" or data.lstrip()[:1] == b"<"


def _svg_size(data: bytes, name: str, source: str) -> tuple[float, float]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        fail(source, KEY_LOGO, "print.logo_bad_svg", name=name, detail=str(error))
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width is not None and height is not None:
        return width, height
    numbers = [float(n) for n in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", root.get("viewBox", ""))]
    return (numbers[2], numbers[3]) if len(numbers) == 4 else (0.0, 0.0)


def _length(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-z]*)\s*", value or "")
    if not match or match.group(2) not in _UNITS:
        return None  # missing, or a percentage: the viewBox decides, as in svglib
    return float(match.group(1)) * _UNITS[match.group(2)]


def _raster_size(data: bytes) -> tuple[float, float] | None:
    """Width and height of a PNG, GIF, JPEG or WebP picture from its header."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[float, float] | None:
    kind = data[12:16]
    if kind == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if kind == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _jpeg_size(data: bytes) -> tuple[float, float] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame segment
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


# --------------------------------------------------------------------------- the logo for drawing


@dataclass(frozen=True, eq=False)
class Logo:
    """A poster logo: ``width`` x ``height`` give its aspect ratio (any unit)."""

    width: float
    height: float
    image: Any = None
    """A raster logo (a Pillow image flattened on white, in CMYK) ..."""
    drawing: Any = None
    """... or a vector one: a ReportLab ``Drawing`` of ``width`` x ``height`` pt."""

    def draw(self, page: Any, x: float, y: float, width: float, height: float) -> None:
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


_LOGOS: dict[tuple[str, str, bool], Logo] = {}  # (path, sha256 of its bytes, cmyk) -> parsed logo


def poster_logo(path: Path | None, source: str = SETTINGS_FILE, *, cmyk: bool = True) -> Logo | None:
    """The poster logo at ``path`` (PNG/JPEG, or SVG as vectors); a problem naming theme.logo if unusable.

    cmyk: its colours converted like the rest of a poster; False for screen images (the link-preview card
    and icons), which show the logo in the colours the web page shows it in.
    Parsed once per file content: a print set draws the same logo on every poster (an SVG costs ~4 ms)."""
    if path is None:
        return None
    try:
        key: tuple[str, str, bool] | None = (str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest(), cmyk)
    except OSError:
        key = None  # the loaders below report it
    if key is not None and (cached := _LOGOS.get(key)) is not None:
        return cached
    if Path(path).suffix.lower() == ".svg":
        logo = _svg_logo(Path(path), source, cmyk)
    else:
        from .qr import load_logo_image

        image = load_logo_image(path, key=KEY_LOGO, source=source)
        logo = Logo(image.width, image.height, image=cmyk_image(image) if cmyk else image)
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


def _svg_drawing(path: Path, source: str) -> Any:
    try:
        path.read_bytes()
    except OSError as error:
        fail(source, KEY_LOGO, "print.logo_unreadable", path=path, reason=error.strerror)
    from .svgload import svg2rlg  # only SVG logos need svglib (and lxml); svgload says why not directly

    with _svglib_messages() as messages:
        try:
            drawing = svg2rlg(str(path))
        except Exception as error:  # svglib raises all sorts (IndexError, ValueError, ...) on odd SVG
            drawing = None
            messages.append(f"{type(error).__name__}: {error}")
    if drawing is None:
        fail(source, KEY_LOGO, "print.logo_bad_svg", name=path.name, detail=messages[-1] if messages else "no drawing")
    return drawing


def _svg_logo(path: Path, source: str, cmyk: bool = True) -> Logo:
    drawing = _svg_drawing(path, source)
    width, height = float(drawing.width or 0), float(drawing.height or 0)
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        fail(source, KEY_LOGO, "print.logo_no_size", name=path.name)
    from reportlab.pdfgen import canvas as rl_canvas

    from ..typefaces import FONT, register_fonts

    register_fonts()
    drawing.initialFontName = FONT  # renderPDF would start every drawing in Helvetica (not embedded)
    _embedded_fonts(drawing)
    if cmyk:
        cmyk_drawing(drawing)  # a poster is CMYK throughout: the logo's colours as the band's are converted
    try:
        bounds = drawing.getBounds()
        with _svglib_messages():
            Logo(width, height, drawing=drawing).draw(rl_canvas.Canvas(io.BytesIO()), 0, 0, 100, 100)
    except Exception as error:  # a trial run, so that drawing the poster cannot fail later
        fail(source, KEY_LOGO, "print.logo_cannot_draw", name=path.name, detail=f"{type(error).__name__}: {error}")
    if bounds is None:
        fail(source, KEY_LOGO, "print.logo_draws_nothing", name=path.name)
    return Logo(width, height, drawing=drawing)


def _embedded_fonts(node: Any) -> None:
    """Set text in an SVG logo in the shipped (embedded) fonts, not in standard or system ones."""
    from reportlab.graphics.shapes import String

    from ..typefaces import FONT, FONT_BOLD

    if isinstance(node, String):
        node.fontName = FONT_BOLD if "bold" in str(node.fontName).lower() else FONT
    for child in getattr(node, "contents", None) or ():
        _embedded_fonts(child)
