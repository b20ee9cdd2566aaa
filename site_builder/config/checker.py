"""Walk parsed TOML along the schema: kinds, required keys, fill-ins, lengths, hidden characters."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from typing import Any, Mapping

from ..messages import current_language, t
from ..problems import Problem, report
from . import checks
from .schema import Opt
from .settings import Localized

FILL_IN = re.compile(r"^<<.*>>$", re.S)
# a name the owner gives a table of their own ([bot.answers.<name>]): it becomes a file name, so a short id
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
# Dates a record can print and add months to; outside this a typo (9999-12-31) is the likely cause.
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)

_EXPECTED = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "date": dt.date}
# catalogue keys, written out so that a search for a key finds its use
_KIND_NAME = {"str": "config.kind_str", "int": "config.kind_int", "float": "config.kind_float",
              "bool": "config.kind_bool", "list": "config.kind_list", "date": "config.kind_date",
              "table": "config.kind_table", "text": "config.kind_str"}
_KIND_EXAMPLE = {"str": "config.example_str", "int": "config.example_int", "float": "config.example_float",
                 "bool": "config.example_bool", "list": "config.example_list", "date": "config.example_date"}


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key_name(key: object) -> str:
    """A key as it may appear in a message's <where>: odd characters escaped, so no ':' or newline slips in."""
    text = str(key)
    if _PLAIN_KEY.fullmatch(text):
        return text
    return '"' + "".join(c if c.isalnum() or c in " _-." else f"\\u{ord(c):04x}" for c in text) + '"'


def kind_name(kind: str) -> str:
    return t(_KIND_NAME.get(kind, "config.kind_str"))


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return t("config.kind_bool")
    if isinstance(value, dt.datetime):
        return t("config.kind_datetime")
    key = {str: "config.kind_str", int: "config.kind_int", float: "config.kind_float", list: "config.kind_list",
           dict: "config.kind_table", dt.date: "config.kind_date", dt.time: "config.kind_time"}.get(type(value))
    return t(key) if key else type(value).__name__


