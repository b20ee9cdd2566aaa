"""What the bot takes from the site: the SiteModel that `site.load_site` makes for every stage (texts, links,
consent ids, the greeting, the wording lookup), and the register's recogniser made from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..formatting import display_phone
from ..register import Recognizer
from ..site import LanguageModel, SiteModel
from ..site.greeting import bot_values
from ..wording import Wording


@dataclass(frozen=True)
class BotSite:
    """The site as loaded, and the recogniser of its consent messages."""

    model: SiteModel
    recognizer: Recognizer

    @property
    def root(self) -> Path:
        return self.model.root

    @property
    def wording(self) -> Wording:
        return self.model.wording

    @property
    def default_lang(self) -> str:
        return self.model.default_lang

    @property
    def languages(self) -> Mapping[str, LanguageModel]:
        return self.model.languages

    def language(self, lang: str) -> LanguageModel:
        """The language, or the site's first one when the site does not have it."""
        return self.model.languages.get(lang) or self.model.default

    @property
    def phone(self) -> str:
        return display_phone(self.model.settings.phone_e164)

    @property
    def business(self) -> dict[str, str]:
        """name, short_name, street, postal_code, city, email of the business (for the owner's e-mails)."""
        b = self.model.settings.data.business
        out = {key: str(b.get(key) or "") for key in ("name", "short_name", "street", "postal_code", "city",
                                                       "email")}
        out["short_name"] = out["short_name"] or out["name"]
        return out

    def purpose_labels(self, lang: str) -> dict[str, str]:
        """Purpose id -> its short label in `lang`."""
        return {p.id: p.short for p in self.language(lang).values.purposes}

    def opening_hours(self, lang: str) -> str:
        return str(self.language(lang).values.business.opening_hours or "")

    def reply_values(self, lang: str) -> dict[str, Any]:
        """The placeholders of the bot's replies in `lang` (the same the chat preview's greeting is filled from)."""
        language = self.language(lang)
        return bot_values(language.values, language.urls, self.phone, language.consent_id)
