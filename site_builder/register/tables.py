"""Row files given to `consents` (.csv or .xlsx): earlier registers and hand-written rows, as register rows.

A row file is one of two kinds, told apart by its first line:
- an earlier register (the first line holds every register column, as `consents` writes it): each row with a
  `file` is kept exactly as it is, with its source, file, line, version status and labels; only an id of the
  old shape gets its letter ("c19690d8" is "vc19690d8") and a date written 14.03.2026 becomes 2026-03-14, so
  the row matches the same message read again. Rows without a `file` were added by hand: see below.
- a manual row file (some of the columns): every row is a hand-written row, checked by manual.py.
The register that `-o` names is read the same way before new rows are added to it (target.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import gate
from ..consent import canonical_id
from .decode import Decoding, decode_text
from .manual import EVENTS, REQUIRED, manual_date, manual_row
from .columns import REGISTER_COLUMNS_V1
from .model import CSV_COLUMNS, ReadProblem, RegisterRow, source_of_cell
from .parse import read_problem
from .recognise import Recognizer
from .write import unneutralise

MAX_BYTES = 16 * 1024 * 1024  # hand-written rows: thousands are a few hundred KB; a register of 100,000 rows ~12 MB
TABLE_SUFFIXES = (".csv", ".xlsx")
_LINE = re.compile(r"\d*")


def is_manual_file(path: Path) -> bool:
    """A row file (an earlier register or hand-written rows) is a .csv or .xlsx; chat exports are .txt or .zip."""
    return path.suffix.lower() in TABLE_SUFFIXES


@dataclass
class RegisterTable:
    """A row file's column names (its first line) and its records: the line each ends on, its values by column,
    and the fields beyond the columns (a CSV line with more fields than its first line)."""

    columns: list[str]
    records: list[tuple[int, dict[str, str], list[str]]]

    @property
    def is_register(self) -> bool:
        # a register written before the `message` column is a register too
        return set(REGISTER_COLUMNS_V1) <= set(self.columns)


def read_table(path: Path, problems: list[ReadProblem]) -> RegisterTable | None:
    """The columns and records of a .csv or .xlsx, or None with the problem that stops reading it."""
    name = path.name
    try:
        if os.path.isfile(path) and os.path.getsize(path) > MAX_BYTES:
            problems.append(read_problem(name, None, "register.manual_too_big", mb=MAX_BYTES // 2**20))
            return None
        data = _read(path)  # through the gate: a pipe or a device is refused, never read
        if path.suffix.lower() == ".xlsx":
            return _xlsx_table(data, name, problems)
        return _csv_table(data, name, problems)
    except gate.Refused as refused:
        problems.append(read_problem(name, None, "register.cannot_read", why=refused.problem.what))
    except FileNotFoundError:
        problems.append(read_problem(str(path), None, "register.input_missing"))
    except IsADirectoryError:
        problems.append(read_problem(str(path), None, "register.input_is_folder"))
    except OSError as exc:
        problems.append(read_problem(name, None, "register.cannot_read", why=exc.strerror or exc))
    return None


def _read(path: Path) -> bytes:
    try:
        return gate.read_or_refuse(path, root=None, limit=MAX_BYTES)
    except gate.Refused as refused:
        raise gate.as_os_error(refused, path) from None


def _csv_table(data: bytes, name: str, problems: list[ReadProblem]) -> RegisterTable | None:
    """A CSV's records; `;` or `,` separated (the first line decides), each line decoded on its own."""
    decoding = Decoding()
    text = decode_text(data, decoding)
    problems.extend(decoding.problems(name, "register.mixed_encoding_row"))
    head = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if head.count(";") >= head.count(",") else ",")
    columns = [c.strip() for c in next(reader, [])]
    records: list[tuple[int, dict[str, str], list[str]]] = []
    first = reader.line_num + 1
    rows = iter(reader)
    while True:
        try:
            record = next(rows)
        except StopIteration:
            break
        except csv.Error:  # a field longer than csv's limit (131,072 characters): no register cell is
            # no line of its own: the whole file is unreadable, and nothing is written (collect.unreadable_files)
            problems.append(read_problem(name, None, "register.field_too_long", row=reader.line_num,
                                         limit=csv.field_size_limit()))
            return None
        line, start, first = reader.line_num, first, reader.line_num + 1
        if any(n in decoding.mixed for n in range(start, line + 1)):
            continue  # reported by the decoding: the row is left out
        extra = record[len(columns):] if any(v.strip() for v in record[len(columns):]) else []
        records.append((line, {c: v.strip() for c, v in zip(columns, record)}, extra))
    return RegisterTable(columns, records)


