"""`site-builder consents FILE... -o register.csv`: the consent register from WhatsApp chat exports."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Sequence, TextIO

from ..messages import t
from ..problems import Problem, errors, report


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("consents", help=t("cli.consents_help"), description=t("cli.consents_description"),
                              epilog=f'{t("register.out_formats")} {t("register.manual_help")}')
    parser.add_argument("files", nargs="*", type=Path, metavar=t("cli.file"), help=t("cli.exports") + ", .csv")
    parser.add_argument("--db", metavar="URL", default=None, help=t("cli.consents_db"))
    parser.add_argument("-o", "--out", type=Path, default=Path("register.csv"), metavar=t("cli.file"),
                        help=t("cli.register_out"))
    parser.add_argument("--force", action="store_true", help=t("register.force_help"))
    parser.add_argument("-c", "--config", type=Path, default=Path("site.toml"), metavar=t("cli.file"),
                        help=t("cli.consents_config"))
    lang(parser)


def site_recognizer(site: Any):
    """A recogniser for this site's own prefilled messages, purposes and consent versions."""
    from ..register import KnownVersion, LanguageTemplates, build_recognizer

    settings = site.settings
    templates, known, current = [], [], {}
    for lang, language in site.languages.items():
        s = settings.for_lang(lang)
        withdrawal = language.texts["withdrawal"].meta
        templates.append(LanguageTemplates(
            lang=lang, consent=str(language.texts["consent"].meta["message"]),
            withdrawal=str(withdrawal["message"]), marketing_optout=str(withdrawal.get("marketing_message", "")),
            purpose_labels={p.id: p.short for p in s.purposes}))
        known += [KnownVersion(v.id, v.lang, v.date) for v in language.versions]
        current[lang] = language.consent_id
    b = settings.business
    return build_recognizer(templates, b.short_name or b.name, known, current, own_senders=[b.name])


def _target_problem(out: Path) -> Problem | None:
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


def _write(rows: list[Any], out: Path, labels: dict[str, str], force: bool) -> Problem | None:
    """Write the register atomically, unless that would silently replace a register that holds more
    rows (a run that found nothing must not wipe the record of consents) or a file that is no register."""
    from ..register import existing_rows, write_register

    if out.exists() and not force:
        old = existing_rows(out)
        if old is None:
            return report(str(out), "-o/--out", "register.out_not_register")
        if old > len(rows):
            return report(str(out), "-o/--out", "register.out_fewer_rows", old=old, new=len(rows))
    try:
        write_register(rows, out, labels)
    except OSError as exc:
        return report(str(out), "-o/--out", "register.out_not_written", why=exc.strerror or exc)
    return None


def consent_register(config: Path, files: Sequence[Path], out: Path | TextIO,
                     force: bool = False, db: str | None = None) -> tuple[list[Any], list[Any], bool]:
    """Read chat exports and manual row files and write the consent register; return its rows, every
    problem, and whether the register was written. Problems are the site's own (settings, texts), those
    of the inputs (unreadable files and lines, each with file and line) and those of the target.
    Readable lines are written even when some are not."""
    from ..reading import read_site
    from ..register import collect, write_csv

    site = read_site(config)
    if site.settings is None or errors(site.problems):
        return [], site.problems, False
    if isinstance(out, Path) and (problem := _target_problem(out)) is not None:
        return [], [problem], False
    recognizer = site_recognizer(site)
    rows, problems = collect(list(files), recognizer)
    if db is not None:
        from_db, found = _database_rows(db, config)
        if found:
            return [], found, False
        from ..register import merge_registers

        rows, _ = merge_registers(from_db, rows)  # a message the bot saw live and an export both hold: once
    warnings: list[Problem] = [p for p in site.problems if p.severity != "error"]
    if not isinstance(out, Path):
        write_csv(rows, out, recognizer.labels())
    elif (problem := _write(rows, out, recognizer.labels(), force)) is not None:
        return rows, warnings + problems + [problem], False
    return rows, warnings + problems, True


def _database_rows(db: str, config: Path) -> tuple[list[Any], list[Problem]]:
    """The register rows the consent bot stored (`--db`: a URL, or an SQLite file next to site.toml)."""
    try:
        from ..bot.export import database_rows
        from ..bot.settings import read_bot_table
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError:
        return [], [report(db, "--db", "cli.bot_extra_missing")]
    table, _ = read_bot_table(config)
    timezone = table.get("timezone") if table and isinstance(table.get("timezone"), str) else "Europe/Berlin"
    if "://" not in db and not (config.parent / db).is_file():
        return [], [report(db, "--db", "bot.db_unavailable", error="no such file")]
    try:
        return database_rows(db, timezone, config.parent), []
    except SQLAlchemyError as exc:
        return [], [report(db.split("@")[-1], "--db", "bot.db_unavailable", error=type(exc).__name__)]


def run(args: argparse.Namespace) -> int:
    if not args.files and args.db is None:
        print(report("consents", "FILE/--db", "bot.no_rows_source"), file=sys.stderr)
        return 2
    out = sys.stdout if str(args.out) == "-" else args.out
    rows, problems, written = consent_register(args.config, args.files, out, force=args.force, db=args.db)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not written:
        print(t("cli.problems_nothing_written", n=len(errors(problems))), file=sys.stderr)
        return 1
    if out is sys.stdout:
        return 1 if errors(problems) else 0
    counts = Counter(row.event for row in rows)
    summary = ", ".join(f"{n} {event}" for event, n in sorted(counts.items())) or t("cli.no_consents_found")
    print(t("cli.register_written", out=args.out, n=len(rows), files=len(args.files), summary=summary))
    if unknown := sum(1 for row in rows if row.version_status == "unknown"):
        print(t("cli.unknown_versions", n=unknown))
    if errors(problems):
        print(t("cli.lines_not_in_register", n=len(errors(problems))), file=sys.stderr)
        return 1
    return 0
