"""What the records are made from: the settings, and per language the texts read by the build.

`records_input` copies what the records need out of the build's languages into a frozen value
(`RecordsInput`), so that nothing here depends on the build: the build passes any objects with the
attributes of `LanguageTexts`. `Site` is one language as a record sees it, with its wording.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Protocol, Sequence

from ..formatting import display_phone, format_date, lang_dir
from ..wording.wordfiles import Words

if TYPE_CHECKING:
    from ..config import Settings


class TextLike(Protocol):
    """A rendered content text (content.Text): front matter and safe HTML."""

    @property
    def meta(self) -> Mapping[str, Any]: ...
    @property
    def html(self) -> str: ...


class VersionLike(Protocol):
    """A published consent version (consent.Version)."""

    @property
    def id(self) -> str: ...
    @property
    def date(self) -> str: ...


class LanguageTexts(Protocol):
    """One language as the build read it (reading.Language)."""

    @property
    def texts(self) -> Mapping[str, TextLike]: ...
    @property
    def consent_id(self) -> str: ...
    @property
    def fragment(self) -> str: ...  # the consent text a customer agrees to, as HTML
    @property
    def versions(self) -> Sequence[VersionLike]: ...
    @property
    def links(self) -> Mapping[str, str]: ...  # page links (content.page_links), computed once by the build
    @property
    def chat_links(self) -> Sequence[Any]: ...  # consent.ChatLink of each purpose combination, computed once


@dataclass(frozen=True)
class RecordsLanguage:
    """Everything the records read from one language's texts."""

    lang: str
    consent_id: str
    fragment: str
    versions: tuple[tuple[str, str], ...]  # (id, ISO date)
    privacy_html: str
    consent_message: str  # the prefilled message template (content/<lang>/consent.md: message)
    withdrawal_message: str
    marketing_message: str
    pages: tuple[tuple[str, str], ...]  # page_links: (key, file name)
    messages: tuple[tuple[tuple[str, ...], str], ...]  # (purpose ids, prefilled message)


@dataclass(frozen=True)
class RecordsInput:
    """The records' input besides the settings, in settings.languages order."""

    languages: tuple[RecordsLanguage, ...]


def records_input(settings: Settings, languages: Mapping[str, LanguageTexts]) -> RecordsInput:
    """Copy what the records need out of the build's languages (those of settings.languages it has)."""
    out = []
    for lang in settings.languages:
        language = languages.get(lang)
        if language is None:
            continue
        texts = language.texts
        withdrawal = texts["withdrawal"].meta
        message = str(texts["consent"].meta["message"])
        out.append(RecordsLanguage(
            lang=lang, consent_id=language.consent_id, fragment=language.fragment,
            versions=tuple((v.id, v.date) for v in language.versions),
            privacy_html=texts["privacy"].html, consent_message=message,
            withdrawal_message=str(withdrawal["message"]),
            marketing_message=str(withdrawal.get("marketing_message", "")),
            pages=tuple(language.links.items()),
            messages=tuple((link.purposes, link.message) for link in language.chat_links)))
    return RecordsInput(tuple(out))


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Site:
    """One language of the site as the records see it: settings, texts, links and wording."""

    settings: Settings
    language: RecordsLanguage
    s: Any  # settings.for_lang(lang)
    words: Mapping[str, Words]  # wording file name ('consent', 'common', 'app/texts', ...) -> its words

    @property
    def lang(self) -> str:
        return self.language.lang

    @property
    def consent_id(self) -> str:
        return self.language.consent_id

    @property
    def records(self) -> Any:
        return self.s.records

    @property
    def folder(self) -> str:
        """The published folder of this language."""
        return self.settings.base_url + lang_dir(self.settings, self.lang)

    @property
    def urls(self) -> dict[str, str]:
        return {"landing": self.folder, **{key: self.folder + name for key, name in self.language.pages
                                           if key != "index"}}

    def date(self, day: dt.date) -> str:
        return format_date(day, self.lang)

    @property
    def stand(self) -> str:
        return self.date(self.s.site.as_of)

    @property
    def phone(self) -> str:
        return display_phone(self.settings.phone_e164)

    @property
    def whatsapp(self) -> str:
        return display_phone(self.settings.whatsapp_e164)

    @property
    def next_review(self) -> dt.date:
        return add_months(self.s.site.as_of, int(self.records.review_months))

    @property
    def transfer_due(self) -> dt.date:
        return add_months(self.s.transfer.reviewed, 12)

    @property
    def device(self) -> str:
        return self.records.device or self.words["risk-assessment"]("device_default")

    @property
    def handler(self) -> str:
        return self.records.withdrawal_handler or self.s.business.representative


def base_values(settings: Settings, language: RecordsLanguage) -> dict[str, Any]:
    """The placeholders every record sentence may use (besides the few a sentence gets for itself)."""
    s = settings.for_lang(language.lang)
    folder = settings.base_url + lang_dir(settings, language.lang)
    pages = dict(language.pages)
    return {
        "business": s.business.name, "representative": s.business.representative,
        "landing_url": folder, "privacy_url": folder + pages["privacy"],
        "withdrawal_url": folder + pages["withdrawal"], "version": language.consent_id, "lang": language.lang,
        "chat_months": s.retention.chat_months, "days": s.records.withdrawal_days,
        "reviewed": format_date(s.transfer.reviewed, language.lang),
    }
