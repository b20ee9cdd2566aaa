"""The consent register's data: rows, events, columns, message templates, text folding.

Imports nothing from the build, so the readers, the recogniser and the writers all share it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..problems import Problem
from .columns import CSV_COLUMNS

# The customer proves consent by sending the message the landing page prefilled, so the
# register is built from chat exports (Android/iOS, German/English, .txt or .zip).
#
# Row design (see `classify`):
# - every consent message gives one `consent` row; its `purposes` column lists the purpose ids
#   found in the message (e.g. `service;marketing`).
# - a consent message that includes the marketing purpose gives a SECOND row, event
#   `marketing_opt_in` (purposes `marketing`, same file/line), so that filtering the `event`
#   column for `marketing_opt_in`/`marketing_opt_out`/`withdrawal` gives the complete
#   marketing history of each sender; the latest of these rows decides.
# - `withdrawal` rows withdraw every purpose (purposes column empty = all purposes);
#   `marketing_opt_out` rows carry purposes `marketing`.
# - messages sent by the business itself are never counted: only a message the customer sent
#   proves the customer's consent (the business may have pasted the text as an example).
# - a message that matches a withdrawal or opt-out AND carries a consent token is read as the
#   withdrawal/opt-out only: when in doubt, the more restrictive reading wins.
# - the same chat exported twice (a March export and a later one holding March again, a .zip and
#   the .txt inside it) gives each row once: see `drop_repeated_rows`. The chat is named after the
#   export's file name, the only place WhatsApp writes it; copy marks such as " (1)" are dropped.

MARKETING_PURPOSE = "marketing"

# `source` of the rows read from a manual register row file (see `manual.py`).
SOURCE_MANUAL = "manual"

EVENT_CONSENT = "consent"
EVENT_MARKETING_OPT_IN = "marketing_opt_in"
EVENT_WITHDRAWAL = "withdrawal"
EVENT_MARKETING_OPT_OUT = "marketing_opt_out"


@dataclass(frozen=True)
class LanguageTemplates:
    """The prefilled message texts of one language (Python format strings)."""

    lang: str
    consent: str  # fields {business}, {purposes}, {version}
    withdrawal: str  # field {business}
    marketing_optout: str  # field {business}
    purpose_labels: dict[str, str]  # purpose id -> short label


@dataclass(frozen=True)
class KnownVersion:
    """A consent text version that was published at some time."""

    id: str
    lang: str
    date: str  # ISO date first published


DEFAULT_TEMPLATES: list[LanguageTemplates] = [
    LanguageTemplates(
        lang="de",
        consent="Hallo {business}, ich willige in WhatsApp-Kontakt ein für: {purposes}. (Einwilligung {version})",
        withdrawal="Ich widerrufe meine Einwilligung in WhatsApp-Kontakt mit {business}. STOP",
        marketing_optout="Bitte keine Werbung mehr per WhatsApp von {business}. STOP Werbung",
        purpose_labels={"service": "Anfragen & Aufträge", "marketing": "Angebote & Neuigkeiten"},
    ),
    LanguageTemplates(
        lang="en",
        consent="Hello {business}, I consent to WhatsApp contact for: {purposes}. (consent {version})",
        withdrawal="I withdraw my consent to WhatsApp contact with {business}. STOP",
        marketing_optout="Please no more marketing on WhatsApp from {business}. STOP marketing",
        purpose_labels={"service": "Enquiries & orders", "marketing": "Offers & news"},
    ),
]


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat export, continuation lines joined with newlines."""

    chat: str
    sender: str | None  # None for system lines without a sender (Android)
    date: str  # ISO YYYY-MM-DD
    time: str  # HH:MM or HH:MM:SS
    text: str
    file: str
    line: int  # 1-based line of the message header in the .txt
    is_system: bool = False


@dataclass(frozen=True, order=True)
class LineProblem(Problem):
    """A line or file of an export that could not be read: the one problem type, with its line number kept."""

    line: int | None = None

    @property
    def message(self) -> str:
        return self.what


def ReadProblem(file: str, line: int | None, message: str, severity: str = "error") -> LineProblem:  # noqa: N802
    """A problem at a line of an export (line None: the whole file), worded `<file>: line N: <what>`."""
    from ..messages import t  # the catalogue words only "line N" / "file"

    where = t("register.where_line", line=line) if line is not None else t("register.where_file")
    return LineProblem(file, where, message, "", severity, line)


# The `source` column writes a QR code's source as it follows the id in the message, "/r": a code is 1-8 letters
# or digits, and "1" or "12345e67" alone would be read as a number by a spreadsheet (issue 20), "/1" is text.
SOURCE_MARK = "/"


def source_cell(source: str) -> str:
    """The `source` column's text for a row's source: "/r" for the QR code r, "manual" for hand-written rows."""
    return SOURCE_MARK + source if source and source != SOURCE_MANUAL else source


def source_of_cell(cell: str) -> str:
    """A row's source from the `source` column (written "/r" since issue 20, "r" before)."""
    return cell.removeprefix(SOURCE_MARK)


@dataclass(frozen=True)
class RegisterRow:
    """One row of the consent register (the CSV columns, in order)."""

    chat: str
    sender: str
    date: str
    time: str
    event: str
    consent_id: str = ""
    source: str = ""
    purposes: str = ""  # purpose ids joined with ";"; empty on withdrawal = all purposes
    version_status: str = ""
    lang: str = ""
    file: str = ""
    line: int = 0
    # A row kept from an earlier register keeps its labels as written then; None: from `labels` when written.
    purposes_label: str | None = None
    # the message as the customer wrote it (consents, withdrawals and opt-outs only): the proof in their words
    message: str = ""

    def as_dict(self, labels: dict[str, str] | None = None) -> dict[str, str]:
        """The row as CSV column -> text; `purposes_label` from `labels` (purpose id -> label)."""
        cells = {name: str(getattr(self, name)) for name in CSV_COLUMNS if name != "purposes_label"}
        cells["source"] = source_cell(self.source)
        if self.purposes_label is not None:
            cells["purposes_label"] = self.purposes_label
        else:
            ids = [p for p in self.purposes.split(";") if p]
            cells["purposes_label"] = "; ".join((labels or {}).get(p, p) for p in ids)
        return {name: cells[name] for name in CSV_COLUMNS}


# --- text normalisation -------------------------------------------------------------------

# Real exports carry direction marks around names, numbers and system texts; they are invisible
# but break matching, so they are removed. Narrow/no-break spaces (before AM/PM, in numbers) become spaces.
_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u200b"))
_SPACES = {ord(c): " " for c in "\u00a0\u202f\u2007\u2009"}


_SPECIAL = re.compile("[" + "".join(map(chr, [*_INVISIBLE, *_SPACES])) + "]")


def clean(text: str) -> str:
    """Drop invisible direction marks and turn special spaces into plain spaces."""
    # str.translate with a table is slow per character; most lines need nothing (a 300,000-line export
    # spent most of its time here), so the regex search decides first.
    if text.isascii() or _SPECIAL.search(text) is None:
        return text
    return text.translate(_INVISIBLE).translate(_SPACES)


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "\u2010": "-", "\u2011": "-",
                       "\u2013": "-", "\u2014": "-", "’": "'"})


_FOLDED = re.compile("[" + "".join(map(chr, _FOLD)) + "]")


def fold(text: str) -> str:
    """Casefold, spell out umlauts and collapse whitespace, so edited drafts still match."""
    text = clean(text).casefold()
    if _FOLDED.search(text) is not None:
        text = text.translate(_FOLD)
    return " ".join(text.split())
