"""The message catalogue: English and German complete and consistent, and no entry that nothing uses."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from site_builder.messages import HERE, LANGUAGES, catalogue, language_from_environment

PACKAGE = Path(__file__).resolve().parents[2] / "site_builder"


def texts(entry: object) -> dict[str, str]:
    """The strings of one entry: {"": text} or {"what": ..., "fix": ...}."""
    return {"": entry} if isinstance(entry, str) else dict(entry)  # type: ignore[arg-type]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_language_has_the_same_entries_and_parts():
    english = catalogue("en")
    for lang in LANGUAGES:
        other = catalogue(lang)
        assert set(other) == set(english), (lang, set(other) ^ set(english))
        for key, entry in english.items():
            assert set(texts(other[key])) == set(texts(entry)), (lang, key)


def test_every_language_has_the_same_fields():
    english = catalogue("en")
    for lang in LANGUAGES:
        for key, entry in catalogue(lang).items():
            for part, text in texts(entry).items():
                assert fields(text) == fields(texts(english[key])[part]), (lang, key, part)


def test_every_text_formats_with_its_fields():
    for lang in LANGUAGES:
        for key, entry in catalogue(lang).items():
            for text in texts(entry).values():
                text.format(**{name: "x" for name in fields(text)})


IDENTIFIERS = re.compile(r"^[a-z0-9_.\[\], /()<>{}-]+$")  # lists of settings keys are the same in every language


def test_german_is_a_translation_not_a_copy():
    english, german = catalogue("en"), catalogue("de")
    same = [key for key, entry in english.items() if texts(entry) == texts(german[key])
            and not all(IDENTIFIERS.match(text) for text in texts(entry).values())]
    assert not same, f"German entries identical to English: {same}"


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py")))


def test_every_entry_is_used_in_the_code():
    """Each key appears quoted in the code, or belongs to a family the code declares where it builds the
    key (a comment `catalogue family: <prefix>*` next to the f-string)."""
    source = _source()
    families = tuple(re.findall(r"catalogue family: ([\w.]+)\*", source))
    unused = [key for key in catalogue("en") if not re.search(rf"[\"']{re.escape(key)}[\"']", source)
              and not key.startswith(families or ("\0",))]
    assert not unused, f"catalogue entries no code uses: {unused}"


def test_every_catalogue_file_is_valid_toml_in_both_languages():
    for lang in LANGUAGES:
        files = {p.name for p in (HERE / lang).glob("*.toml")}
        assert files == {p.name for p in (HERE / "en").glob("*.toml")}, lang


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "C"}, "en"),
    ({"LC_ALL": "de_AT.UTF-8", "LANG": "en_GB.UTF-8"}, "de"),
    ({"LANGUAGE": "fr:de", "LANG": "en_US.UTF-8"}, "de"),
    ({}, "en"),
])
def test_the_locale_chooses_the_language(environ, expected):
    assert language_from_environment(environ) == expected
