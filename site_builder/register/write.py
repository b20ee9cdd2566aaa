"""Writing the register: CSV for German Excel, or a real .xlsx workbook; atomically, never a worse one silently."""

from __future__ import annotations

import csv
import io
import os
import re
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
# The control characters an .xlsx cell cannot hold (XML 1.0; openpyxl refuses them with an exception). Such a
# text is never changed to fit: the owner is told, and CSV keeps it as it is.
NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class NotInWorkbook(ValueError):
    """A cell of `row` an .xlsx workbook cannot store: `column` holds `char` (U+XXXX)."""

    def __init__(self, row: dict[str, str], column: str, char: str):
        super().__init__(f"{column}: {char}")
        self.row, self.column, self.char = row, column, char


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
    write_table_csv(list(CSV_COLUMNS), (_cells(row, labels or {}) for row in rows), out)


def write_table_csv(columns: list[str], rows: Iterable[dict[str, str]], out: TextIO) -> None:
    """Rows of cells (already neutralised) as semicolon-separated CSV, a header line first."""
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)


def _xlsx_bytes(rows: Iterable[RegisterRow], labels: dict[str, str], title: str) -> bytes:
    """The register as an .xlsx workbook: one sheet, a bold frozen header row, text cells, numeric lines."""
    widths = {"chat": 24, "sender": 24, "purposes_label": 36, "version_status": 20, "file": 36}
    # the line number is a number so it sorts
    cells = ({**_cells(row, labels), "line": row.line} for row in rows)  # type: ignore[dict-item]
    return table_xlsx_bytes(list(CSV_COLUMNS), cells, title or "register", widths)


def table_xlsx_bytes(columns: list[str], rows: Iterable[dict[str, object]], title: str,
                     widths: dict[str, int] | None = None) -> bytes:
    """Rows as an .xlsx workbook: one sheet, a bold frozen header row; strings stay strings (openpyxl would store
    a leading "=" as a formula: the cells come neutralised), numbers stay numbers."""
    from openpyxl import Workbook  # imported only for .xlsx: the CSV path needs no third-party code
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(name, 14)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name, "") for name in columns])
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
    replace_atomically(out, data)


def write_table(columns: list[str], rows: list[dict[str, str]], out: Path, sheet_title: str,
                widths: dict[str, int] | None = None) -> None:
    """Any table written as the register is (guided requests use it): .xlsx or CSV with BOM, cells neutralised
    against formula injection, through a temporary file and one rename."""
    cells = [{name: neutralise(str(row.get(name, ""))) for name in columns} for row in rows]
    if is_xlsx(out):
        for row in cells:
            for name, value in row.items():
                if (m := NOT_IN_XLSX.search(value)) is not None:
                    raise NotInWorkbook(row, name, f"U+{ord(m[0]):04X}")
        data = table_xlsx_bytes(columns, cells, sheet_title, widths)
    else:
        text = io.StringIO()
        write_table_csv(columns, cells, text)
        data = text.getvalue().encode("utf-8-sig")
    replace_atomically(out, data)


def replace_atomically(out: Path, data: bytes) -> None:
    """`out` holds `data` afterwards, or (after a crash) what it held before: never half of it."""
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
