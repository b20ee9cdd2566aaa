"""Read site.toml safely and validate it: the schema walk, then the cross-key rules, every problem at once."""

from __future__ import annotations

import datetime as dt
import re
import stat
from pathlib import Path
from typing import Any, Mapping

from ..messages import t
from ..problems import Problem, report
from .. import tomlparse
from ..tomlparse import tomllib
from .checker import Checker
from .numbers import check_numbers
from .option import Opt
from .rules import RULES
from .schema import SCHEMA
from .settings import Settings, freeze, today

# A settings file is a few kilobytes; the cap keeps `-c /dev/zero` or a wrong huge file from hanging.
MAX_SETTINGS_BYTES = 1_000_000
# `key = <<...>>` without quotes: how init writes a date to fill in (a date is written without quotes,
# so the marker is too). Quoted here before parsing, so it is reported like any other fill-in.
_BARE_FILL_IN = re.compile(r'^(\s*[A-Za-z0-9_-]+\s*=\s*)(<<[^"\\\n]*?>>)(\s*(?:#.*)?)$', re.M)


def read_settings_file(path: Path) -> tuple[str | None, Problem | None]:
    """The text of the settings file, or the one problem that stops reading it."""
    file, where = str(path), t("config.where_file")
    try:
        info = path.stat()
    except FileNotFoundError:
        return None, report(file, where, "config.file_not_found")
    except OSError as exc:
        return None, report(file, where, "config.file_unreadable", reason=exc.strerror or exc.__class__.__name__)
    if stat.S_ISDIR(info.st_mode):
        return None, report(file, where, "config.file_is_folder")
    if not stat.S_ISREG(info.st_mode):
        return None, report(file, where, "config.file_not_regular")
    try:
        with path.open("rb") as f:
            data = f.read(MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        return None, report(file, where, "config.file_unreadable", reason=exc.strerror or exc.__class__.__name__)
    if len(data) > MAX_SETTINGS_BYTES:
        return None, report(file, where, "config.file_too_big", limit=MAX_SETTINGS_BYTES // 1000)
    try:
        return data.decode("utf-8-sig"), None  # -sig: a BOM from Windows editors is accepted
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, report(file, t("config.where_line", line=line), "config.file_not_utf8")


def toml_error(file: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    where = (t("config.where_line_column", line=match.group(1), column=match.group(2)) if match
             else t("config.where_end"))
    return report(file, where, "config.toml_syntax", detail=what[:1].lower() + what[1:])


def load_settings(path: Path, *, now: dt.date | None = None) -> tuple[Settings | None, list[Problem]]:
    """Read and validate site.toml; return the settings (None on errors) and all problems."""
    raw, problems = _read_toml(path)
    return (None, problems) if raw is None else validate(raw, path, now=now)


def _read_toml(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A settings file read (size cap, BOM) and parsed: the tables, or None and the one problem."""
    text, problem = read_settings_file(path)
    if problem is not None:
        return None, [problem]
    try:
        return _parse(text or ""), []
    except tomlparse.TooDeep as exc:
        return None, [_too_deep(path, exc)]
    except tomllib.TOMLDecodeError as exc:
        return None, [toml_error(str(path), exc)]


def _parse(text: str) -> dict[str, Any]:
    """TOML with bare fill-in markers quoted; nesting checked before parsing (tomlparse.TooDeep)."""
    return tomlparse.loads(_BARE_FILL_IN.sub(lambda m: f'{m[1]}"{m[2]}"{m[3]}', text))


def _too_deep(path: Path, exc: tomlparse.TooDeep) -> Problem:
    return report(str(path), t("config.where_line", line=exc.line), "input.too_deep", limit=tomlparse.MAX_DEPTH)


def load_table_file(path: Path, schema: Mapping[str, Opt]) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Another settings file (a deployment's bot.toml), read and checked exactly as site.toml is: the size cap,
    BOM, fill-in markers, and the schema walk of `schema`. The checked tables (None on errors) and every problem."""
    raw, problems = _read_toml(path)
    if raw is None:
        return None, problems
    checker = Checker(str(path), None)  # no texts in it: no site languages to check them against
    data = checker.table(raw, schema, "")
    return (None if checker.failed() else data), checker.problems


def schema_defaults(schema: Mapping[str, Opt]) -> dict[str, Any]:
    """The tables as the schema fills them when nothing is written: to go on checking what depends on a file
    that has problems of its own (reported already)."""
    return Checker("", None).table({}, schema, "")


def validate(raw: dict[str, Any], path: Path, *, now: dt.date | None = None) -> tuple[Settings | None, list[Problem]]:
    """Validate parsed TOML against the schema and the rules that span keys."""
    checker = Checker(str(path), _languages(raw))
    data = checker.table(raw, SCHEMA, "")
    checker.report_unused_languages()
    now = now or today()
    for rule in RULES:
        rule(checker, data, path, now)
    numbers = check_numbers(checker, data)
    phone_e164, wa_e164 = numbers.get("business.phone"), numbers.get("whatsapp.number")
    if checker.failed():
        return None, checker.problems
    settings = Settings(path=path, data=freeze(data), raw=data, whatsapp_e164=wa_e164 or "",
                        whatsapp_digits=(wa_e164 or "").lstrip("+"), phone_e164=phone_e164 or "", today=now,
                        given=frozenset(checker.given))
    return settings, checker.problems


def _languages(raw: dict[str, Any]) -> list[str] | None:
    """The site's languages for checking per-language texts; None when site.languages itself is wrong."""
    site = raw.get("site")
    if not isinstance(site, dict) or "languages" not in site:
        return ["de"]
    langs = site["languages"]
    if isinstance(langs, list) and langs and all(isinstance(x, str) for x in langs):
        return list(langs)
    return None  # reported once at site.languages; per-language warnings would only add noise

