"""Line breaking for the records' PDFs: text runs (regular, bold, links) -> lines that fit a width.

The rules are site_builder.graphics.linebreak's, the posters' too: greedy, like a browser without hyphenation; a word
wider than the line (a URL) breaks after / ? & # first, then . - _ =, else anywhere. Text in one font goes
to linebreak.wrap as it is; mixed runs are broken here word by word with the same measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from reportlab.lib.colors import Color, black

from ...graphics import linebreak
from ...graphics.typefaces import FONT, FONT_BOLD
from .document import Run


@dataclass(frozen=True)
class Style:
    size: float
    leading: float
    bold: bool = False
    color: Color = black
    before: float = 0.0  # space above, collapsed with the space below the block before
    after: float = 0.0

    @property
    def font(self) -> str:
        return FONT_BOLD if self.bold else FONT


_WIDTHS: dict[tuple[str, str, float], float] = {}  # the words of the records repeat: measure each once


def width_of(text: str, font: str, size: float) -> float:
    key = (text, font, size)
    found = _WIDTHS.get(key)
    if found is None:
        if len(_WIDTHS) >= 50000:
            _WIDTHS.clear()
        found = _WIDTHS[key] = linebreak.string_width(text, font, size)
    return found


@dataclass
class Line:
    """One line of text: (text, font, link) pieces, drawn left to right."""

    pieces: list[tuple[str, str, str | None]] = field(default_factory=list)


def _tokens(runs: Iterable[Run] | str, style: Style) -> list[list[tuple[str, str, str | None]] | None]:
    """Words (each a list of (text, font, link) fragments glued without space); None is a forced line break."""
    if isinstance(runs, str):
        runs = (Run(runs, style.bold),)
    out: list[list[tuple[str, str, str | None]] | None] = []
    glue = False  # the next fragment continues the last word (no space between)
    for run in runs:
        font = FONT_BOLD if run.bold or style.bold else FONT
        for n, segment in enumerate(run.text.split("\n")):
            if n:
                out.append(None)
                glue = False
            for part in re.split(r"([ \t\r\f\v]+)", segment):
                if not part:
                    continue
                if part[0] in " \t\r\f\v":
                    glue = False
                elif glue and out and out[-1] is not None:
                    out[-1].append((part, font, run.href))
                else:
                    out.append([(part, font, run.href)])
                    glue = True
    return out


Piece = tuple[str, str, str | None]  # text, font, link


def _split_long(word: list[Piece], size: float, width: float) -> list[list[Piece]]:
    """A word wider than the line, in pieces that fit (linebreak.breaks: after a / . - etc. where possible)."""
    chars = [(c, font, href) for text, font, href in word for c in text]
    cuts = linebreak.breaks("".join(c for c, _, _ in chars), [width_of(c, font, size) for c, font, _ in chars], width)
    return [_merge(chars[start:end]) for start, end in cuts]


def _merge(fragments: Iterable[tuple[str, str, str | None]]) -> list[tuple[str, str, str | None]]:
    merged: list[tuple[str, str, str | None]] = []
    for text, font, href in fragments:
        if merged and merged[-1][1:] == (font, href):
            merged[-1] = (merged[-1][0] + text, font, href)
        else:
            merged.append((text, font, href))
    return merged


def _plain(runs: Iterable[Run] | str, style: Style) -> tuple[str, str] | None:
    """(text, font) when the text is one run without links or forced line breaks: most of it is."""
    if isinstance(runs, str):
        text, font = runs, style.font
    else:
        runs = tuple(runs)
        if len(runs) != 1 or runs[0].href:
            return None
        text, font = runs[0].text, FONT_BOLD if runs[0].bold or style.bold else FONT
    return None if "\n" in text else (text, font)


def wrap(runs: Iterable[Run] | str, style: Style, width: float) -> list[Line]:
    """Greedy line breaking, like a browser without hyphenation."""
    if not isinstance(runs, str):
        runs = tuple(runs)
    if (plain := _plain(runs, style)) is not None:
        return _wrap_plain(*plain, style.size, width)
    size = style.size
    lines: list[Line] = []
    current: list[tuple[str, str, str | None]] = []
    used = 0.0
    for word in _tokens(runs, style):
        if word is None:
            lines.append(Line(_merge(current)))
            current, used = [], 0.0
            continue
        w = sum(width_of(text, font, size) for text, font, _ in word) if len(word) > 1 else \
            width_of(word[0][0], word[0][1], size)
        space = width_of(" ", word[0][1], size)
        if current and used + space + w <= width:
            current.append((" ", word[0][1], word[0][2] if current[-1][2] == word[0][2] else None))
            current += word
            used += space + w
            continue
        if current:
            lines.append(Line(_merge(current)))
            current, used = [], 0.0
        if w <= width:
            current, used = list(word), w
            continue
        parts = _split_long(word, size, width)
        lines += [Line(part) for part in parts[:-1]]
        current = parts[-1]
        used = sum(width_of(text, font, size) for text, font, _ in current)
    if current or not lines:
        lines.append(Line(_merge(current)))
    return lines


def _wrap_plain(text: str, font: str, size: float, width: float) -> list[Line]:
    """`wrap` for text in one font: linebreak.wrap's lines (one empty line for a text without words)."""
    return [Line([(line, font, None)]) for line in linebreak.wrap(text, font, size, width)] or [Line([])]
