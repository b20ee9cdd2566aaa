"""Parsing one chat export's text (Android or iOS, German or English) into messages, as a stream."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path
from typing import Callable, Container, Iterable, Iterator

from ..messages import t
from .model import ChatMessage, ReadProblem, clean

# An export is read twice line by line instead of being held in memory: the first pass only collects
# the evidence for the day/month order of its dates (it holds for the whole file), the second yields
# messages one by one. So a 300,000-line export needs little memory (benchmarks/register_figures.py).
Lines = Callable[[], Iterable[str]]  # each call gives the file's lines again, without line ends


def read_problem(file: str, line: int | None, key: str, warning: bool = False, **fields: object) -> ReadProblem:
    """A problem worded by the catalogue entry `key` (a plain string of `register.toml`)."""
    return ReadProblem(file, line, t(key, **fields), "warning" if warning else "error")


_DATE = r"(?P<d1>\d{1,2})(?P<sep>[./-])(?P<d2>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s*(?P<ampm>[ap]\.?\s?m\.?))?"
_ANDROID_HEADER = re.compile(r"^" + _DATE + r",?\s+" + _TIME + r"\s+-\s(?P<rest>.*)$", re.IGNORECASE)
_IOS_HEADER = re.compile(r"^\[" + _DATE + r",?\s+" + _TIME + r"\]\s?(?P<rest>.*)$", re.IGNORECASE)
# Looks like a header (date, comma, time at line start) but is not one: kept, with a warning.
_HEADER_LIKE = re.compile(r"^\[?\d{1,2}[./-]\d{1,2}[./-]\d{2,4},\s*\d{1,2}:\d{2}")
_SENDER = re.compile(r"^(?P<sender>[^:\n]{1,100}?):\s(?P<text>.*)$", re.DOTALL)

_IOS_SYSTEM_MARK = re.compile(r"^[\u200e\s]*\[[^\]]*\][^:]*:\s\u200e")

# System notices that iOS files under the contact's name; Android has no sender for them.
_SYSTEM_TEXTS = re.compile(
    r"^(messages and calls are end-to-end encrypted|nachrichten und anrufe sind ende-zu-ende-verschl"
    r"|messages to this chat and calls are now secured|.*\bsecurity code (changed|with)\b"
    r"|.*\bsicherheitsnummer\b)",
    re.IGNORECASE,
)


@dataclass
class _Header:
    """A message header line before its date order is known."""

    line: int
    d1: int
    d2: int
    year: int
    sep: str
    hour: int
    minute: int
    second: str | None
    ampm: str
    rest: str
    raw: str
    date_text: str
    continuation: list[str] = field(default_factory=list)
    ios_system_mark: bool = False


# Marks that browsers and file managers add to a second download or copy of a file:
# "X (1).zip" (Chrome, Windows), "X(1).zip" (Firefox), "X - Kopie.zip" / "X - Copy (2).zip"
# (Windows Explorer), "X Kopie.zip" / "X copy 2.zip" (macOS Finder). A bare trailing number
# ("X 2") is not dropped: chat names are often phone numbers or end in one ("Filiale 2").
_COPY_MARK = re.compile(
    r"(?:\s*\(\d{1,3}\)|\s+-\s+(?:copy|kopie)|\s+(?:copy|kopie)(?:\s+\d{1,3})?)$", re.IGNORECASE)


def _drop_copy_marks(name: str) -> str:
    """A chat name without the copy marks a second download or copy of its export got."""
    while (shorter := _COPY_MARK.sub("", name).rstrip()) != name and shorter:
        name = shorter
    return name


def chat_name_from_filename(path: Path) -> str:
    """Chat name from an export's file name ("WhatsApp Chat with X.txt", "WhatsApp-Chat mit X.zip", ...).

    WhatsApp writes the chat's name only into the file name, so two exports of one chat are told
    apart from other chats by it: copy marks ("X (1).zip") are dropped and the name is put into
    Unicode NFC (macOS may hand over "ü" as "u" plus a combining mark), so they give the same name."""
    name = unicodedata.normalize("NFC", path.name)
    stem = name
    for ext in (".txt", ".zip"):
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
            break
    if stem == "_chat":
        # iOS names every export _chat.txt; macOS unzips it into a folder named after the chat.
        stem = unicodedata.normalize("NFC", path.parent.name)
    stem = re.sub(r"^WhatsApp[\s-]*Chat(?:\s+(?:with|mit)\s+|\s*-\s*|\s+)", "", stem, flags=re.IGNORECASE)
    return _drop_copy_marks(stem.strip()) or name


def _parse_header(raw: str, line_no: int) -> _Header | None:
    """The header fields of a line that starts a new message, or None."""
    line = clean(raw).lstrip()
    # Most continuation lines start with a letter: no regex needed to see they are no header.
    if not line or not (line[0] == "[" or line[0].isdigit()):
        return None
    ios = line.startswith("[")
    m = (_IOS_HEADER if ios else _ANDROID_HEADER).match(line)
    if not m:
        return None
    rest = m.group("rest")
    # iOS marks system notices and media placeholders with a U+200E right after "Name: ".
    ios_mark = ios and _IOS_SYSTEM_MARK.match(raw) is not None
    year = int(m.group("year"))
    return _Header(
        line=line_no, d1=int(m.group("d1")), d2=int(m.group("d2")),
        year=year + 2000 if year < 100 else year, sep=m.group("sep"),
        hour=int(m.group("hour")), minute=int(m.group("minute")), second=m.group("second"),
        ampm=(m.group("ampm") or "").replace(".", "").replace(" ", "").lower(), rest=rest, raw=raw.strip(),
        ios_system_mark=ios_mark, date_text=f"{m.group('d1')}{m.group('sep')}{m.group('d2')}{m.group('sep')}{m.group('year')}",
    )


@dataclass
class _Order:
    """What the dates of one file say about their day/month order, collected header by header."""

    count: int = 0
    sep: str = ""
    ampm: bool = False
    day_n: int = 0
    day_line: int = 0
    month_n: int = 0
    month_line: int = 0
    ambiguous: _Header | None = None

    def add(self, raw: str, line_no: int) -> None:
        """Count the date of a line if it starts a message (a cheap look first: most lines do not)."""
        line = clean(raw).lstrip()
        if not line or not (line[0] == "[" or line[0].isdigit()):
            return
        m = (_IOS_HEADER if line[0] == "[" else _ANDROID_HEADER).match(line)
        if m is None:
            return
        d1, d2 = int(m.group("d1")), int(m.group("d2"))
        if not self.count:
            self.sep = m.group("sep")
        self.count += 1
        self.ampm = self.ampm or bool(m.group("ampm"))
        if 12 < d1 <= 31 and d2 <= 12:
            self.day_n += 1
            self.day_line = self.day_line or line_no
        elif 12 < d2 <= 31 and d1 <= 12:
            self.month_n += 1
            self.month_line = self.month_line or line_no
        elif self.ambiguous is None and d1 != d2 and d1 <= 12 and d2 <= 12:
            self.ambiguous = _parse_header(raw, line_no)

    def decide(self, file: str) -> tuple[bool, list[ReadProblem]]:
        """The day/month order of the file; a warning when it had to be assumed or the dates disagree."""
        if self.day_n and not self.month_n:
            return True, []
        if self.month_n and not self.day_n:
            return False, []
        if self.sep == ".":
            hint_first, why = True, t("register.why_dots")
        elif self.ampm:
            hint_first, why = False, t("register.why_ampm")
        else:
            hint_first, why = True, t("register.why_slash")
        if self.day_n and self.month_n:
            # Some lines are garbled; trust the majority and let the rest fail as invalid dates.
            first = self.day_n > self.month_n if self.day_n != self.month_n else hint_first
            return first, [read_problem(
                file, self.day_line if first else self.month_line, "register.dates_disagree", warning=True,
                day_line=self.day_line, month_line=self.month_line, order=_order_name(first))]
        # Dotted dates are German day.month.year: WhatsApp never writes month.day.year with dots, so
        # an export with only ambiguous dotted dates needs no warning (issue 12).
        if self.ambiguous is None or self.sep == ".":
            return hint_first, []
        h = self.ambiguous
        return hint_first, [read_problem(file, h.line, "register.ambiguous_dates", warning=True, example=h.date_text,
                                         order=_order_name(hint_first), why=why)]


def _order_name(day_first: bool) -> str:
    return "day-first" if day_first else "month-first"


def _resolve(h: _Header, day_first: bool) -> tuple[str, str] | None:
    """ISO date and time of a header, or None if they are not a real date/time."""
    day, month = (h.d1, h.d2) if day_first else (h.d2, h.d1)
    try:
        iso = _date(h.year, month, day).isoformat()
    except ValueError:
        return None
    hour = h.hour
    if h.ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if h.ampm.startswith("p") else 0)
    if hour > 23 or h.minute > 59 or (h.second is not None and int(h.second) > 59):
        return None
    time = f"{hour:02d}:{h.minute:02d}" + (f":{h.second}" if h.second is not None else "")
    return iso, time


def split_lines(text: str) -> list[str]:
    """Lines of a text, split only on real line ends: str.splitlines would also split inside messages
    on U+2028 and the like."""
    return re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))


def iter_chat(lines: Lines, file: str, chat: str, problems: list[ReadProblem],
              skip: Container[int] = ()) -> Iterator[ChatMessage]:
    """The messages of one export, one by one; problems are appended to `problems` as they are found.
    A message with a line in `skip` (a line that could not be decoded, reported by the reader) is left out."""
    order = _Order()
    for line_no, raw in enumerate(lines(), start=1):
        order.add(raw, line_no)
    if not order.count:
        problems.append(read_problem(file, None, "register.no_messages"))
        return
    day_first, order_problems = order.decide(file)
    problems.extend(order_problems)
    current: _Header | None = None
    for line_no, raw in enumerate(lines(), start=1):
        header = _parse_header(raw, line_no)
        if header is not None:
            if current is not None and (msg := _message(current, day_first, file, chat, problems, skip)):
                yield msg
            current = header
            continue
        if current is not None:
            if _HEADER_LIKE.match(clean(raw).lstrip()):
                problems.append(read_problem(file, line_no, "register.header_like", warning=True, start=current.line,
                                             text=raw.strip()[:80]))
            current.continuation.append(raw)
        elif raw.strip():
            problems.append(read_problem(file, line_no, "register.text_before_first", text=raw.strip()[:80]))
    if current is not None and (msg := _message(current, day_first, file, chat, problems, skip)):
        yield msg


def _message(h: _Header, day_first: bool, file: str, chat: str, problems: list[ReadProblem],
             skip: Container[int] = ()) -> ChatMessage | None:
    """The message a header and its continuation lines make, or None (reported) for an invalid date or a
    line in `skip`."""
    if skip and any(line in skip for line in range(h.line, h.line + len(h.continuation) + 1)):
        return None
    resolved = _resolve(h, day_first)
    if resolved is None:
        key = "register.invalid_date_more" if h.continuation else "register.invalid_date"
        problems.append(read_problem(file, h.line, key, n=len(h.continuation), text=h.raw[:120]))
        return None
    # The message body is the header's rest plus continuation lines; trailing blank lines are layout.
    body = clean("\n".join([h.rest, *h.continuation])).rstrip()
    iso, time = resolved
    m = _SENDER.match(body)
    sender, msg = (m.group("sender").strip(), m.group("text")) if m else (None, body)
    is_system = sender is None or h.ios_system_mark or bool(_SYSTEM_TEXTS.match(msg.strip()))
    return ChatMessage(chat=chat, sender=sender, date=iso, time=time, text=msg, file=file, line=h.line,
                       is_system=is_system)


def parse_chat_text(text: str, file: str, chat: str) -> tuple[list[ChatMessage], list[ReadProblem]]:
    """Parse the text of one export into messages; report lines that cannot be placed."""
    lines = split_lines(text)
    problems: list[ReadProblem] = []
    messages = list(iter_chat(lambda: lines, file, chat, problems))
    return messages, problems
