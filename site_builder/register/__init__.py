"""Consent register: find consents, opt-outs and withdrawals in WhatsApp chat exports (and manual row
files) and write them as a register for German Excel (semicolon CSV with BOM, or .xlsx).

Modules: `model` (rows, events, columns, templates, text folding), `recognise` (which messages count),
`parse` (an export's text into messages), `read` (files and zips, streamed, within limits), `manual`
(hand-written rows), `collect` (rows from messages, repeats dropped), `write` (CSV/XLSX, atomic)."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from .collect import RowKey, classify, collect, drop_repeated_rows, merge_registers
from .manual import is_manual_file, read_manual_rows
from .model import (CSV_COLUMNS, DEFAULT_TEMPLATES, EVENT_CONSENT, EVENT_MARKETING_OPT_IN, EVENT_MARKETING_OPT_OUT,
                    EVENT_WITHDRAWAL, MARKETING_PURPOSE, SOURCE_MANUAL, ChatMessage, KnownVersion, LanguageTemplates,
                    ReadProblem, RegisterRow, clean, fold)
from .parse import chat_name_from_filename, iter_chat, parse_chat_text
from .read import MAX_MEMBER_BYTES, MAX_RATIO, iter_export, read_export
from .recognise import Recognition, Recognizer, build_recognizer
from .write import existing_rows, neutralise, write_csv, write_register

# The recogniser's text folding under a public name (the bot uses it to match the same way).
fold_text = fold
_fold = fold

__all__ = [
    "CSV_COLUMNS", "DEFAULT_TEMPLATES", "EVENT_CONSENT", "EVENT_MARKETING_OPT_IN", "EVENT_MARKETING_OPT_OUT",
    "EVENT_WITHDRAWAL", "MARKETING_PURPOSE", "MAX_MEMBER_BYTES", "MAX_RATIO", "SOURCE_MANUAL", "ChatMessage",
    "KnownVersion", "LanguageTemplates", "ReadProblem", "Recognition", "Recognizer", "RegisterRow", "RowKey",
    "build_recognizer", "chat_name_from_filename", "classify", "clean", "collect", "drop_repeated_rows",
    "existing_rows", "fold_text", "is_manual_file", "iter_chat", "iter_export", "merge_registers", "neutralise",
    "parse_chat_text", "read_export", "read_manual_rows", "run_consents", "write_csv", "write_register",
    "write_register_csv",
]


def write_register_csv(rows: list[RegisterRow], out: Path | TextIO, labels: dict[str, str] | None = None) -> None:
    """Write the register as CSV: a path atomically with BOM and semicolons, a text stream as is."""
    if isinstance(out, (str, Path)):
        write_register(list(rows), Path(out), labels)
    else:
        write_csv(rows, out, labels)


def run_consents(files: list[Path], recognizer: Recognizer, out_csv: Path | TextIO
                 ) -> tuple[list[RegisterRow], list[ReadProblem]]:
    """Read every export and write one register for all of them (no overwrite check: see `consents`)."""
    rows, problems = collect(files, recognizer)
    write_register_csv(rows, out_csv, recognizer.labels())
    return rows, problems
