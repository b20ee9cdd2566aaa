"""RGB -> CMYK for the few colours a poster has besides its black: the band, the chat bubble, an SVG logo.

Naive (no ICC profile, see docs/pdfx.md): K = 1 - max(R, G, B), the rest relative to it. Pure black becomes
100 % K, so black in a logo prints like the text.
"""

from __future__ import annotations

from typing import Any

from PIL import Image, ImageChops, ImageMath
from reportlab.lib.colors import CMYKColor, Color


def cmyk_values(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """C, M, Y, K (0..1, four decimals) of R, G, B (0..1)."""
    k = 1 - max(r, g, b)
    if k >= 1 - 1e-9:
        return (0.0, 0.0, 0.0, 1.0)
    return (round((1 - r - k) / (1 - k), 4), round((1 - g - k) / (1 - k), 4), round((1 - b - k) / (1 - k), 4),
            round(k, 4))


def cmyk_drawing(node: Any, *, root: bool = True) -> None:
    """Turn every RGB fill and stroke of a ReportLab drawing (an SVG logo from svglib) into CMYK, in place."""
    if root:
        # the renderer starts each drawing in RGB black ("0 0 0 RG"/"rg") unless the drawing has an attribute
        # initial<State> (its StateTracker reads them with hasattr/getattr); Drawing's attribute map refuses
        # these two names on assignment, so they go into the instance's dict directly
        node.__dict__["initialFillColor"] = node.__dict__["initialStrokeColor"] = CMYKColor(0, 0, 0, 1)

    for attribute in ("fillColor", "strokeColor"):
        colour = getattr(node, attribute, None)
        if isinstance(colour, Color) and not isinstance(colour, CMYKColor):
            c, m, y, k = cmyk_values(colour.red, colour.green, colour.blue)
            setattr(node, attribute, CMYKColor(c, m, y, k, alpha=colour.alpha))
    for child in getattr(node, "contents", None) or ():
        cmyk_drawing(child, root=False)


def cmyk_image(image: Any) -> Any:
    """A raster logo (Pillow, RGB) as CMYK by the same formula, so that ReportLab embeds it DeviceCMYK."""
    r, g, b = image.convert("RGB").split()
    brightest = ImageChops.lighter(ImageChops.lighter(r, g), b)  # max(R, G, B) = 255 * (1 - K)

    def ink(channel: Any) -> Any:
        # (max - X) / max, rounded; 0 where the pixel is black (max = 0: all K)
        if not hasattr(ImageMath, "lambda_eval"):  # Pillow < 10.3 (pyproject allows >= 10.0)
            return ImageMath.eval("convert(((m - x) * 255 + m / 2) / (m + (m == 0)), 'L')", m=brightest, x=channel)
        return ImageMath.lambda_eval(
            lambda a: a["convert"](((a["m"] - a["x"]) * 255 + a["m"] / 2) / (a["m"] + (a["m"] == 0)), "L"),
            m=brightest, x=channel)

    return Image.merge("CMYK", (ink(r), ink(g), ink(b), ImageChops.invert(brightest)))
