"""Trade presets for `site-builder init --trade NAME`: purposes, the landing page's heading, intro and first-screen
texts, channels, and the trade's look (colours and icon, [theme]).

Each preset is a TOML file next to this module (`baeckerei.toml`, ...). Its texts are starting points, not
the business's own words: `known_wordings()` collects them (and the example site's, which a plain `init`
copies) so that `check` can warn while a site still uses one unchanged.

This module reads only TOML files; it imports nothing from the rest of the package (no import cycles).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from .. import tomlparse
from ..tomlparse import tomllib

HERE = Path(__file__).parent
EXAMPLE = HERE.parent / "example"
# the value `site.preset` has for a site made by `init` without --trade (the example's purposes)
GENERIC = "example"
# other names an owner may type; the file names stay the canonical ones
ALIASES = {
    "handwerk": ("craft", "crafts", "trade", "trades", "handwerker", "maler", "painter", "schreiner", "schreinerei",
                 "tischler", "tischlerei", "carpenter", "elektro", "elektriker", "electrician", "sanitär", "plumber"),
    "baeckerei": ("bakery", "bäckerei", "backerei", "food", "lebensmittel", "metzgerei", "butcher"),
    "einzelhandel": ("retail", "shop", "laden", "handel"),
    "dienstleistung": ("services", "service", "consulting", "beratung", "dienstleister"),
}
# texts an owner should make his own; ids, legal bases and the short words are fine as they are
PURPOSE_TEXTS = ("label", "description")
INDEX_TEXTS = ("heading", "intro")
_FRONT_MATTER = re.compile(r"\A\+\+\+\r?\n(.*?)\r?\n\+\+\+", re.S)


@cache
def presets() -> dict[str, dict[str, Any]]:
    """Every preset by its name (the file name), in alphabetical order."""
    out: dict[str, dict[str, Any]] = {}
    for file in sorted(HERE.glob("*.toml")):
        with file.open("rb") as f:
            out[file.stem] = tomllib.load(f)
    return out


def resolve(name: str) -> str | None:
    """The preset's canonical name for a name or alias the owner typed; None if there is none."""
    key = name.strip().lower()
    if key in presets():
        return key
    return next((canonical for canonical, others in ALIASES.items() if key in others and canonical in presets()),
                None)


def description(name: str, lang: str) -> str:
    """The preset's one-line description in `lang` (German or English)."""
    text = presets()[name]["preset"]["name"]
    return text.get(lang) or text.get("en") or next(iter(text.values()))


def front_matter(text: str) -> dict[str, Any]:
    """The TOML front matter of a content file (between +++ lines); {} when there is none or it is broken."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    try:
        return tomlparse.loads(match.group(1))
    except ValueError:  # TOMLDecodeError, TooDeep
        return {}  # reported by the content stage, not here


def _texts(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value.strip()}
    if isinstance(value, dict):
        return {v.strip() for v in value.values() if isinstance(v, str)}
    return set()


@cache
def _example() -> dict[str, Any]:
    with (EXAMPLE / "site.toml").open("rb") as f:
        site = tomllib.load(f)
    index: dict[str, Any] = {}
    for lang_dir in sorted((EXAMPLE / "content").iterdir()):
        file = lang_dir / "index.md"
        if file.is_file():
            matter = front_matter(file.read_text(encoding="utf-8"))
            for key in INDEX_TEXTS:
                if isinstance(matter.get(key), str):
                    index.setdefault(key, {})[lang_dir.name] = matter[key]
    return {"purposes": site.get("purposes", []), "index": index}


@cache
def known_wordings() -> dict[str, dict[str, tuple[str, ...]]]:
    """For each text key ("label", "heading", ...): every wording a preset or the example ships -> its origins.

    A wording can come from more than one source (the example is a craft business, so `handwerk` shares its
    texts); every origin is kept so that a warning can name the one the site was actually made from.
    """
    out: dict[str, dict[str, tuple[str, ...]]] = {key: {} for key in (*PURPOSE_TEXTS, *INDEX_TEXTS)}
    sources = [(GENERIC, _example())] + list(presets().items())

    def add(key: str, text: str, origin: str) -> None:
        if origin not in out[key].get(text, ()):
            out[key][text] = (*out[key].get(text, ()), origin)

    for origin, preset in sources:
        for purpose in preset.get("purposes", []):
            for key in PURPOSE_TEXTS:
                for text in _texts(purpose.get(key)):
                    add(key, text, origin)
        for key in INDEX_TEXTS:
            for text in _texts((preset.get("index") or {}).get(key)):
                add(key, text, origin)
    return out


def unchanged(purposes: Any, index_texts: dict[str, dict[str, Any]],
              preset: str | None = None) -> list[tuple[str, str, list[str], str]]:
    """(file, where, keys, origin) for every purpose and page whose texts are still a preset's or the example's.

    `purposes` are the validated purposes ({"label": {"de": ...}, ...}); `index_texts` maps a content file
    (e.g. "content/de/index.md") to its front matter. One entry per purpose and per page keeps the warnings few.
    `preset` is the one the site was made from (site.preset): named as the origin whenever it ships the text.
    """
    known = known_wordings()

    def origin_of(key: str, text: str) -> str:
        origins = known[key][text]
        return preset if preset is not None and preset in origins else origins[0]

    hits: list[tuple[str, str, list[str], str]] = []
    for i, purpose in enumerate(purposes if isinstance(purposes, list) else []):
        keys, origin = [], ""
        for key in PURPOSE_TEXTS:
            value = purpose.get(key) if isinstance(purpose, dict) else None
            for lang, text in (value.items() if isinstance(value, dict) else ()):
                if isinstance(text, str) and text.strip() in known[key]:
                    keys.append(f"{key}.{lang}")
                    origin = origin or origin_of(key, text.strip())
        if keys:
            hits.append(("site.toml", f"purposes[{i}]", keys, origin))
    for file, matter in index_texts.items():
        keys, origin = [], ""
        for key in INDEX_TEXTS:
            text = matter.get(key)
            if isinstance(text, str) and text.strip() in known[key]:
                keys.append(key)
                origin = origin or origin_of(key, text.strip())
        if keys:
            hits.append((file, "front matter", keys, origin))
    return hits
