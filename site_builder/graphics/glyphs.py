"""Which characters the shipped PDF fonts (DejaVu Sans, Bold) draw, and how wide, without ReportLab.

fonts/widths.json holds, per font, the advance width of every character its cmap maps to a glyph, in font
units, as runs of consecutive code points: `[[first code, [advance, advance, ...]], ...]`. ReportLab scales
an advance by 1000 / units_per_em; doing the same here gives its widths to the last bit
(site_builder.graphics.linebreak.string_width).
Regenerate it with `python3 -m site_builder.graphics.typefaces` when a font file changes.

Why a file of our own rather than ReportLab's metrics: `check` lays out every poster and checks every PDF text
against the fonts' characters (config/fonts.py); with ReportLab's TrueType reader it would import ReportLab
and parse both fonts, more than a tenth of its time (benchmarks/tricks.py; figures in benchmarks/README.md).
tests/test_fonts.py keeps this file equal to what ReportLab reads from the fonts.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from ..problems import InputError, report

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
WIDTHS = FONT_DIR / "widths.json"
FONT = "SiteBuilderSans"
FONT_BOLD = "SiteBuilderSans-Bold"
# Above the Basic Multilingual Plane are mostly emoji: DejaVu draws a few dozen of them as outlines and lacks
# the rest, so an owner would see some printed and others refused. None is printed: one rule for all emoji.
LAST_PRINTED = 0xFFFF
SHOWN = 6  # characters named in one message; a whole name in another script needs no more


@functools.cache
def _data() -> dict:
    return json.loads(WIDTHS.read_text(encoding="utf-8"))


def scale(units_per_em: int) -> float:
    """ReportLab's factor from font units to 1/1000 em (ttfonts.TTFontFile: x * (1000 / unitsPerEm))."""
    return 1 if units_per_em == 1000 else 1000 / units_per_em


@functools.cache
def widths(font: str) -> tuple[dict[int, float], float]:
    """{code point: width in 1/1000 em} of `font`, and its width for characters it lacks (glyph 0)."""
    data = _data()[font]
    factor = scale(data["units_per_em"])
    table = {start + i: advance * factor for start, advances in data["ranges"] for i, advance in enumerate(advances)}
    return table, data["default"] * factor


@functools.cache
def printable() -> frozenset[int]:
    """The code points every shipped font draws (a text may be set regular or bold), emoji excepted."""
    found: frozenset[int] | None = None
    for data in _data().values():
        codes: set[int] = set()
        for start, advances in data["ranges"]:
            codes.update(range(start, min(start + len(advances), LAST_PRINTED + 1)))
        found = frozenset(codes) if found is None else found & codes
    return found or frozenset()


def show(chars: str) -> str:
    """Characters for a message, each with its code: 'Ж (U+0416), 中 (U+4E2D)'."""
    distinct = list(dict.fromkeys(chars))
    shown = ", ".join(f"{c} (U+{ord(c):04X})" if c.isprintable() else f"U+{ord(c):04X}" for c in distinct[:SHOWN])
    return shown + (", …" if len(distinct) > SHOWN else "")


class MissingGlyphs(InputError):
    """Raised while drawing a PDF text with characters the font lacks: the PDF would show empty boxes.

    The font does not know which document it draws; the build names it (`in_document`)."""

    def __init__(self, chars: str, document: str = "PDF"):
        self.chars = chars
        super().__init__([report(document, "text", "fonts.missing_glyph", chars=show(chars))])

    def in_document(self, document: str) -> MissingGlyphs:
        return MissingGlyphs(self.chars, document)


def render_named(unit: Any, out: Path) -> dict[str, bytes]:
    """`unit.render()` (a units.Unit), with a MissingGlyphs named by the document it was drawing: its one
    PDF or PNG below `out`, else the unit's name (the media unit draws several cards)."""
    try:
        return unit.render()
    except MissingGlyphs as exc:
        drawn = [p for p in unit.paths if p.endswith((".pdf", ".png"))]
        raise exc.in_document(str(out / (drawn[0] if len(drawn) == 1 else unit.name))) from None
