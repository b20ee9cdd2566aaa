"""The message catalogue: every sentence the command line prints, in English and German.

Catalogue files: ``messages/<lang>/<area>.toml``, one per area of the tool (config, content, print,
records, register, build, cli, ...). An entry is either a string, or a table with ``what`` and ``fix``
(the two halves of ``<file>: <where>: <what> (<fix>)``). Fields are filled with ``str.format``
(``{key}``, ``{value!r}``). The full key of an entry is ``<area>.<name>``.

The language follows gettext's conventions (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, first supported
one wins); ``--lang`` overrides it through `set_language`. A key missing in German falls back to
English; `tests/test_messages.py` keeps the two catalogues complete and every field consistent.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, Mapping

from ..tomlparse import tomllib

HERE = Path(__file__).parent
LANGUAGES = ("en", "de")
DEFAULT = "en"

_current: str | None = None


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The catalogue language the locale asks for, by gettext's order of variables."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        if var == "LANGUAGE":  # a colon-separated preference list, honoured unless the locale is C
            candidates = value.split(":")
        else:
            candidates = [value]
        for candidate in candidates:
            code = candidate.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
        if var != "LANGUAGE":
            return DEFAULT  # the first set locale variable decides, like setlocale(LC_MESSAGES)
    return DEFAULT


def set_language(lang: str | None) -> None:
    """Choose the catalogue language for this process (None: from the environment again)."""
    global _current
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unsupported message language {lang!r}")
    _current = lang


def current_language() -> str:
    return _current or language_from_environment()


@cache
def area(lang: str, name: str) -> dict[str, Any]:
    """One catalogue file (messages/<lang>/<name>.toml); empty if that language has none. Read on first use:
    a command that prints three messages reads one or two small files, not the whole catalogue."""
    path = HERE / lang / f"{name}.toml"
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}


def catalogue(lang: str) -> dict[str, Any]:
    """Every entry of one language, keyed `<area>.<name>` (for tests and translators)."""
    entries: dict[str, Any] = {}
    for path in sorted((HERE / lang).glob("*.toml")):
        for name, value in area(lang, path.stem).items():
            entries[f"{path.stem}.{name}"] = value
    return entries


def _entry(key: str, lang: str | None = None) -> Any:
    lang = lang or current_language()
    file, _, name = key.partition(".")
    entry = area(lang, file).get(name)
    if entry is None:
        entry = area(DEFAULT, file).get(name)
    if entry is None:
        raise KeyError(f"no message {key!r} in the catalogue")
    return entry


def t(key: str, /, **fields: Any) -> str:
    """The text of an entry (its `what` half for a what/fix pair), fields filled in."""
    entry = _entry(key)
    text = entry["what"] if isinstance(entry, dict) else entry
    return text.format(**fields)


def fix(key: str, /, **fields: Any) -> str:
    """The `fix` half of an entry ('' when it has none)."""
    entry = _entry(key)
    return entry.get("fix", "").format(**fields) if isinstance(entry, dict) else ""
