"""Manual register rows: consents proved by a screenshot when a chat cannot be exported.

With WhatsApp's "advanced chat privacy" a customer can block exports of a chat (issue 11, gap 4), so
the owner keeps a screenshot of the customer's message and writes the row by hand, in a CSV with the
register's own columns (the file `consents` writes is a valid example). Required: chat, sender, date,
time, event; consent_id and purposes (ids; `,` between them, or `;` in quotes) for consent and
marketing_opt_in rows; the other columns
may be missing or empty. Semicolon or comma separated, UTF-8 (with or without BOM). Each row read is
marked `source = manual` in the register; a bad row is reported with file and line and left out."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

from .model import (CSV_COLUMNS, EVENT_CONSENT, EVENT_MARKETING_OPT_IN, EVENT_MARKETING_OPT_OUT,
                    EVENT_WITHDRAWAL, SOURCE_MANUAL, ReadProblem, RegisterRow)
from .parse import read_problem
from .recognise import Recognizer

REQUIRED = ("chat", "sender", "date", "time", "event")
EVENTS = (EVENT_CONSENT, EVENT_MARKETING_OPT_IN, EVENT_WITHDRAWAL, EVENT_MARKETING_OPT_OUT)
MAX_BYTES = 16 * 1024 * 1024  # hand-written rows: thousands are a few hundred KB
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
_ID = re.compile(r"^[0-9a-f]{8}$")


def is_manual_file(path: Path) -> bool:
    """A manual row file is a .csv; chat exports are .txt or .zip."""
    return path.suffix.lower() == ".csv"


def _date(text: str) -> str | None:
    """ISO date from YYYY-MM-DD or the German DD.MM.YYYY, or None."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def read_manual_rows(path: Path, recognizer: Recognizer, problems: list[ReadProblem]) -> list[RegisterRow]:
    """The rows of one manual row file; problems (file and line) are appended to `problems`."""
    name = path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            problems.append(read_problem(name, None, "register.manual_too_big", mb=MAX_BYTES // 2**20))
            return []
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(read_problem(name, None, "register.not_utf8", byte=exc.start))
        return []
    except OSError as exc:
        problems.append(read_problem(name, None, "register.cannot_read", why=exc.strerror or exc))
        return []
    head = text.split("\n", 1)[0]
    reader = csv.DictReader(text.splitlines(keepends=True),
                            delimiter=";" if head.count(";") >= head.count(",") else ",")
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(read_problem(name, 1, "register.manual_columns", missing=", ".join(missing),
                                     columns=", ".join(CSV_COLUMNS)))
        return []
    reader.fieldnames = columns
    rows: list[RegisterRow] = []
    for record in reader:
        values = {k: (v or "").strip() for k, v in record.items() if isinstance(k, str)}
        if not any(values.values()):
            continue
        if record.get(None):  # type: ignore[call-overload]  # fields beyond the header's columns
            # "service;marketing" unquoted in a ;-separated file splits into two fields: never guess
            problems.append(read_problem(name, reader.line_num, "register.manual_extra_fields",
                                         n=len(columns), extra=";".join(record[None])))  # type: ignore[index]
            continue
        row = _row(values, name, reader.line_num, recognizer, problems)
        if row is not None:
            rows.append(row)
    return rows


def _row(values: dict[str, str], name: str, line: int, recognizer: Recognizer,
         problems: list[ReadProblem]) -> RegisterRow | None:
    """One checked row, or None with its problem reported."""
    def bad(key: str, **fields: object) -> None:
        problems.append(read_problem(name, line, key, **fields))

    empty = [c for c in REQUIRED if not values.get(c)]
    if empty:
        return bad("register.manual_empty", columns=", ".join(empty))
    iso = _date(values["date"])
    if iso is None or iso > date.today().isoformat():
        return bad("register.manual_date", value=values["date"])
    time = values["time"]
    if not _TIME.match(time):
        return bad("register.manual_time", value=time)
    event = values["event"]
    if event not in EVENTS:
        return bad("register.manual_event", value=event, events=", ".join(EVENTS))
    consent_id = values.get("consent_id", "").lower()
    if consent_id and not _ID.match(consent_id):
        return bad("register.manual_consent_id", value=values["consent_id"])
    # ids separated by ";" (as the register writes them, quoted in a ;-file), "," or spaces
    purposes = [p for p in re.split(r"[;,\s]+", values.get("purposes", "")) if p]
    unknown = [p for p in purposes if p not in recognizer.purpose_order]
    if unknown:
        return bad("register.manual_purposes", value=", ".join(unknown), known=", ".join(recognizer.purpose_order))
    if event in (EVENT_CONSENT, EVENT_MARKETING_OPT_IN):
        if not consent_id:
            return bad("register.manual_no_consent_id", event=event)
        if not purposes:
            return bad("register.manual_no_purposes", event=event)
    return RegisterRow(
        chat=values["chat"], sender=values["sender"], date=iso, time=time, event=event, consent_id=consent_id,
        source=SOURCE_MANUAL, purposes=";".join(purposes),
        version_status=recognizer.version_status(consent_id) if consent_id else "",
        lang=values.get("lang", ""), file=name, line=line)
