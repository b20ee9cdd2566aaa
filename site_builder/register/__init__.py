"""Consent register: find consents, opt-outs and withdrawals in WhatsApp chat exports (and manual row
files) and write them as a register for German Excel (semicolon CSV with BOM, or .xlsx).

Modules: `model` (rows, events, columns, templates, text folding), `recognise` (which messages count),
`site` (a read site's recogniser), `parse` (an export's text into messages), `read` (files and zips,
streamed, within limits), `decode` (lines that are not UTF-8), `tables` (row files: earlier registers and
hand-written rows, CSV or XLSX), `manual` (checking a hand-written row), `collect` (rows from messages,
repeats dropped), `write` (CSV/XLSX, atomic), `target` (the register `-o` names: rows added, never lost)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .model import ReadProblem, RegisterRow
    from .recognise import Recognizer

# Each public name and the module that holds it, imported on first use (PEP 562): the records only need
# CSV_COLUMNS (from .columns), and importing all seven modules cost every build and `check` about 15 ms.
# No name here is also a module's name (collect, site_recognizer: import those from their modules): once
# Python has imported that module, the package's attribute of that name is the module, and __getattr__ is
# never asked again (tests/register/test_names.py).
_WHERE = {
    "RowKey": "collect", "classify": "collect", "drop_repeated_rows": "collect",
    "merge_registers": "collect", "row_key": "collect", "unreadable_files": "collect",
    "is_manual_file": "tables", "read_manual_rows": "tables", "read_rows": "tables",
    "Written": "target", "add_rows": "target", "read_existing": "target", "target_problem": "target",
    "write_target": "target",
    "CSV_COLUMNS": "columns",
    **dict.fromkeys(("DEFAULT_TEMPLATES", "EVENT_CONSENT", "EVENT_MARKETING_OPT_IN", "EVENT_MARKETING_OPT_OUT",
                     "EVENT_WITHDRAWAL", "MARKETING_PURPOSE", "SOURCE_MANUAL", "ChatMessage", "KnownVersion",
                     "LanguageTemplates", "ReadProblem", "RegisterRow", "SOURCE_MARK", "clean", "fold",
                     "source_cell", "source_of_cell"), "model"),
    "chat_name_from_filename": "parse", "iter_chat": "parse", "parse_chat_text": "parse",
    "MAX_MEMBER_BYTES": "read", "MAX_RATIO": "read", "iter_export": "read", "read_export": "read",
    "Recognition": "recognise", "Recognizer": "recognise", "build_recognizer": "recognise",
    "neutralise": "write", "unneutralise": "write", "write_csv": "write", "write_register": "write",
}
_ALIASES = {"fold_text": "fold"}  # the recogniser's text folding under a public name (the bot matches the same way)


def __getattr__(name: str) -> Any:
    real = _ALIASES.get(name, name)
    if real not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[real]}", __name__), real)
    globals()[name] = value
    return value


__all__ = [
    "CSV_COLUMNS", "DEFAULT_TEMPLATES", "EVENT_CONSENT", "EVENT_MARKETING_OPT_IN", "EVENT_MARKETING_OPT_OUT",
    "EVENT_WITHDRAWAL", "MARKETING_PURPOSE", "MAX_MEMBER_BYTES", "MAX_RATIO", "SOURCE_MANUAL", "SOURCE_MARK",
    "ChatMessage", "KnownVersion", "LanguageTemplates", "ReadProblem", "Recognition", "Recognizer", "RegisterRow",
    "RowKey", "Written", "add_rows", "build_recognizer", "chat_name_from_filename", "classify", "clean",
    "drop_repeated_rows", "fold_text", "is_manual_file", "iter_chat", "iter_export", "merge_registers",
    "neutralise", "parse_chat_text", "read_existing", "read_export", "read_manual_rows", "read_rows", "row_key",
    "run_consents", "source_cell", "source_of_cell", "target_problem", "unneutralise",
    "unreadable_files", "write_csv", "write_register", "write_register_csv", "write_target",
]


def write_register_csv(rows: list[RegisterRow], out: Path | TextIO, labels: dict[str, str] | None = None) -> None:
    """Write the register as CSV: a path atomically with BOM and semicolons, a text stream as is."""
    from .write import write_csv, write_register

    if isinstance(out, (str, Path)):
        write_register(list(rows), Path(out), labels)
    else:
        write_csv(rows, out, labels)


def run_consents(files: list[Path], recognizer: Recognizer, out_csv: Path | TextIO
                 ) -> tuple[list[RegisterRow], list[ReadProblem]]:
    """Read every export and write one register for all of them (replacing `out`: `write_target` adds to it)."""
    from .collect import collect

    rows, problems = collect(files, recognizer)
    write_register_csv(rows, out_csv, recognizer.labels())
    return rows, problems
