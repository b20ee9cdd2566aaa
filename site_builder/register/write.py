"""Writing the register: CSV for German Excel, or a real .xlsx workbook; atomically, never a worse one silently."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Iterable, TextIO

from .model import CSV_COLUMNS, RegisterRow

# German Excel opens a CSV on double-click with the list separator of the German locale, the
# semicolon, and reads it as UTF-8 only with a byte order mark; without them every row lands in one
# column and umlauts break (issue 12). LibreOffice reads the same file as columns too.
DELIMITER = ";"

# A cell beginning with one of these is read by Excel and LibreOffice as a formula (CSV injection):
# a chat named "=cmd|' /C calc'!A0" or a sender "@SUM(1+1)". OWASP's advice: prefix such cells with a
# single quote, so they are shown as text (owasp.org/www-community/attacks/CSV_Injection, checked 2026-12-02).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """The cell text with a leading quote if a spreadsheet would read it as a formula. A text that begins with
    quotes before such a character gets one more, so that `unneutralise` gives every text back exactly."""
    return "'" + value if value.lstrip("'").startswith(_FORMULA_STARTS) else value


def unneutralise(cell: str) -> str:
    """The text a cell of a register stands for (an earlier register read back): `neutralise` undone."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_STARTS) else cell


def _cells(row: RegisterRow, labels: dict[str, str]) -> dict[str, str]:
    return {name: neutralise(value) for name, value in row.as_dict(labels).items()}


def write_csv(rows: Iterable[RegisterRow], out: TextIO, labels: dict[str, str] | None = None) -> None:
    """The register as semicolon-separated CSV into an open text stream."""
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), delimiter=DELIMITER, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(_cells(row, labels or {}))


def _xlsx_bytes(rows: Iterable[RegisterRow], labels: dict[str, str], title: str) -> bytes:
    """The register as an .xlsx workbook: one sheet, a bold frozen header row, text cells, numeric lines."""
    from openpyxl import Workbook  # imported only for .xlsx: the CSV path needs no third-party code
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "register")
    sheet.freeze_panes = "A2"
    widths = {"chat": 24, "sender": 24, "purposes_label": 36, "version_status": 20, "file": 36}
    for index, name in enumerate(CSV_COLUMNS):
        letter = chr(ord("A") + index)
        sheet.column_dimensions[letter].width = widths.get(name, 14)
    header = []
    for name in CSV_COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = _cells(row, labels)
        # Strings stay strings (openpyxl would store a leading "=" as a formula: neutralised above);
        # the line number is a number so it sorts.
        sheet.append([row.line if name == "line" else cells[name] for name in CSV_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def is_xlsx(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx"


def write_register(rows: list[RegisterRow], out: Path, labels: dict[str, str] | None = None,
                   sheet_title: str = "register") -> None:
    """Write the register to `out` (.xlsx: a workbook; else CSV with BOM) through a temporary file
    in the same folder and one rename, so a crash leaves the old register or the new one, never half."""
    labels = labels or {}
    if is_xlsx(out):
        data = _xlsx_bytes(rows, labels, sheet_title)
    else:
        text = io.StringIO()
        write_csv(rows, text, labels)
        data = text.getvalue().encode("utf-8-sig")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
