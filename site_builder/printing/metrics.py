"""Text widths of the shipped fonts, without ReportLab: layouts and print checks need only the advance widths.

The widths come from fonts/widths.json (site_builder.glyphs): ReportLab's own width of each character (1/1000
em, its default for characters a font lacks), so `string_width` equals `pdfmetrics.stringWidth` to the last bit
(tests/test_posters.py checks that against ReportLab). Regenerate it with `python3 -m site_builder.typefaces`.
"""

from __future__ import annotations

from ..glyphs import FONT, FONT_BOLD, FONT_DIR, widths

__all__ = ["FONT", "FONT_BOLD", "FONT_DIR", "string_width"]


def string_width(text: str, font: str, size: float) -> float:
    """Width of `text` in points at `size` pt, as ReportLab measures it."""
    table, default = widths(font)
    return sum(table.get(ord(c), default) for c in text) * 0.001 * size  # in ReportLab's order: same float
