"""Wording files in TOML, read once and filled: each value's line is known, so that a placeholder problem names
its file and line (a records or app wording file, read through site_builder.wording.Wording).

Values are text with {{ placeholders }}; lists are arrays of tables (`[[risks]]`), each entry with a fixed `id`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Collection, Iterator, Mapping

from markupsafe import Markup

from ..placeholders import render_placeholders
from ..problems import Problem, report
from .. import gate, tomlparse
from ..tomlparse import tomllib
from . import SHIPPED, Wording


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
        problems.append(report(str(wording.own_path(rel)), "file", "records.wording_file_missing",
                               builtin=str(SHIPPED / rel)))
        return None
    try:
        source = gate.decode(gate.read_or_refuse(path, root=wording.root), str(path))
        return _parse(rel, str(path), source)
    except gate.Refused as refused:
        problems.append(refused.problem)
    except tomlparse.TooDeep as exc:
        problems.append(report(str(path), f"line {exc.line}", "input.too_deep", limit=tomlparse.MAX_DEPTH))
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        problems.append(report(str(path), f"line {line.group(1)}" if line else "TOML", "records.wording_toml",
                               error=str(exc)))
    return None


@functools.lru_cache(maxsize=64)
def _parse(rel: str, path: str, source: str) -> WordFile:
    # kept per file text: `serve` rebuilds on every change, and parsing TOML is most of the records' reading
    return WordFile(rel, path, tomlparse.loads(source), key_lines(source))


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
        # the records escape for themselves: no HTML escaping here
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
                                            builtin=str(SHIPPED / self.file.rel)))
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

