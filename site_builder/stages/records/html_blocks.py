"""The sanitised HTML of a content text (privacy notice, consent wording) as record blocks, split at each <h2>.

Used by the records (which reprint the privacy notice and the consent wording) and by the Art. 13
completeness check; it depends on the data structure only."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from .document import Block, Bullets, Heading, Para, Rich, Run, RecordSection, Table, runs_text


class _HtmlBlocks(HTMLParser):
    """Turns the (already sanitised) HTML of a content text into blocks, split at each <h2>."""

    INLINE_BLOCKS = {"p", "h2", "h3", "h4", "address", "blockquote", "dt", "dd", "div"}

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.sections: list[tuple[str, str, list[Block]]] = [("", "", [])]
        self.runs: list[Run] | None = None
        self.kind = ""
        self.bold = 0
        self.hrefs: list[str | None] = []
        self.lists: list[tuple[bool, list[Rich]]] = []
        self.li_depth = 0
        self.table: list[list[Rich]] | None = None
        self.head_row = False
        self.pending_id = ""

    # inline collection
    def _start(self, kind: str) -> None:
        self._flush()
        self.runs, self.kind = [], kind

    def _flush(self) -> None:
        if self.runs is None:
            return
        runs, kind = _tidy(self.runs), self.kind
        self.runs, self.kind = None, ""
        blocks = self.sections[-1][2]
        if kind == "h2":
            self.sections.append((self.pending_id, runs_text(runs), []))
        elif kind in ("h3", "h4") and runs:
            blocks.append(Heading(runs_text(runs)))
        elif kind == "li":
            if runs and self.lists:
                self.lists[0][1].append(((Run("– "),) if len(self.lists) > 1 else ()) + runs)
        elif kind == "cell":
            if self.table is not None:
                self.table[-1].append(runs)
        elif runs:
            blocks.append(Para(runs))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("strong", "b"):
            self.bold += 1
        elif tag == "a":
            href = a.get("href")
            if href and not urlsplit(href).scheme and not href.startswith("#"):
                href = urljoin(self.base, href)  # the records live elsewhere: links point at the published site
            self.hrefs.append(href)
        elif tag == "br":
            if self.runs is not None:
                self.runs.append(Run("\n"))
        elif tag in ("ul", "ol"):
            if self.kind == "li":
                self._flush()
            self.lists.append((tag == "ol", []))
        elif tag == "li":
            self.li_depth += 1
            self._start("li")
        elif tag == "table":
            self._flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.head_row = self.head_row or (tag == "th" and len(self.table) == 1)
            self._start("cell")
        elif tag in self.INLINE_BLOCKS:
            if self.li_depth and self.runs is not None:
                if self.runs:
                    self.runs.append(Run("\n"))
                return  # paragraphs inside a list item stay in the item
            self.pending_id = a.get("id") or ""
            self._start(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag == "a":
            if self.hrefs:
                self.hrefs.pop()
        elif tag == "li":
            self._flush()
            self.li_depth = max(0, self.li_depth - 1)
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                ordered, items = self.lists.pop()
                if not self.lists and items:
                    self.sections[-1][2].append(Bullets(tuple(items), ordered))
                elif self.lists:
                    self.lists[-1][1].extend(items)
            if self.li_depth:
                self._start("li")  # text after a nested list continues the outer item
        elif tag in ("td", "th"):
            self._flush()
        elif tag == "table" and self.table is not None:
            rows = [tuple(r) for r in self.table if r]
            head = tuple(runs_text(c) for c in rows[0]) if rows and self.head_row else ()
            body = rows[1:] if head else rows
            self.sections[-1][2].append(Table(head, tuple(body)))
            self.table, self.head_row = None, False
        elif tag in self.INLINE_BLOCKS and not self.li_depth:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.runs is None:
            if not data.strip():
                return
            self._start("p")
        href = self.hrefs[-1] if self.hrefs else None
        self.runs.append(Run(data, bool(self.bold), href))

    def result(self) -> tuple[tuple[Block, ...], tuple[RecordSection, ...]]:
        self._flush()
        intro = tuple(self.sections[0][2])
        return intro, tuple(RecordSection(sid, heading, tuple(blocks)) for sid, heading, blocks in self.sections[1:])


def _tidy(runs: list[Run]) -> Rich:
    """Collapse HTML whitespace, drop it around line breaks and at the ends; merge equal neighbours."""
    out: list[Run] = []
    for run in runs:
        text = run.text if run.text == "\n" else re.sub(r"\s+", " ", run.text)
        if out and out[-1].bold == run.bold and out[-1].href == run.href and "\n" not in (text, out[-1].text):
            out[-1] = Run(out[-1].text + text, run.bold, run.href)
        else:
            out.append(Run(text, run.bold, run.href))
    # strip spaces next to line breaks and at both ends
    cleaned: list[Run] = []
    for i, run in enumerate(out):
        text = run.text
        if text != "\n":
            if i == 0 or out[i - 1].text == "\n":
                text = text.lstrip()
            if i == len(out) - 1 or out[i + 1].text == "\n":
                text = text.rstrip()
        if text:
            cleaned.append(Run(text, run.bold, run.href))
    while cleaned and cleaned[0].text == "\n":
        cleaned.pop(0)
    while cleaned and cleaned[-1].text == "\n":
        cleaned.pop()
    return tuple(cleaned)


def html_sections(source: str, base: str = "") -> tuple[tuple[Block, ...], tuple[RecordSection, ...]]:
    """The blocks before the first <h2>, and one section per <h2> (its id kept)."""
    parser = _HtmlBlocks(base)
    parser.feed(source)
    parser.close()
    return parser.result()


def html_blocks(source: str, base: str = "") -> tuple[Block, ...]:
    """All blocks of an HTML fragment, <h2> headings as headings."""
    intro, sections = html_sections(source, base)
    out = list(intro)
    for section in sections:
        out.append(Heading(section.heading))
        out.extend(section.blocks)
    return tuple(out)


