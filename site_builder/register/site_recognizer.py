"""The recogniser of one site: its own prefilled messages, purposes and consent versions (the command
`consents` and the consent bot both use it)."""

from __future__ import annotations

from typing import Any

from ..wording import Wording
from .model import KnownVersion, LanguageTemplates
from .recognise import Recognizer, build_recognizer
from .stop_words import SHIPPED_LANGS, read_stop_words


def site_recognizer(site: Any) -> Recognizer:
    """A recogniser for a read site's (site.SiteModel's) own prefilled messages, purposes and consent versions."""
    settings = site.settings
    templates, known, current = [], [], {}
    for lang, language in site.languages.items():
        s = settings.for_lang(lang)
        withdrawal = language.texts["withdrawal"].meta
        templates.append(LanguageTemplates(
            lang=lang, consent=str(language.texts["consent"].meta["message"]),
            withdrawal=str(withdrawal["message"]), marketing_optout=str(withdrawal.get("marketing_message", "")),
            purpose_labels={p.id: p.short for p in s.purposes}))
        known += [KnownVersion(vid, v.lang, v.date) for v in language.versions for vid in v.ids]
        current[lang] = language.consent_id
    b = settings.business
    # the site's languages first (its own copies win), German and English always: customers write either
    words = read_stop_words(Wording(settings.root), (*site.languages, *SHIPPED_LANGS))
    return build_recognizer(templates, b.short_name or b.name, known, current, own_senders=[b.name],
                            stop_words=words)
