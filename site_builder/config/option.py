"""One settings key as the schema declares it (schema.py, bot_schema.py): kind, docs, default, check, limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .checks import Fault


@dataclass(frozen=True)
class Opt:
    """One settings key."""

    kind: str  # str, int, float, bool, date, list, text (per language), table, tables, map (named tables)
    doc: str = ""  # English
    de: str = ""  # German
    required: bool = True
    default: Any = None
    children: Mapping[str, "Opt"] | None = None
    check: Callable[[Any], Fault | None] | None = None
    find: tuple[str, str] | None = None  # where to find the value: (English, German)
    init: str = "value"
    sample: str = ""  # the TOML value init writes for "value" and "comment"
    max_len: int = 300  # characters, for str and text values
    max_items: int = 50  # entries, for list and tables values

    def help(self, lang: str) -> str:
        return self.de if lang == "de" and self.de else self.doc

    def where_to_find(self, lang: str) -> str:
        if not self.find:
            return ""
        return self.find[1] if lang == "de" else self.find[0]
