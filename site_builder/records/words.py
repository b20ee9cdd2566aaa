"""The wording of the records and the app texts: TOML files under themes/default/, one per record and language.

    themes/default/records/<lang>/common.toml              words every record uses (Stand, Seite, ...)
    themes/default/records/<lang>/record-of-processing.toml, risk-assessment.toml, ... one per record
    themes/default/app/<lang>/texts.toml                   the texts for the WhatsApp Business app

A site overrides one file by copying it to the same path below its own themes/default/ (see
site_builder.wording.Wording). Values are text with {{ placeholders }}; lists are arrays of tables
(`[[risks]]`), each entry with a fixed `id`. A placeholder the build does not know is a problem naming
the file and line; a language without these files is a problem naming every missing file (no silent
fallback to another language).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Iterator, Mapping

from ..problems import Problem, report
from ..tomlparse import tomllib
from ..wording import BUILTIN_THEMES, Wording

DOCUMENTS = ("letter-to-whatsapp", "instructions", "staff-instruction", "access-request", "lost-phone")
RECORD_FILES = ("common", "record-of-processing", "risk-assessment", "processor-terms", "consent",
                "privacy-notice", "withdrawal", "index", "whatsapp-app", *DOCUMENTS)
# The placeholders the documents (records/documents.py) may use besides those of every record.
DOCUMENT_FIELDS = ("number", "handler", "deputy", "device", "authority", "terms_date", "business_address",
                   "phone", "email", "wa_privacy")
APP_FILES = ("texts",)
# The placeholders the texts of a record file may use besides those of every record (inputs.base_values):
# the values the record modules pass for one sentence. Checked for every text of the file, used or not.
FIELDS: dict[str, tuple[str, ...]] = {
    "common": ("key", "name"),
    "record-of-processing": ("channels",),
    "risk-assessment": ("channels", "device", "handler", "items", "met", "partly", "total"),
    "processor-terms": ("item", "date"),
    "consent": ("columns",),
    "privacy-notice": ("para", "lit"),
    "withdrawal": ("label", "note", "kept"),
    "index": ("date", "items", "handler", "deputy"),
    "whatsapp-app": ("count", "limit", "language"),
    **{name: DOCUMENT_FIELDS for name in DOCUMENTS},
    # the app texts have their own values (records/app.py: app_values), none of the records'
    "app/texts": ("business", "city", "landing_url", "privacy_url", "withdrawal_url", "phone", "email",
                  "opening_hours", "stop_marketing", "when"),
}


def wording_paths(lang: str) -> list[str]:
    """Every wording file one language needs, relative to a theme folder."""
    return [f"records/{lang}/{name}.toml" for name in RECORD_FILES] + [f"app/{lang}/{name}.toml" for name in APP_FILES]


@dataclass(frozen=True)
class WordFile:
    """One parsed wording file: its values, and the line where each value's text starts."""

    rel: str  # e.g. records/de/consent.toml
    path: str  # the file that won (the site's own, or the built-in one)
    data: Mapping[str, Any]
    lines: Mapping[str, int]  # "intro", "todo.sign", "risks.2.title" -> line


# --- reading ----------------------------------------------------------------------------------

_ARRAY = re.compile(r'^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]\s*(#.*)?$')
_TABLE = re.compile(r'^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$')
_KEY = re.compile(r'^\s*("[^"]*"|[A-Za-z0-9_-]+)\s*=\s*(.*)$')


def key_lines(source: str) -> dict[str, int]:
    """The line of each value, by dotted path (arrays of tables counted from 0): enough of TOML for the
    files we ship and their copies, so that a placeholder problem can name its line."""
    out: dict[str, int] = {}
    prefix, counts, open_quote = "", {}, ""
    for number, line in enumerate(source.splitlines(), 1):
        if open_quote:
            if line.count(open_quote) % 2:
                open_quote = ""
            continue
        if match := _ARRAY.match(line):
            counts[match.group(1)] = counts.get(match.group(1), -1) + 1
            prefix = f"{match.group(1)}.{counts[match.group(1)]}."
        elif match := _TABLE.match(line):
            prefix = match.group(1) + "."
        elif match := _KEY.match(line):
            rest = match.group(2).strip()
            quote = next((q for q in ('"""', "'''") if rest.startswith(q) and rest.count(q) % 2), "")
            # a multi-line string that opens at the end of the line starts its text on the next one
            starts_below = bool(quote) and rest.rstrip("\\").rstrip() == quote
            out[prefix + match.group(1).strip('"')] = number + starts_below
            open_quote = quote
    return out