class Checker:
    """Collects every problem of one settings file; `languages` is None when site.languages is unusable."""

    def __init__(self, file: str, languages: list[str] | None):
        self.file = file
        self.languages = languages
        self.lang = current_language()
        self.problems: list[Problem] = []
        self.unused: dict[str, list[str]] = {}  # language not in site.languages -> the texts given in it
        self.given: set[str] = set()  # the dotted keys written in the file (a default fills the others)

    def error(self, where: str, message: str, /, **fields: Any) -> None:
        self.problems.append(report(self.file, where, message, **fields))

    def warn(self, where: str, message: str, /, **fields: Any) -> None:
        self.problems.append(report(self.file, where, message, warning=True, **fields))

    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def table(self, raw: Mapping[str, Any], schema: Mapping[str, Opt], prefix: str) -> dict[str, Any]:
        for key in raw:
            if key not in schema:
                self.unknown(f"{prefix}{key_name(key)}", key, schema)
        out: dict[str, Any] = {}
        for key, opt in schema.items():
            where = f"{prefix}{key}"
            if key in raw:
                self.given.add(where)
                out[key] = self.value(raw[key], opt, where)
            elif opt.required and opt.default is None:
                self.error(where, "config.missing", doc=opt.help(self.lang))
            else:  # optional and absent: present as None so templates can test it
                out[key] = None if opt.default is None else self.value(_copy(opt.default), opt, where)
        return out

    def report_unused_languages(self) -> None:
        """One warning per language that texts are given in but the site does not list."""
        for lang, wheres in self.unused.items():
            self.warn(wheres[0], "config.text_language_unused", lang=lang, count=len(wheres))

    def unknown(self, where: str, key: str, schema: Mapping[str, Opt]) -> None:
        close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
        if close:
            self.error(where, "config.unknown_key", guess=close[0])
        else:
            self.error(where, "config.unknown_key_list", known=", ".join(schema))

    def value(self, value: Any, opt: Opt, where: str) -> Any:
        if isinstance(value, str) and FILL_IN.match(value.strip()):
            self.error(where, "config.not_filled_in", value=_short(value.strip()), doc=opt.help(self.lang))
            return None
        if opt.kind == "table":
            return self.subtable(value, opt, where)
        if opt.kind == "tables":
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                self.error(where, "config.not_tables", key=where)
                return None
            if not self.few_enough(value, opt, where):
                return None
            return [self.table(v, opt.children or {}, f"{where}[{i}].") for i, v in enumerate(value)]
        if opt.kind == "map":
            return self.named_tables(value, opt, where)
        if opt.kind == "text":
            return self.text(value, opt, where)
        if not self.right_kind(value, opt, where) or opt.kind == "list" and not self.few_enough(value, opt, where):
            return None
        return self.scalar(value, opt, where)

    def few_enough(self, value: list, opt: Opt, where: str) -> bool:
        if len(value) > opt.max_items:
            self.error(where, "config.too_many", count=len(value), limit=opt.max_items)
            return False
        return True

    def named_tables(self, value: Any, opt: Opt, where: str) -> dict[str, Any] | None:
        """A table of tables the owner names ([bot.answers.parking]): each name a short id, each entry checked
        against the same children."""
        if not isinstance(value, dict):
            self.error(where, "config.not_table", found=type_name(value), key=where)
            return None
        if len(value) > opt.max_items:
            self.error(where, "config.too_many", count=len(value), limit=opt.max_items)
            return None
        out: dict[str, Any] = {}
        for name, entry in value.items():
            at = f"{where}.{key_name(name)}"
            if not NAME.match(str(name)):
                self.error(at, "config.bad_name", value=key_name(name))
            elif not isinstance(entry, dict):
                self.error(at, "config.not_table", found=type_name(entry), key=at)
            else:
                out[name] = self.table(entry, opt.children or {}, at + ".")
        return out

    def subtable(self, value: Any, opt: Opt, where: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(where, "config.not_table", found=type_name(value), key=where)
            return None
        return dict(value) if opt.children is None else self.table(value, opt.children, where + ".")

    def right_kind(self, value: Any, opt: Opt, where: str) -> bool:
        kind = opt.kind
        wrong = (isinstance(value, bool) and kind in ("int", "float") or not isinstance(value, _EXPECTED[kind])
                 or (kind == "date" and isinstance(value, dt.datetime)))
        if wrong:
            self.error(where, "config.wrong_kind", kind=kind_name(kind), found=type_name(value),
                       example=t(_KIND_EXAMPLE[kind]))
        return not wrong

    def scalar(self, value: Any, opt: Opt, where: str) -> Any:
        if opt.kind == "str":
            value = self.string(value, opt, where, newlines=False)
            if not value:
                if opt.required and value == "":
                    self.error(where, "config.empty", doc=opt.help(self.lang))
                return None
        elif opt.kind == "float":
            if not math.isfinite(value):
                self.error(where, "config.not_finite", value=value)
                return None
            value = float(value)
        elif opt.kind == "date" and not FIRST_DATE <= value <= LAST_DATE:
            self.error(where, "config.date_range", value=value.isoformat(), first=FIRST_DATE.year,
                       last=LAST_DATE.year)
            return None
        if value is not None and opt.check and (fault := opt.check(value)):
            self.error(where, fault[0], **fault[1])
            return None
        return value

    def string(self, value: str, opt: Opt, where: str, *, newlines: bool) -> str | None:
        """The stripped text, or None after reporting a hidden character or too much length."""
        value = value.strip()
        if len(value) > opt.max_len:
            self.error(where, "config.too_long", length=len(value), limit=opt.max_len)
            return None
        if char := checks.hidden_character(value, newlines=newlines):
            self.error(where, "config.hidden_character", char=char)
            return None
        return value

    def text(self, value: Any, opt: Opt, where: str) -> Localized | None:
        if isinstance(value, str):
            text = self.one_text(value, opt, where)
            if text is None:
                return None
            return Localized({lang: text for lang in (self.languages or ["de"])})
        if not isinstance(value, dict):
            self.error(where, "config.not_text", found=type_name(value))
            return None
        out = Localized()
        for raw_lang, text in value.items():
            lang = key_name(raw_lang)
            if self.languages is not None and lang not in self.languages:
                self.unused.setdefault(lang, []).append(f"{where}.{lang}")
            elif not isinstance(text, str):
                self.error(f"{where}.{lang}", "config.text_not_text")
            elif (checked := self.one_text(text, opt, f"{where}.{lang}")) is not None:
                out[lang] = checked
        for lang in self.languages or ():
            if lang not in value:
                self.error(f"{where}.{lang}", "config.text_missing", lang=lang)
        return out

    def one_text(self, value: str, opt: Opt, where: str) -> str | None:
        if FILL_IN.match(value.strip()):
            self.error(where, "config.not_filled_in", value=_short(value.strip()), doc=opt.help(self.lang))
            return None
        text = self.string(value, opt, where, newlines=True)
        if text == "":
            self.error(where, "config.empty", doc=opt.help(self.lang))
            return None
        if text is not None and opt.check and (fault := opt.check(text)):
            self.error(where, fault[0], **fault[1])
            return None
        return text


def _short(value: str) -> str:
    """A value quoted in a message: one line, not too long."""
    value = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in value)
    return value if len(value) <= 80 else value[:77] + "..."


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return list(value)
    return value