def _cell(value: object) -> str:
    """An .xlsx cell as the text `consents` wrote (a spreadsheet may have turned a date into a date)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_table(data: bytes, name: str, problems: list[ReadProblem]) -> RegisterTable | None:
    """The first sheet of a workbook, as `consents` writes it."""
    from openpyxl import load_workbook  # only for .xlsx: reading CSV needs no third-party code

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl's own errors for a damaged workbook (zipfile.BadZipFile, KeyError and others)
        problems.append(read_problem(name, None, "register.xlsx_unreadable"))
        return None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True) if book.worksheets else iter(())
        columns = [_cell(v) for v in next(rows, ())]
        records = [(line, dict(zip(columns, map(_cell, values))), []) for line, values in enumerate(rows, start=2)]
    except Exception:
        problems.append(read_problem(name, None, "register.xlsx_unreadable"))
        return None
    finally:
        book.close()
    return RegisterTable(columns, records)


def kept_row(values: dict[str, str], name: str, line: int, problems: list[ReadProblem]) -> RegisterRow | None:
    """A row of an earlier register as it is, or None with the reason it cannot be kept (file and line)."""
    def bad(key: str, **fields: object) -> None:
        problems.append(read_problem(name, line, key, **fields))

    empty = [c for c in REQUIRED if not values.get(c)]
    if empty:
        return bad("register.manual_empty", columns=", ".join(empty))
    iso = manual_date(values["date"])
    if iso is None:
        return bad("register.kept_date", value=values["date"])
    if values["event"] not in EVENTS:
        return bad("register.manual_event", value=values["event"], events=", ".join(EVENTS))
    number = values.get("line", "")
    if not _LINE.fullmatch(number):
        return bad("register.kept_line", value=number)
    raw_id = values.get("consent_id", "")
    consent_id = canonical_id(raw_id)
    if raw_id and consent_id is None:
        # kept as it is, but said: a spreadsheet may have turned the id into a number (issue 20)
        problems.append(read_problem(name, line, "register.kept_consent_id", warning=True, value=raw_id))
    return RegisterRow(
        chat=values["chat"], sender=values["sender"], date=iso, time=values["time"], event=values["event"],
        consent_id=consent_id or raw_id, source=source_of_cell(values.get("source", "")),
        purposes=values.get("purposes", ""), version_status=values.get("version_status", ""),
        lang=values.get("lang", ""), file=values.get("file", ""), line=int(number or 0),
        purposes_label=values.get("purposes_label", ""), message=values.get("message", ""))


def read_rows(path: Path, recognizer: Recognizer, problems: list[ReadProblem],
              registers_only: bool = False) -> list[RegisterRow] | None:
    """The rows of a row file; problems (file and line) are appended to `problems`. None when the file cannot
    be read, or (`registers_only`) is no register."""
    table = read_table(path, problems)
    if table is None:
        return None
    name = path.name
    if registers_only and not table.is_register:
        return None
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        problems.append(read_problem(name, None, "register.manual_columns", missing=", ".join(missing),
                                     columns=", ".join(CSV_COLUMNS)))
        return None
    rows: list[RegisterRow] = []
    for line, raw, extra in table.records:
        values = {column: unneutralise(value) for column, value in raw.items()}
        if not any(values.values()) and not extra:
            continue
        if extra:
            # "service;marketing" unquoted in a ;-separated file splits into two fields: never guess
            problems.append(read_problem(name, line, "register.manual_extra_fields", n=len(table.columns),
                                         extra=";".join(extra)))
            continue
        if table.is_register and values.get("file"):
            row = kept_row(values, name, line, problems)
        else:
            row = manual_row(values, name, line, recognizer, problems)
        if row is not None:
            rows.append(row)
    return rows


def read_manual_rows(path: Path, recognizer: Recognizer, problems: list[ReadProblem]) -> list[RegisterRow]:
    """The rows of one row file (an earlier register or hand-written rows); problems go to `problems`."""
    return read_rows(path, recognizer, problems) or []
