"""Manual register rows: consents proved by a screenshot when a chat cannot be exported.

With WhatsApp's "advanced chat privacy" a customer can block exports of a chat (issue 11, gap 4), so
the owner keeps a screenshot of the customer's message and writes the row by hand, in a CSV with the
register's own columns (the file `consents` writes is a valid example: there, rows with an empty `file`
column are the hand-written ones). Required: chat, sender, date, time, event; consent_id and purposes
(ids; `,` between them, or `;` in quotes) for consent and marketing_opt_in rows; the other columns may be
missing or empty; `message` holds the customer's words as the screenshot shows them. Each row read is marked
`source = manual` in the register; a bad row is reported with file and line and left out. Reading the files
(CSV or XLSX) is `tables.py`'s; this module checks a row."""

from __future__ import annotations

import re
from datetime import date, datetime

from ..consent import canonical_id
from .model import (EVENT_CONSENT, EVENT_MARKETING_OPT_IN, EVENT_MARKETING_OPT_OUT,
                    EVENT_WITHDRAWAL, SOURCE_MANUAL, ReadProblem, RegisterRow)
from .parse import read_problem
from .recognise import Recognizer

REQUIRED = ("chat", "sender", "date", "time", "event")
EVENTS = (EVENT_CONSENT, EVENT_MARKETING_OPT_IN, EVENT_WITHDRAWAL, EVENT_MARKETING_OPT_OUT)
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")


def manual_date(text: str) -> str | None:
    """ISO date from YYYY-MM-DD or the German DD.MM.YYYY, or None."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def manual_row(values: dict[str, str], name: str, line: int, recognizer: Recognizer,
               problems: list[ReadProblem]) -> RegisterRow | None:
    """One checked hand-written row (marked `manual`), or None with its problem reported."""
    def bad(key: str, **fields: object) -> None:
        problems.append(read_problem(name, line, key, **fields))

    empty = [c for c in REQUIRED if not values.get(c)]
    if empty:
        return bad("register.manual_empty", columns=", ".join(empty))
    iso = manual_date(values["date"])
    if iso is None or iso > date.today().isoformat():
        return bad("register.manual_date", value=values["date"])
    time = values["time"]
    if not _TIME.match(time):
        return bad("register.manual_time", value=time)
    event = values["event"]
    if event not in EVENTS:
        return bad("register.manual_event", value=event, events=", ".join(EVENTS))
    consent_id = values.get("consent_id", "")
    if consent_id and canonical_id(consent_id) is None:
        return bad("register.manual_consent_id", value=values["consent_id"])
    consent_id = canonical_id(consent_id) or ""  # "3f2a9c1b" from a message sent before ids got their letter too
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
        lang=values.get("lang", ""), file=name, line=line, message=values.get("message", ""))
