"""The validated, immutable Settings that every later stage trusts."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping

# Languages the tool knows by name; a site may use any of them if it ships content/<lang>/.
LANGUAGE_NAMES = {
    "de": "Deutsch", "en": "English", "fr": "Français", "it": "Italiano", "es": "Español",
    "nl": "Nederlands", "pl": "Polski", "tr": "Türkçe", "uk": "Українська", "ru": "Русский",
    "ar": "العربية", "pt": "Português", "cs": "Čeština", "da": "Dansk", "el": "Ελληνικά",
    "hr": "Hrvatski", "ro": "Română", "sv": "Svenska", "hu": "Magyar", "bg": "Български",
}


class Localized(dict):
    """A text given per language: {"de": "...", "en": "..."}."""


class Section(Mapping):
    """A read-only table with attribute access, for code and templates alike.

    A missing key read as an attribute raises AttributeError, so that Jinja turns it into its own
    undefined value, which the placeholder sandbox records and reports by its full key with the known
    keys nearest to it ("unknown placeholder: business.fax", never this class's name).
    """

    __slots__ = ("_data", "_path")

    def __init__(self, data: Mapping[str, Any], path: str = ""):
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "_path", path)

    def __getattr__(self, key: str) -> Any:
        data = object.__getattribute__(self, "_data")
        try:
            return data[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("settings are read-only")

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Section({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Section, (self._data, self._path))


def freeze(value: Any, lang: str | None = None, path: str = "") -> Any:
    """Read-only copy of validated data; per-language texts resolved to `lang` when given."""
    if isinstance(value, Localized):
        return value[lang] if lang else MappingProxyType(dict(value))
    if isinstance(value, dict):
        return Section({k: freeze(v, lang, f"{path}.{k}" if path else k) for k, v in value.items()}, path)
    if isinstance(value, list):
        return tuple(freeze(v, lang, f"{path}[{i}]") for i, v in enumerate(value))
    return value


def today() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible runs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


@dataclass(frozen=True)
class Settings:
    """Validated settings; later stages trust them."""

    path: Path
    data: Section  # all tables; per-language texts as {lang: text}
    raw: Mapping[str, Any] = field(repr=False)  # the normalised dict, for per-language views
    whatsapp_e164: str
    whatsapp_digits: str
    phone_e164: str
    today: dt.date
    given: frozenset[str] = frozenset()  # the dotted keys the file names itself ("bot.port"); defaults fill the rest

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def languages(self) -> tuple[str, ...]:
        return self.data.site.languages

    @property
    def default_lang(self) -> str:
        return self.languages[0]

    @property
    def base_url(self) -> str:
        return self.data.site.base_url

    @property
    def logo_path(self) -> Path | None:
        logo = self.data.theme.get("logo")
        return (self.root / logo) if logo else None

    def __getattr__(self, key: str) -> Any:
        # settings.business, settings.purposes, ... read straight from the tables
        data = object.__getattribute__(self, "data")
        try:
            return data[key]
        except KeyError:
            raise AttributeError(key) from None

    def for_lang(self, lang: str) -> Section:
        """The settings with every per-language text resolved to `lang`."""
        return freeze(self.raw, lang)
