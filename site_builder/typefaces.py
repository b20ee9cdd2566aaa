"""The shipped TrueType fonts (Bitstream Vera) for every PDF: posters, invoice blocks and records.

Kept apart from printing/qr.py so that drawing the records needs ReportLab's PDF core only, not QR codes or Pillow.
The same widths without ReportLab, for layouts and checks: printing/metrics.py (fonts/widths.json).
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Sequence

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "SiteBuilderSans"
FONT_BOLD = "SiteBuilderSans-Bold"
_FONT_FILES = {FONT: "Vera.ttf", FONT_BOLD: "VeraBd.ttf"}

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
        found = super().splitString(text, doc, encoding)
        if self._numbered is not None and self._numbered.issuperset(text):  # the same in every PDF: keep it
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
    """Register the shipped TrueType fonts (Bitstream Vera) with ReportLab; idempotent."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in _FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(_SharedSubsetFont(name, str(FONT_DIR / file)))


