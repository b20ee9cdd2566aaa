"""Text widths of the shipped fonts, without ReportLab: layouts and print checks need only the advance widths.

fonts/widths.json holds ReportLab's own width table of each font (1/1000 em per character, its default for
characters the font lacks), so `string_width` equals `pdfmetrics.stringWidth` to the last bit
(tests/test_posters.py checks that against ReportLab). Regenerate it when a font file changes.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "SiteBuilderSans"
FONT_BOLD = "SiteBuilderSans-Bold"


@functools.cache
def _table(font: str) -> tuple[dict[int, float], float]:
    data = json.loads((FONT_DIR / "widths.json").read_text(encoding="utf-8"))[font]
    return {int(code): width for code, width in data["widths"].items()}, data["default"]


def string_width(text: str, font: str, size: float) -> float:
    """Width of `text` in points at `size` pt, as ReportLab measures it."""
    widths, default = _table(font)
    return sum(widths.get(ord(c), default) for c in text) * 0.001 * size  # in ReportLab's order: same float
