"""The settings: site.toml read, validated against one schema, and frozen into Settings.

schema.py   every key once: kind, doc (en/de), default, single-value check, length limit, init hints
bot_schema.py the [bot] table's keys (and a deployment's bot.toml), split into shared and per-site keys
option.py   Opt, one declared key
checks.py   the single-value checks the schema names (URLs, e-mail, colours, ranges)
checker.py  the walk along the schema: kinds, required keys, fill-ins, lengths, hidden characters
rules.py    the rules that span keys, each checked once
load.py     reading the file safely (size cap, regular files only, BOM) and `validate`
numbers.py  phone numbers and postal codes, used exactly as typed or reported
settings.py the immutable Settings and Section
Every message comes from the catalogue area `config` (site_builder/messages/<lang>/config.toml).
"""

from __future__ import annotations

from .checks import HEX_COLOUR, PAPER_FORMATS
from .load import MAX_SETTINGS_BYTES, load_settings, load_table_file, validate
from .rules import MAX_OPTIONAL_PURPOSES, SLUG, SOURCE_CODE, contrast
from .schema import SCHEMA, Opt
from .settings import LANGUAGE_NAMES, Localized, Section, Settings, freeze, today

__all__ = [
    "HEX_COLOUR", "LANGUAGE_NAMES", "Localized", "MAX_OPTIONAL_PURPOSES", "MAX_SETTINGS_BYTES", "Opt",
    "PAPER_FORMATS", "SCHEMA", "SLUG", "SOURCE_CODE", "Section", "Settings", "contrast", "freeze",
    "load_settings", "load_table_file", "today", "validate",
]
