"""The register file that `-o` names: where it may be written, and adding rows to it without losing one.

A register is a record: a run of `consents` adds to it and never takes a row away (issue 20, where a second
run with other exports replaced the first one's rows). An existing register is read first; its rows stay as
they are and where they are, and the new rows follow, except those it already holds (the same chat, sender,
date, time, event and id, matched one to one as in collect.py). A row of it that cannot be read would be lost
by writing, so then nothing is written and the message names its line; a file that is no register is never
replaced. The file is written through a temporary file and one rename (write.py): old or new, never half."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..messages import t
from ..problems import Problem, errors, report
from .collect import RowKey, drop_repeated_rows, row_key
from .model import RegisterRow
from .recognise import Recognizer
from .tables import read_rows
from .write import NOT_IN_XLSX, is_xlsx, write_register


def target_problem(out: Path) -> Problem | None:
    """Why the register cannot be written to `out` (inside output/, a folder, an unwritable place), or None."""
    from ..output import MARKER

    target = out.resolve()
    generated = next((p for p in target.parents if (p / MARKER).is_file()), None)
    if generated is not None:
        return report(str(out), "-o/--out", "cli.register_in_output", folder=generated)
    if target.is_dir():
        return report(str(out), "-o/--out", "register.out_is_folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return report(str(out), "-o/--out", "register.out_not_writable", why=exc.strerror or exc)
    if not os.access(target.parent, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        return report(str(out), "-o/--out", "register.out_not_writable", why=os.strerror(errno.EACCES))
    return None


@dataclass
class Written:
    """What writing the register did: its rows now, how many it held before, the problems, whether written."""

    rows: list[RegisterRow] = field(default_factory=list)
    before: int | None = None  # rows the register held; None: there was none
    problems: list[Problem] = field(default_factory=list)
    written: bool = False


def read_existing(out: Path, recognizer: Recognizer) -> tuple[list[RegisterRow] | None, list[Problem]]:
    """The rows of the register at `out` ([] if there is none or it is empty) and the problems of reading it;
    None with an error when it cannot be read whole: it is not a register, or rows of it would be lost."""
    if not out.exists() or out.stat().st_size == 0:
        return [], []
    problems: list[Problem] = []
    rows = read_rows(out, recognizer, problems, registers_only=True)  # type: ignore[arg-type]
    if rows is None:
        found = errors(problems) or [report(str(out), "-o/--out", "register.out_not_register")]
        return None, found
    if errors(problems):
        return None, [*problems, report(str(out), "-o/--out", "register.out_rows_would_be_lost",
                                        n=len(errors(problems)))]
    return rows, problems


def add_rows(existing: list[RegisterRow], new: list[RegisterRow]) -> list[RegisterRow]:
    """The register's rows as they are, then the new rows it does not hold yet (matched one to one)."""
    collected: dict[RowKey, list[str]] = {}
    for row in existing:
        collected.setdefault(row_key(row), []).append(row.file)
    added, _ = drop_repeated_rows(list(new), collected)
    return [*existing, *added]


def write_target(new: list[RegisterRow], out: Path, recognizer: Recognizer) -> Written:
    """Add `new` to the register at `out` (made if there is none) and write it atomically; nothing is written
    when a row of the register could not be kept, or the file is no register."""
    existed = out.is_file()
    existing, problems = read_existing(out, recognizer)
    if existing is None:
        return Written(problems=problems)
    rows = add_rows(existing, new)
    if is_xlsx(out) and (unstorable := _not_in_a_workbook(rows)):
        return Written(problems=[*problems, *unstorable])
    try:
        write_register(rows, out, recognizer.labels())
    except OSError as exc:
        return Written(problems=[*problems, report(str(out), "-o/--out", "register.out_not_written",
                                                   why=exc.strerror or exc)])
    return Written(rows, len(existing) if existed else None, problems, True)



def _not_in_a_workbook(rows: list[RegisterRow]) -> list[Problem]:
    """A problem for each row holding a control character (a NUL in a sender's name): an Excel workbook cannot
    store it, and changing the text would make the register say something the chat did not."""
    found = []
    for row in rows:
        for column, value in row.as_dict().items():
            if (m := NOT_IN_XLSX.search(value)) is not None:
                found.append(report(row.file or "-", t("register.where_line", line=row.line), "register.xlsx_control",
                                    column=column, char=f"U+{ord(m[0]):04X}"))
                break
    return found
