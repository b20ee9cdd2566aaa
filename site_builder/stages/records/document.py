"""The records' data structure: a record is sections of blocks (paragraphs, tables, lists, ...) built from
plain values, so that it can be compared, digested and rendered to HTML and PDF alike. Imports nothing
from the rest of the package."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Union


@dataclass(frozen=True)
class Run:
    """A piece of inline text: plain, bold, or a link."""

    text: str
    bold: bool = False
    href: str | None = None


Rich = tuple[Run, ...]


def rich(*parts: str | Run) -> Rich:
    """Inline text from strings and runs."""
    return tuple(p if isinstance(p, Run) else Run(str(p)) for p in parts if p != "")


def link(url: str, text: str | None = None) -> Run:
    return Run(text or url, href=url)


@dataclass(frozen=True)
class Para:
    runs: Rich
    small: bool = False


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[Rich, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Facts:
    """A key/value table."""

    rows: tuple[tuple[str, Rich], ...]


@dataclass(frozen=True)
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[Rich, ...], ...]
    widths: tuple[float, ...] = ()  # fractions of the text width; empty: equal
    row_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A text to copy exactly, line breaks kept."""

    text: str


@dataclass(frozen=True)
class Checklist:
    """Boxes to tick by hand."""

    items: tuple[Rich, ...]


@dataclass(frozen=True)
class FillIn:
    """Labelled lines to write on."""

    labels: tuple[str, ...]


Block = Union[Para, Heading, Bullets, Facts, Table, Quote, Checklist, FillIn]


@dataclass(frozen=True)
class RecordSection:
    id: str
    heading: str
    blocks: tuple[Block, ...]
    ref: str = ""  # the article it answers, e.g. "Art. 30 Abs. 1 S. 2 lit. a DSGVO"
    new_page: bool = False  # e.g. a form to hand out on its own sheet


@dataclass(frozen=True)
class Record:
    slug: str
    lang: str
    title: str
    business: str
    facts: tuple[tuple[str, Rich], ...]  # Stand, version, ... shown under the title
    intro: tuple[Block, ...]
    sections: tuple[RecordSection, ...]
    footer: str
    internal: str  # the "do not publish" line
    as_of: dt.date  # "Stand": also the PDF's date
    page_label: str = ""  # the word before each page number in the PDF's footer ("Seite")


def runs_text(runs: Iterable[Run]) -> str:
    return "".join(r.text for r in runs)


def block_text(block: Block) -> str:
    """The visible text of a block, for checks and tests."""
    if isinstance(block, Para):
        return runs_text(block.runs)
    if isinstance(block, Heading):
        return block.text
    if isinstance(block, (Bullets, Checklist)):
        return "\n".join(runs_text(i) for i in block.items)
    if isinstance(block, Facts):
        return "\n".join(f"{k}: {runs_text(v)}" for k, v in block.rows)
    if isinstance(block, Table):
        return "\n".join(" | ".join(runs_text(c) for c in row) for row in block.rows)
    if isinstance(block, Quote):
        return block.text
    return "\n".join(block.labels)


def section_text(section: RecordSection) -> str:
    return "\n".join(block_text(b) for b in section.blocks).strip()


def record_items(record: Record) -> dict[str, str]:
    """Every addressable item of a record (sections and table rows with ids) with its text."""
    found: dict[str, str] = {}
    for section in record.sections:
        found[section.id] = section_text(section)
        for block in section.blocks:
            if isinstance(block, Table):
                for row_id, row in zip(block.row_ids, block.rows):
                    found[row_id] = " | ".join(runs_text(c) for c in row).strip()
    return found


def section_hrefs(section: RecordSection) -> list[str]:
    """Every link target in a section."""
    out: list[str] = []
    for block in section.blocks:
        groups: list[Rich] = []
        if isinstance(block, Para):
            groups = [block.runs]
        elif isinstance(block, (Bullets, Checklist)):
            groups = list(block.items)
        elif isinstance(block, Facts):
            groups = [v for _, v in block.rows]
        elif isinstance(block, Table):
            groups = [cell for row in block.rows for cell in row]
        out += [run.href for runs in groups for run in runs if run.href]
    return out


@dataclass(frozen=True)
class RecordJob:
    """One record to draw, and where: its path below output/ without suffix."""

    path: str
    record: Record

    @property
    def files(self) -> tuple[str, ...]:
        """HTML and PDF; the way in (records/index) is a page of links, not a document to file: HTML only."""
        return (self.path + ".html",) if self.record.slug == "entry" else (self.path + ".html", self.path + ".pdf")
