"""`site-builder consents FILE... -o register.csv`: the consent register from WhatsApp chat exports.

A thin shell: reading exports and row files, recognising consents and adding rows to a register without
losing one are site_builder/register/'s."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence, TextIO

from ..messages import t
from ..problems import Problem, errors, report


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("consents", help=t("cli.consents_help"), description=t("cli.consents_description"),
                              epilog=f'{t("register.out_formats")} {t("register.manual_help")}')
    parser.add_argument("files", nargs="*", type=Path, metavar=t("cli.file"), help=t("cli.exports") + ", .csv, .xlsx")
    parser.add_argument("--db", metavar="URL", default=None, help=t("cli.consents_db"))
    parser.add_argument("-o", "--out", type=Path, default=Path("register.csv"), metavar=t("cli.file"),
                        help=t("cli.register_out"))
    # Retired (issue 20): a register is only ever added to. Still known, so that it is refused with a reason.
    parser.add_argument("--force", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("-c", "--config", type=Path, default=Path("site.toml"), metavar=t("cli.file"),
                        help=t("cli.consents_config"))
    lang(parser)


@dataclass
class Outcome:
    """What `consents` did: the register's rows, every problem, whether it was written and how many rows the
    register at `-o` held before (None: there was none)."""

    rows: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    before: int | None = None


def consent_register(config: Path, files: Sequence[Path], out: Path | TextIO, db: str | None = None) -> Outcome:
    """Read chat exports and row files and add their rows to the consent register (register/target.py).
    Problems are the site's own (settings, texts), those of the inputs (files and lines, each named) and
    those of the target. Readable lines are written even when some are not; an input that cannot be read
    at all writes nothing, since the register would then silently lack its rows."""
    from ..problems import InputError
    from ..register import target_problem, unreadable_files, write_csv, write_target
    from ..register.collect import collect
    from ..register.site_recognizer import site_recognizer
    from ..site import load_site  # every file of the site through the gate, as for `build`

    try:
        site, site_problems = load_site(config)
    except InputError as exc:
        return Outcome(problems=list(exc.problems))
    if isinstance(out, Path) and (problem := target_problem(out)) is not None:
        return Outcome(problems=[problem])
    recognizer = site_recognizer(site)
    rows, problems = collect(list(files), recognizer)
    if db is not None:
        from_db, found = _database_rows(db, config, site.settings)
        if found:
            return Outcome(problems=found)
        from ..register import merge_registers

        rows, _ = merge_registers(from_db, rows)  # a message the bot saw live and an export both hold: once
    found_problems: list[Problem] = [p for p in site_problems if p.severity != "error"] + problems
    if unreadable_files(problems):
        return Outcome(rows, found_problems)
    if not isinstance(out, Path):
        write_csv(rows, out, recognizer.labels())
        return Outcome(rows, found_problems, True)
    written = write_target(rows, out, recognizer)
    return Outcome(written.rows, found_problems + written.problems, written.written, written.before)


def _database_rows(db: str, config: Path, settings: Any) -> tuple[list[Any], list[Problem]]:
    """The register rows the consent bot stored (`--db`: a URL, or an SQLite file next to site.toml)."""
    try:
        from ..bot.export import database_rows
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError:
        return [], [report(db, "--db", "cli.bot_extra_missing")]
    table = settings.data.get("bot")
    timezone = str(table.timezone) if table else "Europe/Berlin"
    if "://" not in db and not (config.parent / db).is_file():
        return [], [report(db, "--db", "bot.db_unavailable", error="no such file")]
    try:
        return database_rows(db, timezone, config.parent), []
    except SQLAlchemyError as exc:
        return [], [report(db.split("@")[-1], "--db", "bot.db_unavailable", error=type(exc).__name__)]


def run(args: argparse.Namespace) -> int:
    if args.force:
        print(report("consents", "--force", "register.force_retired"), file=sys.stderr)
        return 2
    if not args.files and args.db is None:
        print(report("consents", "FILE/--db", "bot.no_rows_source"), file=sys.stderr)
        return 2
    out = sys.stdout if str(args.out) == "-" else args.out
    outcome = consent_register(args.config, args.files, out, db=args.db)
    for problem in outcome.problems:
        print(problem, file=sys.stderr)
    if not outcome.written:
        print(t("cli.problems_nothing_written", n=len(errors(outcome.problems))), file=sys.stderr)
        return 1
    if out is sys.stdout:
        return 1 if errors(outcome.problems) else 0
    rows = outcome.rows
    counts = Counter(row.event for row in rows)
    summary = ", ".join(f"{n} {event}" for event, n in sorted(counts.items())) or t("cli.no_consents_found")
    if outcome.before is None:
        print(t("cli.register_written", out=args.out, n=len(rows), files=len(args.files), summary=summary))
    else:
        print(t("cli.register_added", out=args.out, new=len(rows) - outcome.before, before=outcome.before,
                n=len(rows), files=len(args.files), summary=summary))
    if unknown := sum(1 for row in rows if row.version_status == "unknown"):
        print(t("cli.unknown_versions", n=unknown))
    if errors(outcome.problems):
        print(t("cli.lines_not_in_register", n=len(errors(outcome.problems))), file=sys.stderr)
        return 1
    return 0
