"""One language of the site as a record sees it: the SiteModel's language with its records wording.

`RecordLanguage` is what every record module takes; `base_values` the placeholders every record sentence may use.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from ...config import Section, Settings
from ...config.rules import dpia_required
from ...facts import whatsapp
from ...legal_form import legal_kind
from ...formatting import display_phone, format_date
from ...site import LanguageModel, SiteModel
from ...wording.wordfiles import Words


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RecordLanguage:
    """One language of the site as the records see it: settings, texts, links and wording."""

    site: SiteModel
    language: LanguageModel
    words: Mapping[str, Words]  # wording file name ('consent', 'common', 'app/texts', ...) -> its words

    @property
    def settings(self) -> Settings:
        return self.site.settings

    @property
    def s(self) -> Section:
        """The settings in this language."""
        return self.language.values

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
        return self.language.url

    @property
    def urls(self) -> dict[str, str]:
        return self.language.urls

    @property
    def consent_message(self) -> str:
        """The prefilled message's template (content/<lang>/consent.md: message)."""
        return str(self.language.texts["consent"].meta["message"])

    @property
    def withdrawal_message(self) -> str:
        return str(self.language.texts["withdrawal"].meta["message"])

    @property
    def marketing_message(self) -> str:
        return str(self.language.texts["withdrawal"].meta.get("marketing_message", ""))

    @property
    def privacy_html(self) -> str:
        return self.language.texts["privacy"].html

    @property
    def versions(self) -> list[tuple[str, str, str]]:
        """Every published consent version as (id, ISO date)."""
        return [(version.id, version.date, version.also) for version in self.language.versions]

    @property
    def messages(self) -> list[tuple[tuple[str, ...], str]]:
        """Each prefilled message with the purposes it names."""
        return [(link.purposes, link.message) for link in self.language.chat_links]

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
    def has_bot(self) -> bool:
        return self.site.has_bot

    @property
    def bot_host(self) -> str:
        return str((self.s.get("bot") or {}).get("hosting_provider") or "")

    @property
    def handler(self) -> str:
        return self.records.withdrawal_handler or self.s.business.representative


def base_values(language: LanguageModel) -> dict[str, Any]:
    """The placeholders every record sentence may use (besides the few a sentence gets for itself): the site's
    facts, and the settings a sentence may depend on with {% if %}: `bot` (a [bot] table: Meta's Cloud API,
    `bot_host`, `cloud_processor`, `cloud_days` from site_builder/facts, checked 2026-12-07), `special` (Art. 9
    data with their own box), `minors` (records.minors), `merchant` (§ 257 HGB applies), `dpia` (a full DPIA is
    the rule, and with it a data protection officer)."""
    s, urls = language.values, language.urls
    api = whatsapp().cloud_api
    bot = s.get("bot") or {}
    return {
        "business": s.business.name, "representative": s.business.representative,
        "landing_url": urls["landing"], "privacy_url": urls["privacy"],
        "withdrawal_url": urls["withdrawal"], "version": language.consent_id, "lang": language.lang,
        "chat_months": s.retention.chat_months, "days": s.records.withdrawal_days,
        "reviewed": format_date(s.transfer.reviewed, language.lang),
        "bot": bool(s.get("bot") is not None), "bot_host": str(bot.get("hosting_provider") or ""),
        "cloud_processor": api.processor, "cloud_days": api.retention_days,
        "special": bool(s.records.special_categories), "minors": str(s.records.minors or "none"),
        "merchant": legal_kind(s.business.legal_form).merchant, "dpia": dpia_required(s),
    }
