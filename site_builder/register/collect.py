"""From messages to register rows: classify customer messages, drop rows read twice, merge registers."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..problems import Problem
from .model import (EVENT_CONSENT, EVENT_MARKETING_OPT_IN, MARKETING_PURPOSE, ChatMessage, ReadProblem,
                    RegisterRow)
from .parse import read_problem
from .read import iter_export
from .recognise import Recognizer
from .tables import is_manual_file, read_manual_rows


def classify(messages: Iterable[ChatMessage], recognizer: Recognizer,
             unclear: list[ChatMessage] | None = None) -> list[RegisterRow]:
    """Register rows for the consent, opt-out and withdrawal messages sent by customers, each with the message as
    the customer wrote it (the proof survives deleting the chat). Stop-like messages that are not clear go to
    `unclear`, for the owner to read; they give no row."""
    rows: list[RegisterRow] = []
    for msg in messages:
        if msg.is_system or msg.sender is None or recognizer.is_own(msg.sender):
            continue
        found, stop_like = recognizer.read(msg.text)
        if found is None:
            if unclear is not None and stop_like:
                unclear.append(msg)
            continue
        common = dict(chat=msg.chat, sender=msg.sender, date=msg.date, time=msg.time,
                      lang=found.lang, file=msg.file, line=msg.line, message=msg.text)
        if found.event == EVENT_CONSENT:
            status = recognizer.version_status(found.consent_id)
            rows.append(RegisterRow(event=EVENT_CONSENT, consent_id=found.consent_id, source=found.source,
                                    purposes=";".join(found.purposes), version_status=status, **common))
            if MARKETING_PURPOSE in found.purposes:
                rows.append(RegisterRow(event=EVENT_MARKETING_OPT_IN, consent_id=found.consent_id,
                                        source=found.source, purposes=MARKETING_PURPOSE,
                                        version_status=status, **common))
        else:
            rows.append(RegisterRow(event=found.event, purposes=";".join(found.purposes), **common))
    return rows


RowKey = tuple[str, str, str, str, str, str]


def row_key(row: RegisterRow) -> RowKey:
    """What makes two rows the same record: chat, sender, date, time, event and consent id."""
    return (row.chat, row.sender, row.date, row.time, row.event, row.consent_id)


def drop_repeated_rows(
    rows: list[RegisterRow], collected: dict[RowKey, list[str]], source: str | None = None
) -> tuple[list[RegisterRow], dict[str, int]]:
    """The rows of one export that earlier exports did not already give, and per earlier file how
    many rows were dropped because it already held them.

    `collected` maps each row key to the files of the rows kept so far (one entry per row); it is
    updated with the rows kept, each under `source` (the file read) or else its own `file` (the rows of
    an earlier register name the export they came from there). Rows are matched one to one: the same
    message read twice is kept once, but two identical messages within one export (a customer who sent
    "STOP" twice in the same minute) stay two rows, and only the rows beyond those an earlier export
    held are new."""
    kept: list[RegisterRow] = []
    dropped: dict[str, int] = {}
    matched: dict[RowKey, int] = {}
    added: dict[RowKey, list[str]] = {}
    for row in rows:
        key = row_key(row)
        earlier = collected.get(key, [])
        n = matched.get(key, 0)
        if n < len(earlier):
            matched[key] = n + 1
            dropped[earlier[n]] = dropped.get(earlier[n], 0) + 1
        else:
            kept.append(row)
            added.setdefault(key, []).append(source or row.file)
    for key, files in added.items():
        collected.setdefault(key, []).extend(files)
    return kept, dropped


def _repeats_problem(file: str, dropped: dict[str, int]) -> ReadProblem:
    """The warning that names how many rows of an export were dropped as duplicates, and why."""
    total = sum(dropped.values())
    sources = ", ".join(f"{name} ({n})" if len(dropped) > 1 else name for name, n in dropped.items())
    return read_problem(file, None, "register.dropped_repeats", warning=True, n=total, sources=sources)


def _unclear_problem(msg: ChatMessage) -> ReadProblem:
    """A stop-like message that is not clear: printed for the owner, who asks the customer (nothing recorded)."""
    text = " ".join(msg.text.split())
    return read_problem(msg.file, msg.line, "register.unclear_stop", warning=True, sender=msg.sender,
                        date=msg.date, time=msg.time, text=text if len(text) <= 120 else text[:117] + "...")


def merge_registers(first: list[RegisterRow], second: list[RegisterRow]) -> tuple[list[RegisterRow], int]:
    """One register from two sources in time order; rows of `second` that `first` already holds (same
    chat, sender, date, time, event and consent id, matched one to one) are dropped, and counted."""
    collected: dict[RowKey, list[str]] = {}
    for row in first:
        collected.setdefault(row_key(row), []).append(row.file)
    kept, dropped = drop_repeated_rows(list(second), collected)
    # sorted() is stable: rows of one moment keep their order, `first` before `second`.
    merged = sorted([*first, *kept], key=lambda row: (row.date, row.time))
    return merged, sum(dropped.values())


def unreadable_files(problems: Iterable[Problem]) -> list[str]:
    """The inputs that could not be read at all (an error naming no line): missing, damaged, no export."""
    return [p.file for p in problems if p.severity == "error" and getattr(p, "line", 0) is None]


def collect(files: Iterable[Path], recognizer: Recognizer) -> tuple[list[RegisterRow], list[ReadProblem]]:
    """Read every export (and manual row file), classify its messages and give one register for all.

    Exports are read as a stream: only the rows found are kept, never a whole chat. Rows an earlier
    file already gave (the same chat exported twice) are dropped; each file with such rows gets a
    warning that says how many, so the register's row count can be checked. Row files (earlier registers,
    hand-written rows) are read first, so an earlier register's rows are the ones kept as they are and a
    chat read again only adds what they lack."""
    rows: list[RegisterRow] = []
    problems: list[ReadProblem] = []
    collected: dict[RowKey, list[str]] = {}
    paths = [Path(p) for p in files]
    for path in [p for p in paths if is_manual_file(p)] + [p for p in paths if not is_manual_file(p)]:
        if is_manual_file(path):
            found = read_manual_rows(path, recognizer, problems)
            source: str | None = path.name
        else:
            unclear: list[ChatMessage] = []
            found = classify(iter_export(path, problems), recognizer, unclear)
            problems += [_unclear_problem(msg) for msg in unclear]
            source = None
        kept, dropped = drop_repeated_rows(found, collected, source)
        rows.extend(kept)
        if dropped:
            problems.append(_repeats_problem(source or found[0].file, dropped))
    return rows, problems
