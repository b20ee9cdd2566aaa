"""Line breaking for every PDF text: posters, invoice blocks and records break lines the same way.

Greedy, like a browser without hyphenation: words go on a line while they fit; a word wider than a whole
line (a URL, a long compound) breaks after / ? & # first, then after . - _ =, else between any two
characters. Widths come from the shipped fonts' metrics (site_builder.graphics.glyphs), equal to ReportLab's to the
last bit, so `check` lays out a poster without importing ReportLab.

Used by printing/layout.py (posters and invoice blocks: one font per text) and records/pdf_text.py (runs
in two fonts, with links, which it splits with `breaks`).
"""

from __future__ import annotations

import functools
import re
from itertools import repeat
from typing import Sequence

from .glyphs import widths

BREAK_AFTER = ("/?&#", ".-_=")  # where a word too long for its line may break, best first
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # not the no-break space: typography.py glues "Art.\u00a06" with it


def words(text: str) -> list[str]:
    """The words of `text`, split at spaces but never at a no-break space."""
    return [word for word in _SPACES.split(text) if word]


@functools.cache
def _by_character(font: str) -> tuple[dict[str, float], float]:
    table, default = widths(font)
    return {chr(code): width for code, width in table.items()}, default


def string_width(text: str, font: str, size: float) -> float:
    """Width of `text` in points at `size` pt, as ReportLab measures it."""
    table, default = _by_character(font)  # keyed by character: the sum runs in C (a cold build asks ~23,000 times)
    return sum(map(table.get, text, repeat(default))) * 0.001 * size  # in ReportLab's order: same float


def breaks(chars: str, advances: Sequence[float], width: float) -> list[tuple[int, int]]:
    """A word wider than `width` as (start, end) slices, each as wide as fits: cut after / ? & # where
    possible, then after . - _ =, else after as many characters as fit (at least one)."""
    pieces: list[tuple[int, int]] = []
    start, count = 0, len(chars)
    while start < count:
        end, used, best = start, 0.0, [0, 0]
        while end < count:
            if used + advances[end] > width and end > start:
                break
            used += advances[end]
            for rank, marks in enumerate(BREAK_AFTER):
                if chars[end] in marks:
                    best[rank] = end + 1
            end += 1
        cut = best[0] or best[1]
        if end < count and cut > start:
            end = cut
        pieces.append((start, end))
        start = end
    return pieces


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` in one font broken into lines no wider than `width` (none for a text without words)."""
    space = string_width(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in words(text):
        w = string_width(word, font, size)
        if current and used + space + w <= width:
            current.append(word)
            used += space + w
            continue
        if current:
            lines.append(" ".join(current))
            current, used = [], 0.0
        if w <= width:
            current, used = [word], w
            continue
        parts = [word[a:b] for a, b in breaks(word, [string_width(c, font, size) for c in word], width)]
        lines += parts[:-1]
        current, used = [parts[-1]], string_width(parts[-1], font, size)
    if current:
        lines.append(" ".join(current))
    return lines