def read_file(wording: Wording, rel: str, problems: list[Problem]) -> WordFile | None:
    path = wording.locate(rel)
    if path is None:
        problems.append(report(str(wording.root / "themes" / wording.theme / rel), "file",
                               "records.wording_file_missing", builtin=str(BUILTIN_THEMES / "default" / rel)))
        return None
    try:
        stat = path.stat()
        return _parse(rel, str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(report(str(path), "file", "records.wording_unreadable", error=exc.__class__.__name__))
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        problems.append(report(str(path), f"line {line.group(1)}" if line else "TOML", "records.wording_toml",
                               error=str(exc)))
    return None


@functools.lru_cache(maxsize=64)
def _parse(rel: str, path: str, mtime_ns: int, size: int) -> WordFile:
    # kept per file version: `serve` rebuilds on every change, and parsing TOML is most of the records' reading
    source = Path(path).read_text(encoding="utf-8")
    return WordFile(rel, path, tomllib.loads(source), key_lines(source))


def read_language(wording: Wording, lang: str, problems: list[Problem]) -> dict[str, WordFile] | None:
    """Every wording file of one language by name ('consent', 'app/texts', ...), or None with problems.

    A language with page texts but no wording of its own is one problem naming every missing file."""
    rels = wording_paths(lang)
    missing = wording.missing(rels)
    if missing:
        folder = wording.root / "themes" / wording.theme
        problems.append(report(str(folder), f"records/{lang}, app/{lang}", "records.wording_language_missing",
                               lang=lang, files=", ".join(missing), folder=str(folder),
                               builtin=str(BUILTIN_THEMES / "default")))
        return None
    before = len(problems)
    files = {rel: read_file(wording, rel, problems) for rel in rels}
    if len(problems) > before:
        return None
    return {_name(rel): file for rel, file in files.items() if file is not None}


def _name(rel: str) -> str:
    folder, _, file = rel.partition("/")
    stem = file.split("/", 1)[1].removesuffix(".toml")
    return stem if folder == "records" else f"{folder}/{stem}"


# --- filling ----------------------------------------------------------------------------------

_SIMPLE = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")  # {{- x -}} trims whitespace: left to Jinja


def fill(text: str, values: Mapping[str, Any], file: str, line: int, problems: list[Problem],
         checked: Collection[str] = ()) -> str:
    """{{ placeholders }} filled from `values`; an unknown one is a problem naming file and line (unless it is
    not in `checked`, the names `check_placeholders` allowed: it has reported the others already).

    Plain names, as all the shipped wording uses, are filled here; anything else ({% if %}, filters)
    goes to Jinja's sandbox like the texts in content/ (placeholders.render_placeholders)."""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return text
    rest = _SIMPLE.sub("", text)
    if "{{" in rest or "{%" in rest or "{#" in rest:
        from markupsafe import Markup  # the records escape for themselves: no HTML escaping here

        from ..placeholders import render_placeholders

        safe = {k: Markup(v) if isinstance(v, str) else v for k, v in values.items()}
        return render_placeholders(text, safe, file, line, problems) or text
    out, start, ok = [], 0, True
    for match in _SIMPLE.finditer(text):
        name = match.group(1)
        if name not in values:
            ok = False
            if not checked or name in checked:
                problems.append(_unknown(file, line + text.count("\n", 0, match.start()), name, values))
            continue
        out += [text[start:match.start()], str(values[name])]
        start = match.end()
    out.append(text[start:])
    return "".join(out) if ok else text


def _unknown(file: str, line: int, name: str, names: Collection[str]) -> Problem:
    return report(file, f"line {line}", "records.unknown_placeholder", name=name,
                  names=", ".join("{{ " + k + " }}" for k in sorted(names)))


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}.{i}")


def check_placeholders(file: WordFile, allowed: Collection[str]) -> list[Problem]:
    """Every plain {{ name }} in every text of the file, used in this build or not, must be one it may use."""
    problems = []
    for path, text in _strings(file.data):
        for match in _SIMPLE.finditer(text):
            if match.group(1) not in allowed:
                line = file.lines.get(path, 1) + text.count("\n", 0, match.start())
                problems.append(_unknown(file.path, line, match.group(1), allowed))
    return problems


@dataclass
class Words:
    """One wording file of one language, its placeholders filled from `base` and each call's fields."""

    file: WordFile
    base: Mapping[str, Any]
    problems: list[Problem] = field(default_factory=list)
    allowed: frozenset[str] = frozenset()  # what check_placeholders held the file to

    def _value(self, path: str) -> Any:
        node: Any = self.file.data
        for part in path.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                self.problems.append(report(self.file.path, path, "records.wording_key_missing",
                                            builtin=str(BUILTIN_THEMES / "default" / self.file.rel)))
                return None
        return node

    def __call__(self, path: str, **fields: Any) -> str:
        """The text at `path` (e.g. 'intro', 'todo.sign'), placeholders filled."""
        value = self._value(path)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problems.append(report(self.file.path, path, "records.wording_not_text"))
            return ""
        line = self.file.lines.get(path, 1)
        return fill(value, {**self.base, **fields}, self.file.path, line, self.problems, self.allowed)

    def table(self, path: str) -> dict[str, str]:
        """A table of texts keyed by id (e.g. channel names), placeholders filled."""
        value = self._value(path)
        if not isinstance(value, dict):
            if value is not None:
                self.problems.append(report(self.file.path, path, "records.wording_not_table"))
            return {}
        return {key: self(f"{path}.{key}") for key in value}

    def entries(self, path: str) -> list[Entry]:
        """The entries of a list (`[[path]]` tables), in order."""
        value = self._value(path)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            if value is not None:
                self.problems.append(report(self.file.path, path, "records.wording_not_list"))
            return []
        return [Entry(self, f"{path}.{i}", str(v.get("id", i + 1))) for i, v in enumerate(value)]

    def texts(self, path: str, **fields: Any) -> list[str]:
        """The `text` of every entry of a list."""
        return [entry("text", **fields) for entry in self.entries(path)]


@dataclass(frozen=True)
class Entry:
    """One entry of a wording list."""

    words: Words
    path: str
    id: str

    def __call__(self, name: str, **fields: Any) -> str:
        return self.words(f"{self.path}.{name}", **fields)

    def raw(self, name: str, default: Any = None) -> Any:
        value = self.words.file.data
        for part in self.path.split("."):
            value = value[int(part)] if isinstance(value, list) else value[part]
        return value.get(name, default)

