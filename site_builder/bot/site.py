"""What the bot takes from the site: the recogniser of `site-builder consents` and the links and contact details
its replies name. `bot.load.load_site` reads them from a site folder; `bot_site` makes them from a read site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..register import Recognizer


@dataclass(frozen=True)
class LanguageFacts:
    """One language of the site as the bot's replies need it."""

    lang: str
    consent_id: str
    urls: Mapping[str, str]  # landing, privacy, withdrawal, consent, imprint
    purposes: Mapping[str, str]  # purpose id -> short label
    opening_hours: str


@dataclass(frozen=True)
class BotSite:
    """The site's recogniser and the facts of each language."""

    root: Path
    recognizer: Recognizer
    default_lang: str
    languages: Mapping[str, LanguageFacts]
    business: Mapping[str, str]  # name, short_name, street, postal_code, city, email
    phone: str  # for people to read
    timezone: str = "Europe/Berlin"


def bot_site(settings: Any, languages: Mapping[str, Any], recognizer: Recognizer | None) -> BotSite:
    """The bot's view of a read site (site.SiteModel's settings and languages)."""
    from ..formatting import display_phone, lang_dir

    langs: dict[str, LanguageFacts] = {}
    for lang, language in languages.items():
        folder = settings.base_url + lang_dir(settings, lang)
        urls = {"landing": folder, **{key: folder + name for key, name in language.links.items() if key != "index"}}
        s = settings.for_lang(lang)
        langs[lang] = LanguageFacts(lang, language.consent_id, urls, {p.id: p.short for p in s.purposes},
                                    str(s.business.opening_hours or ""))
    b = settings.business
    business = {key: str(b.get(key) or "") for key in ("name", "short_name", "street", "postal_code", "city",
                                                       "email")}
    business["short_name"] = business["short_name"] or business["name"]
    return BotSite(settings.root, recognizer, settings.default_lang, langs, business,  # type: ignore[arg-type]
                   display_phone(settings.phone_e164))
