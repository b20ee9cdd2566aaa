"""The shipped TrueType fonts (DejaVu Sans and Bold) for every PDF: posters, invoice blocks, records, cards.

Kept apart from printing/qr.py so that drawing the records needs ReportLab's PDF core only, not QR codes or Pillow.
The same widths and the characters the fonts draw, without ReportLab, for layouts and checks: site_builder.graphics.glyphs
(fonts/widths.json, written by `python3 -m site_builder.graphics.typefaces` from the font files).

DejaVu Sans is Bitstream Vera with more scripts (Cyrillic, Greek, all of Latin): every character Vera had keeps
its advance width but five rare symbols (ƒ π ∕ ∙, and Ω in bold), so no layout of a usual text moved when it
replaced Vera (the golden output did not change). Registering both costs ReportLab a parse of two large
font files; it happens only when a PDF or card is actually drawn, never in `check` or an unchanged rebuild.
"""

from __future__ import annotations

import json
import sys
import zlib
from typing import Sequence

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .glyphs import FONT, FONT_BOLD, FONT_DIR, WIDTHS, MissingGlyphs, scale

_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}

# Every PDF embeds the fonts as subsets. ReportLab numbers the characters of a subset in the order a
# document first uses them, so each PDF gets a subset of its own, made and compressed anew (a fifth of the
# time of a records PDF). Numbering these first, in this order, makes the subset of almost every PDF the
# same, so it is made and compressed once per process. ASCII has its own numbers already; a PDF using other
# characters still works, it just gets a subset of its own.
SHARED_CHARACTERS = "ÄÖÜäöüß§°·×–—‘’‚“”„…•€éèàç"  # German and English texts, and a few loan words


class _SharedSubsetFont(TTFont):
    """A TrueType font whose PDF subsets start with SHARED_CHARACTERS, made and compressed once per process."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        face, made = self.face, {}
        make, add = face.makeSubset, face.addSubsetObjects
        compressed = _CachedCompress()

        def make_subset(subset: Sequence[int]) -> bytes:
            key = tuple(subset)
            if key not in made:
                if len(made) >= 64:
                    made.clear()
                made[key] = make(subset)
            return made[key]

        def add_subset_objects(doc, fontname, subset):
            reference = add(doc, fontname, subset)
            stream = doc.idToObject[f"fontFile:{face.filename}({fontname})"]
            if getattr(stream, "filters", None):
                stream.filters = [compressed]
            return reference

        face.makeSubset, face.addSubsetObjects = make_subset, add_subset_objects
        self._compressed = compressed
        self._widths: dict[tuple[float, ...], bytes] = {}
        self._numbered: frozenset[str] | None = None
        self._splits: dict[str, list[tuple[int, bytes]]] = {}  # text -> its codes, for text of _numbered only
        # what the font draws; ReportLab sets a no-break space as a space
        self._drawn = frozenset(code for code, glyph in face.charToGlyph.items() if glyph) | {0xA0}

    def addObjects(self, doc) -> None:
        """ReportLab's font objects, with the parts that are the same in every PDF formatted and
        compressed once: the widths array and the ToUnicode map of each shared subset."""
        state = self.state.get(doc)
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(state.subsets))] if state else []
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name in names:
            font = fonts.get(name)
            widths = getattr(font, "Widths", None)
            if isinstance(widths, pdfdoc.PDFArray):
                key = tuple(widths.sequence)
                if key not in self._widths:
                    if len(self._widths) >= 64:
                        self._widths.clear()
                    self._widths[key] = widths.format(doc)
                font.Widths = self._widths[key]  # bytes are written as they are
            to_unicode = getattr(getattr(font, "ToUnicode", None), "name", None)
            stream = doc.idToObject.get(to_unicode) if to_unicode else None
            if getattr(stream, "filters", None):
                stream.filters = [self._compressed]

    def splitString(self, text, doc, encoding="utf-8"):
        if doc not in self.state:
            super().splitString(SHARED_CHARACTERS, doc, encoding)
            if self._numbered is None:  # ASCII and SHARED_CHARACTERS: numbered alike in every PDF
                self._numbered = frozenset(chr(code) for code in self.state[doc].assignments)
        found = self._splits.get(text)
        if found is not None:
            return found
        shared = self._numbered is not None and self._numbered.issuperset(text)
        chars = text if isinstance(text, str) else bytes(text).decode(encoding)
        if not shared and (missing := "".join(c for c in chars if ord(c) not in self._drawn)):
            raise MissingGlyphs(missing)  # a check should have refused it: never print an empty box
        found = super().splitString(text, doc, encoding)
        if shared:  # the same in every PDF: keep it
            if len(self._splits) >= 20000:
                self._splits.clear()
            self._splits[text] = found
        return found


class _CachedCompress(pdfdoc.PDFStreamFilterZCompress):
    """FlateDecode that compresses each distinct font program once."""

    def __init__(self) -> None:
        self.done: dict[bytes, bytes] = {}

    def encode(self, text):
        data = text.encode("utf8") if isinstance(text, str) else text
        if data not in self.done:
            if len(self.done) >= 64:
                self.done.clear()
            self.done[data] = zlib.compress(data)
        return self.done[data]


def register_fonts() -> None:
    """Register the shipped TrueType fonts (DejaVu Sans, Bold) with ReportLab; idempotent."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in _FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(_SharedSubsetFont(name, str(FONT_DIR / file)))


def widths_table(file: str) -> dict:
    """One font's entry of fonts/widths.json: the advance (font units) of every character it maps to a glyph."""
    face = TTFont(f"widths:{file}", str(FONT_DIR / file)).face
    factor = scale(face.unitsPerEm)
    advances = {}
    for code, glyph in sorted(face.charToGlyph.items()):
        if glyph:  # a character mapped to glyph 0 is one the font lacks: ReportLab's default width
            advances[code] = round(face.charWidths[code] / factor)
            assert advances[code] * factor == face.charWidths[code], (file, code)  # exact, as ReportLab's
    ranges: list[list] = []
    for code, advance in advances.items():
        if ranges and ranges[-1][0] + len(ranges[-1][1]) == code:
            ranges[-1][1].append(advance)
        else:
            ranges.append([code, [advance]])
    default = round(face.defaultWidth / factor)
    return {"file": file, "units_per_em": face.unitsPerEm, "default": default, "ranges": ranges}


def write_widths() -> None:
    """Write fonts/widths.json from the font files (after a font file changed)."""
    data = {name: widths_table(file) for name, file in _FONT_FILES.items()}
    WIDTHS.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":  # python3 -m site_builder.graphics.typefaces
    write_widths()
    sys.stdout.write(f"{WIDTHS}\n")
