"""A record (records.model.Record) as an A4 PDF, laid out directly on a ReportLab canvas.

The records are plain documents: a title, key/value tables, headed sections of paragraphs, lists,
tables, a quoted text, boxes to tick and lines to sign on. A small layout of our own (greedy line
breaking with ReportLab's font metrics, page breaks that keep headings with what follows, table rows
that move or split whole to the next page with the header repeated) draws them in less than half the time
ReportLab's general-purpose page layout (platypus) took; the build writes fifteen such PDFs per site.
Fonts are the shipped TrueType fonts, embedded as subsets; the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Iterable, Sequence

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ...graphics.typefaces import FONT, register_fonts
from .document import Block, Bullets, Checklist, Facts, Heading, Para, Quote, Record, Run, Table
from .pdf_text import Line, Style, width_of, wrap

GREY = Color(0.33, 0.33, 0.33)
QUOTE_BG, KEY_BG, HEAD_BG = Color(0.96, 0.96, 0.96), Color(0.96, 0.96, 0.96), Color(0.93, 0.93, 0.93)
PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 18 * mm, 18 * mm, 16 * mm, 18 * mm
WIDTH = PAGE_W - LEFT - RIGHT
PAD_X, PAD_Y = 4.0, 3.0  # table cell padding


BODY = Style(9.5, 12.5, after=4)
SMALL = Style(8, 10, color=GREY, after=4)
INTERNAL = Style(8, 10, color=GREY, after=10)
H1 = Style(16, 20, bold=True, after=8)
H2 = Style(12.5, 15.5, bold=True, before=12, after=4)
REF = Style(8, 10, color=GREY, before=12)
H3 = Style(10.5, 13, bold=True, before=6, after=3)
BULLET = Style(9.5, 12.5, after=2.5)
CELL = Style(8.5, 10.5)
HEAD = Style(8.5, 10.5, bold=True)
TABLE_BEFORE, TABLE_AFTER = 2.0, 8.0


# --- the page ---------------------------------------------------------------------------------


class Writer:
    """The canvas, the page being filled, and the space left on it."""

    def __init__(self, record: Record, out: io.BytesIO) -> None:
        register_fonts()
        self.record = record
        self.canvas = _canvas(record, out)
        self.y = PAGE_H - TOP
        self.after = 0.0  # space still owed below the last block
        self.at_top = True

    # page breaks
    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.y, self.after, self.at_top = PAGE_H - TOP, 0.0, True

    def space(self, before: float) -> None:
        """Open the gap above a block: the larger of its own space above and the last block's below."""
        if not self.at_top:
            self.y -= max(before, self.after)
        self.after = 0.0

    def need(self, height: float) -> None:
        """Start a new page unless `height` fits below."""
        if self.y - height < BOTTOM and not self.at_top:
            self.new_page()

    def done(self, after: float) -> None:
        self.after, self.at_top = after, False

    def _footer(self) -> None:
        c = self.canvas
        c.setFillColor(GREY)
        text, size = self.record.footer, 7.5
        while text and width_of(text, FONT, size) > WIDTH - 20 * mm:
            text = text[:-2].rstrip() + "…"
        c.setFont(FONT, size)
        c.drawString(LEFT, 10 * mm, text)
        c.drawRightString(PAGE_W - RIGHT, 10 * mm, f"{self.record.page_label} {c.getPageNumber()}".strip())

    # text
    def lines(self, lines: Sequence[Line], style: Style, x: float, baseline: float) -> None:
        """Draw lines with the first baseline at `baseline`."""
        text = self.canvas.beginText()
        text.setFillColor(style.color)
        self.put_lines(text, lines, style, x, baseline, None)
        self.canvas.drawText(text)

    def put_lines(self, text: object, lines: Sequence[Line], style: Style, x: float, baseline: float,
                  font: str | None) -> str | None:
        """Write lines into a text object whose current font is `font`; returns the font it ends with."""
        y = baseline
        for line in lines:
            text.setTextOrigin(x, y)
            cursor = x
            links = any(href for _, _, href in line.pieces)
            for piece, piece_font, href in line.pieces:
                if piece_font != font:
                    text.setFont(piece_font, style.size)
                    font = piece_font
                text.textOut(piece)
                if links:
                    w = width_of(piece, piece_font, style.size)
                    if href:
                        self.canvas.linkURL(href, (cursor, y - 0.25 * style.size, cursor + w, y + 0.8 * style.size))
                    cursor += w
            y -= style.leading
        return font

    def paragraph(self, runs: Iterable[Run] | str, style: Style, *, indent: float = 0.0,
                  bullet: str | None = None, gap: bool = True) -> None:
        """A paragraph that may run over to the next page line by line; gap=False: the caller opened the gap."""
        lines = wrap(runs, style, WIDTH - indent)
        if gap:
            self.space(style.before)
        else:
            self.after = 0.0
        first = True
        while lines:
            fit = max(0, int((self.y - BOTTOM) // style.leading))
            if fit == 0 or (first and fit < min(2, len(lines))):  # no lone first line at a page's foot
                if not self.at_top:
                    self.new_page()
                    continue
                fit = max(fit, 1)
            chunk, lines = lines[:fit], lines[fit:]
            baseline = self.y - style.size
            if bullet and first:
                self.canvas.setFillColor(style.color)
                self.canvas.setFont(style.font, style.size)
                self.canvas.drawString(LEFT + 2, baseline, bullet)
            self.lines(chunk, style, LEFT + indent, baseline)
            self.y -= style.leading * len(chunk)
            self.at_top, first = False, False
            if lines:
                self.new_page()
        self.done(style.after)


# --- blocks -----------------------------------------------------------------------------------


@dataclass
class Cell:
    lines: list[Line]
    style: Style


def _cells(contents: Sequence[Sequence[Run] | str], styles: Sequence[Style], widths: Sequence[float]) -> list[Cell]:
    return [Cell(wrap(content, style, w - 2 * PAD_X), style) for content, style, w in zip(contents, styles, widths)]


def _row_height(row: Sequence[Cell]) -> float:
    return max(len(cell.lines) * cell.style.leading for cell in row) + 2 * PAD_Y


def table(w: Writer, head: list[Cell] | None, rows: list[list[Cell]], widths: Sequence[float], *,
          fills: Sequence[Color | None] = (), grid: bool = True) -> None:
    """Rows that fit move whole to the next page (header repeated); a row taller than a page splits."""
    w.space(TABLE_BEFORE)
    head_h = _row_height(head) if head else 0.0
    w.need(head_h + (_row_height(rows[0]) if rows else 0))
    if head:
        _draw_row(w, head, widths, HEAD_BG, (), grid)
    for row in rows:
        height = _row_height(row)
        if w.y - height < BOTTOM:
            if height + head_h <= PAGE_H - TOP - BOTTOM:
                w.new_page()
                if head:
                    _draw_row(w, head, widths, HEAD_BG, (), grid)
            else:
                row = _split_row(w, row, widths, fills, grid, head)
        _draw_row(w, row, widths, None, fills, grid)
    w.done(TABLE_AFTER)


def _split_row(w: Writer, row: list[Cell], widths: Sequence[float], fills: Sequence[Color | None], grid: bool,
               head: list[Cell] | None) -> list[Cell]:
    """Draw as much of a very tall row as fits on each page; return what is left for the last page."""
    while _row_height(row) > w.y - BOTTOM:
        room = w.y - BOTTOM - 2 * PAD_Y
        part = [Cell(cell.lines[:max(0, int(room // cell.style.leading))], cell.style) for cell in row]
        if any(part_cell.lines for part_cell in part):
            _draw_row(w, part, widths, None, fills, grid)
        row = [Cell(cell.lines[len(p.lines):], cell.style) for cell, p in zip(row, part)]
        w.new_page()
        if head:
            _draw_row(w, head, widths, HEAD_BG, (), grid)
    return row


def _draw_row(w: Writer, row: Sequence[Cell], widths: Sequence[float], fill: Color | None,
              fills: Sequence[Color | None], grid: bool) -> None:
    """Backgrounds, then the grid, then the text of every cell in one text object."""
    c = w.canvas
    height = _row_height(row)
    top = w.y
    lefts = [LEFT + sum(widths[:i]) for i in range(len(widths))]
    for i, (x, width) in enumerate(zip(lefts, widths)):
        background = fill or (fills[i] if i < len(fills) else None)
        if background is not None:
            c.setFillColor(background)
            c.rect(x, top - height, width, height, stroke=0, fill=1)
    if grid:
        c.setStrokeColor(GREY)
        c.setLineWidth(0.5)
        for x, width in zip(lefts, widths):
            c.rect(x, top - height, width, height, stroke=1, fill=0)
    text = c.beginText()
    font, colour = None, None
    for cell, x in zip(row, lefts):
        if cell.lines:
            if cell.style.color != colour:
                colour = cell.style.color
                text.setFillColor(colour)
            font = w.put_lines(text, cell.lines, cell.style, x + PAD_X, top - PAD_Y - cell.style.size, font)
    c.drawText(text)
    w.y -= height
    w.at_top = False


def block(w: Writer, b: Block) -> None:
    if isinstance(b, Para):
        w.paragraph(b.runs, SMALL if b.small else BODY)
    elif isinstance(b, Heading):
        w.space(H3.before)
        w.need(25 * mm)  # a heading never ends a page: break early unless some lines fit below it
        w.paragraph(b.text, H3, gap=False)
    elif isinstance(b, Bullets):
        for i, item in enumerate(b.items, 1):
            w.paragraph(item, BULLET, indent=14, bullet=f"{i}." if b.ordered else "•")
    elif isinstance(b, Quote):
        quote(w, b.text)
    elif isinstance(b, Facts):
        facts(w, b.rows)
    elif isinstance(b, Table):
        columns = max(len(b.head), max((len(r) for r in b.rows), default=0))
        widths = [WIDTH * f for f in (b.widths or tuple(1 / columns for _ in range(columns)))]
        head = _cells(list(b.head) + [""] * (columns - len(b.head)), [HEAD] * columns, widths) if any(b.head) else None
        rows = [_cells(list(row) + [""] * (columns - len(row)), [CELL] * columns, widths) for row in b.rows]
        table(w, head, rows, widths)
    elif isinstance(b, Checklist):
        checklist(w, b.items)
    else:
        fill_in(w, b.labels)


def facts(w: Writer, rows: Sequence[tuple[str, Sequence[Run]]]) -> None:
    widths = (WIDTH * 0.3, WIDTH * 0.7)
    table(w, None, [_cells((key, value), (HEAD, CELL), widths) for key, value in rows], widths, fills=(KEY_BG, None))


def quote(w: Writer, text: str) -> None:
    """A text to copy exactly, in a shaded box; it stays on one page when it can."""
    pad = 5.0
    lines = wrap(text, BODY, WIDTH - 2 * pad)
    height = len(lines) * BODY.leading + 2 * pad
    w.space(4)
    if height <= PAGE_H - TOP - BOTTOM:
        w.need(height)
    while lines:
        fit = int((w.y - BOTTOM - 2 * pad) // BODY.leading)
        if fit < 1:
            if not w.at_top:
                w.new_page()
                continue
            fit = 1
        chunk, lines = lines[:fit], lines[fit:]
        box = len(chunk) * BODY.leading + 2 * pad
        c = w.canvas
        c.setFillColor(QUOTE_BG)
        c.setStrokeColor(GREY)
        c.setLineWidth(0.5)
        c.rect(LEFT, w.y - box, WIDTH, box, stroke=1, fill=1)
        w.lines(chunk, BODY, LEFT + pad, w.y - pad - BODY.size)
        w.y -= box
        w.at_top = False
        if lines:
            w.new_page()
    w.done(8)


def checklist(w: Writer, items: Sequence[Sequence[Run]]) -> None:
    box = 3.5 * mm
    column = 8 * mm
    w.space(TABLE_BEFORE)
    for item in items:
        lines = wrap(item, CELL, WIDTH - column - 2 * PAD_X)
        height = len(lines) * CELL.leading + PAD_Y + 4
        w.need(height)
        c = w.canvas
        c.setStrokeColor(black)
        c.setLineWidth(0.8)
        c.rect(LEFT, w.y - PAD_Y - box, box, box, stroke=1, fill=0)
        w.lines(lines, CELL, LEFT + column + PAD_X, w.y - PAD_Y - CELL.size)
        w.y -= height
        w.at_top = False
    w.done(TABLE_AFTER)


def fill_in(w: Writer, labels: Sequence[str]) -> None:
    """Labelled lines to write on, 10 mm apart."""
    row = 10 * mm
    label_w = WIDTH * 0.35
    w.space(TABLE_BEFORE)
    for label in labels:
        lines = wrap(label, CELL, label_w - 2 * PAD_X)
        w.need(row)
        bottom = w.y - row
        w.lines(lines, CELL, LEFT + PAD_X, bottom + PAD_Y + (len(lines) - 1) * CELL.leading + 2)
        c = w.canvas
        c.setStrokeColor(black)
        c.setLineWidth(0.8)
        c.line(LEFT + label_w, bottom, LEFT + WIDTH, bottom)
        w.y = bottom
        w.at_top = False
    w.done(TABLE_AFTER)


def internal_box(w: Writer, text: str) -> None:
    pad = 4.0
    lines = wrap(text, INTERNAL, WIDTH - 2 * pad)
    height = len(lines) * INTERNAL.leading + 2 * pad
    c = w.canvas
    c.setStrokeColor(GREY)
    c.setLineWidth(0.5)
    c.rect(LEFT, w.y - height, WIDTH, height, stroke=1, fill=0)
    w.lines(lines, INTERNAL, LEFT + pad, w.y - pad - INTERNAL.size)
    w.y -= height
    w.done(INTERNAL.after)


# --- the document -----------------------------------------------------------------------------


def _canvas(record: Record, out: io.BytesIO) -> Canvas:
    """A canvas whose PDF date and /ID come from the record's "Stand", not the clock.

    ReportLab's invariant mode still takes both from SOURCE_DATE_EPOCH when it is set; the records
    must not change with it (they are cached by their content), so both are fixed here."""
    c = Canvas(out, pagesize=A4, invariant=1, pageCompression=1, initialFontName=FONT, lang=record.lang)
    c.setTitle(record.title)
    c.setAuthor(record.business)
    c.setSubject(record.internal)
    c.setCreator("site-builder")
    c.setProducer("site-builder")
    doc = getattr(c, "_doc", None)
    ts = getattr(doc, "_timeStamp", None)
    if doc is not None and ts is not None and hasattr(doc, "signature"):
        stamp = dt.datetime(record.as_of.year, record.as_of.month, record.as_of.day, tzinfo=dt.timezone.utc)
        ts.t, ts.lt = stamp.timestamp(), stamp.timetuple()
        ts.YMDhms, ts.dhh, ts.dmm = tuple(stamp.timetuple())[:6], 0, 0
        doc.signature = hashlib.md5(f"site-builder record {record.as_of.isoformat()}".encode(), usedforsecurity=False)
    return c


def render_pdf(record: Record) -> bytes:
    """The record as an A4 PDF with the shipped fonts embedded; deterministic (no clock)."""
    out = io.BytesIO()
    w = Writer(record, out)
    internal_box(w, record.internal)
    w.paragraph(record.title, H1)
    facts(w, record.facts)
    for b in record.intro:
        block(w, b)
    for section in record.sections:
        if section.new_page:
            w.new_page()
        else:
            w.space(REF.before if section.ref else H2.before)
            w.need(35 * mm)  # a heading never ends a page: break early unless some lines fit below it
        if section.ref:
            w.paragraph(section.ref, REF, gap=False)
        w.paragraph(section.heading, H2, gap=False)
        for b in section.blocks:
            block(w, b)
    w._footer()
    w.canvas.showPage()
    w.canvas.save()
    return out.getvalue()

