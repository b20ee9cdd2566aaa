"""A logo for drawing on a ReportLab canvas: a raster logo (PNG, JPEG, WebP) flattened on white with Pillow, an
SVG as vectors with svglib; in CMYK for print, in RGB for screens. Posters and link-preview cards draw it the
same way. Its size alone: graphics/logo_size.py.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

# WebP's plugin imported by name: Pillow knows PNG, JPEG and GIF from the start, and for another format
# open() would import all of its ~50 plugins
from PIL import Image, UnidentifiedImageError, WebPImagePlugin  # noqa: F401
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import String
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas
from svglib.svglib import svg2rlg

from .. import gate
from .colours import cmyk_drawing, cmyk_image
from .logo_size import KEY_LOGO, SETTINGS_FILE, fail
from .svg_safe import SvgRefused, safe_svg
from .typefaces import FONT, FONT_BOLD, register_fonts

KEY_QR_LOGO = "print.qr_logo"


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
            page.drawImage(ImageReader(self.image), x, y, width, height, preserveAspectRatio=True, anchor="c")
            return
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
    Parsed once per file content: a print set draws the same logo on every poster."""
    if path is None:
        return None
    try:
        key: tuple[str, str, bool] | None = (str(path), hashlib.sha256(_logo_bytes(Path(path))).hexdigest(), cmyk)
    except gate.Refused:
        key = None  # the loaders below report it
    if key is not None and (cached := _LOGOS.get(key)) is not None:
        return cached
    if Path(path).suffix.lower() == ".svg":
        logo = _svg_logo(Path(path), source, cmyk)
    else:
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


def _logo_bytes(path: Path) -> bytes:
    # the settings' check let the logo through the gate with the site's folder; here it is read again for
    # drawing, still a regular file of bounded size (gate.Refused otherwise)
    return gate.read_or_refuse(path, root=None, limit=gate.MAX_LOGO_BYTES)


def _svg_drawing(path: Path, source: str) -> Any:
    try:
        safe, _ = safe_svg(_logo_bytes(path))  # drawn as published: nothing in it loads another file
    except gate.Refused as refused:
        fail(source, KEY_LOGO, "print.logo_unreadable", path=path, reason=refused.problem.what)
    except SvgRefused as refused:
        fail(source, KEY_LOGO, "print.logo_bad_svg", name=path.name, detail=refused.key)
    with _svglib_messages() as messages:
        try:
            drawing = svg2rlg(io.BytesIO(safe))
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
    if isinstance(node, String):
        node.fontName = FONT_BOLD if "bold" in str(node.fontName).lower() else FONT
    for child in getattr(node, "contents", None) or ():
        _embedded_fonts(child)


def load_logo_image(logo: str | Path | bytes, *, key: str = KEY_QR_LOGO, source: str = SETTINGS_FILE) -> Image.Image:
    """Open a raster logo (PNG, JPEG, WebP) flattened on white; SVG and unreadable files are problems at `key`."""
    if isinstance(logo, bytes):
        data, name = logo, "logo"
    else:
        path = Path(logo)
        if path.suffix.lower() == ".svg":
            fail(source, key, "print.logo_svg_in_code", name=path.name)
        try:
            data = _logo_bytes(path)
        except gate.Refused as refused:
            fail(source, key, "print.logo_unreadable", path=path, reason=refused.problem.what)
        name = path.name
    if data.lstrip()[:1] == b"<":
        fail(source, key, "print.logo_svg_in_code", name=name)
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError):
        fail(source, key, "print.logo_not_raster", name=name)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")
