"""The print wording: poster and invoice-block labels (print/<lang>/poster.toml) and the print shop's notes
(print/<lang>/README.txt), looked up the site's own copy first, then the shipped one (site_builder.wording).

Reading the files is cheap and is all the units' digests need; filling their {{ placeholders }} (Jinja, in
the sandbox of site_builder.placeholders) happens only where a text is used, and only if it has any.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from markupsafe import Markup

from ...placeholders import render_placeholders
from ...problems import Problem
from ... import gate, tomlparse
from ...wording import Wording
from .print_model import PosterTexts, problem

POSTER = "print/{lang}/poster.toml"
README = "print/{lang}/README.txt"
LABELS = ("call_to_action", "consent_note", "invoice_text")
# Added later (issue 13): a site's copy written before them still works; the shipped file of the same
# language supplies a key the override lacks (never another language's).
LATER_LABELS = ("scan_instruction", "call_instead")


def wording_files(wording: Wording, lang: str) -> dict[str, str]:
    """The text of each print wording file of `lang` that a theme has (for digests), by relative path."""
    found = {}
    for rel in (POSTER.format(lang=lang), README.format(lang=lang)):
        path = wording.locate(rel)
        if path is not None:
            try:
                found[rel] = wording.read(rel)[0]
            except gate.Refused:
                found[rel] = ""  # reported with its file when the texts are read
    return found


def missing_problems(wording: Wording, languages: tuple[str, ...]) -> list[Problem]:
    """One problem per language without print wording: never a silent fallback to another language."""
    problems = []
    for lang in languages:
        missing = wording.missing([POSTER.format(lang=lang), README.format(lang=lang)])
        if missing:
            problems.append(problem(str(wording.own_path(missing[0])), "file", "print.wording_missing", lang=lang,
                                    files=", ".join(missing)))
    return problems


def plain(value: Any) -> Any:
    """Values for placeholders in plain text: marked safe, so that `&` stays `&` (the sandbox escapes HTML)."""
    if isinstance(value, str):
        return Markup(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def fill(text: str, context: Mapping[str, Any], file: str, line: int, problems: list[Problem]) -> str | None:
    """`text` with its placeholders filled; the text itself if it has none (the sandbox is not asked)."""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return text
    filled = render_placeholders(text, plain(context), file, line, problems)
    return None if filled is None else str(filled)


def poster_texts(wording: Wording, lang: str, context: Mapping[str, Any],
                 problems: list[Problem]) -> PosterTexts | None:
    """The labels of `lang`, placeholders filled; None with problems naming the file and line."""
    rel = POSTER.format(lang=lang)
    data = wording.toml(rel, problems)
    if data is None:
        return None
    path = str(wording.locate(rel))
    try:
        source, _ = wording.read(rel)
    except gate.Refused as refused:  # read a moment ago by wording.toml: changed meanwhile
        problems.append(refused.problem)
        return None
    values = {}
    for key in LABELS:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(problem(path, key, "print.label_missing", key=key))
            continue
        values[key] = fill(value, context, path, _line_of(source, key), problems)
    for key in LATER_LABELS:
        found = _later_label(wording, rel, key, data)
        if found is not None:
            value, where, text = found
            values[key] = fill(value, context, where, _line_of(text, key), problems)
    if len(values) < len(LABELS) or any(v is None for v in values.values()):
        return None
    return PosterTexts(lang, **values)


def _later_label(wording: Wording, rel: str, key: str, winner: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(value, file, its text) of `key` from the first wording folder whose `rel` has it; None if none has."""
    for folder in wording.folders:
        path = folder / rel
        if not gate.present(path):
            continue
        try:
            text = gate.decode(gate.read_or_refuse(path, root=wording.root), str(path))
            data = winner if path == wording.locate(rel) else tomlparse.loads(text)
        except (gate.Refused, ValueError):  # TOMLDecodeError and TooDeep are ValueErrors
            continue  # the winning file's problems are reported by wording.toml; a built-in file is sound
        value = data.get(key)
        if isinstance(value, str):
            return value, str(path), text
    return None


def _line_of(source: str, key: str) -> int:
    for number, line in enumerate(source.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 1


def readme_sources(wording: Wording, languages: tuple[str, ...],
                   problems: list[Problem]) -> tuple[tuple[str, str, str], ...]:
    """(language, file, text) of each language's notes template (print/<lang>/README.txt)."""
    found = []
    for lang in languages:
        rel = README.format(lang=lang)
        if wording.locate(rel) is None:
            problems.extend(missing_problems(wording, (lang,)))
            continue
        try:
            source, path = wording.read(rel)
        except gate.Refused as refused:
            problems.append(refused.problem)
            continue
        found.append((lang, str(path), source))
    return tuple(found)


def readme(file: str, source: str, context: Mapping[str, Any], problems: list[Problem]) -> str | None:
    """The print shop's notes from their template, placeholders filled; None with problems naming file and line."""
    return fill(source, context, file, 1, problems)
