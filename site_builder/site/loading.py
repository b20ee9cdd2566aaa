"""`load_site`: site.toml, the texts of every language, the consent and the wording, read and checked once.

    site.toml --validate--> Settings (config)
    wording/, themes/ ----> Wording and Theme: one lookup list each, the site's copies first
    content/<lang>/ ------> texts (placeholders filled, Markdown to safe HTML): index and consent first, whose
                            consent text gives the version id that the other texts cite
    consent-versions/ ----> the versions published before; chat links; the greeting the chat preview shows

Every problem is collected; an error stops the loading with all of them (InputError), so that a SiteModel
is always whole. What a stage makes of the model (pages, print files, records) is the stages' business.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

from .. import gate
from ..config import Section, Settings, load_settings
from ..consent import Version, check_message_length, consent_identity, language_chat_links, read_archive
from ..config.rules import dpia_required
from ..content import read_language_texts
from ..facts import whatsapp
from ..legal_form import legal_kind
from ..formatting import display_phone, format_date, lang_dir
from ..guided import RequestSet, load_requests
from ..problems import InputError, Problem, errors
from ..wording import Wording
from .greeting import first_answers
from .request_notice import request_section, with_request_section
from .site_model import LanguageModel, SiteModel, Theme

SHIPPED_THEMES = Path(__file__).resolve().parents[1] / "themes"


def load_site(config: Path) -> tuple[SiteModel, list[Problem]]:
    """The site of `config` and its warnings; InputError with every problem when any is an error."""
    settings, problems = load_settings(config)
    if settings is None:
        raise InputError(problems)
    wording = Wording(settings.root, settings.data.theme.name)
    problems += wording.moved()  # copies kept in the older place (themes/default/records/...)
    theme = load_theme(settings)
    has_bot = settings.data.get("bot") is not None
    requests, found = load_requests(settings, wording)
    problems += found
    languages: dict[str, LanguageModel] = {}
    for lang in settings.languages:
        language = load_language(settings, wording, lang, has_bot, problems, requests)
        if language is not None:
            languages[lang] = language
    if errors(problems) or len(languages) != len(settings.languages):
        raise InputError(problems)
    default = languages[settings.default_lang]
    problems += check_message_length(default.chat_links,
                                     str(settings.root / "content" / settings.default_lang / "consent.md"))
    if errors(problems):
        raise InputError(problems)
    return SiteModel(config, settings, theme, wording, languages, has_bot, requests), problems


def load_theme(settings: Settings) -> Theme:
    """The look: the site's themes/<name>/ first, then the shipped theme of that name and the shipped default."""
    table = settings.data.theme
    name = str(table.name)
    folders = tuple(dict.fromkeys((settings.root / "themes" / name, SHIPPED_THEMES / name, SHIPPED_THEMES / "default")))
    logo = settings.logo_path
    data = gate.read_bytes(logo, [], root=settings.root, limit=gate.MAX_LOGO_BYTES) if logo else None
    logo_digest = hashlib.sha256(data).hexdigest() if data is not None else ""  # the settings' checks named why
    photo = settings.root / table.photo if table.get("photo") else None
    return Theme(name, folders, str(table.primary), str(table.primary_dark), logo, logo_digest,
                 str(table.get("icon") or ""), photo)


def text_values(settings: Settings, values: Section, lang: str, links: Mapping[str, str],
                consent: str | None) -> dict[str, Any]:
    """The placeholders a content text may use: the settings in its language, and a few made for texts: what the
    legal form means (legal.sole_trader, .merchant, .female), whether a data protection officer is required
    (dpo_required), and, for a site with [bot], what Meta says about its Cloud API (cloud_api, facts checked
    2026-12-07)."""
    api = whatsapp().cloud_api
    return {
        **{key: values[key] for key in values},
        "phone_display": display_phone(settings.phone_e164),
        "whatsapp_display": display_phone(settings.whatsapp_e164),
        "transfer_reviewed": format_date(values.transfer.reviewed, lang),
        "as_of": format_date(values.site.as_of, lang),
        "links": dict(links),
        "consent_id": consent,
        "lang": lang,
        "legal": legal_kind(values.business.legal_form),
        "dpo_required": dpia_required(settings.data),
        "cloud_api": {"processor": api.processor, "address": api.address(lang), "retention_days": api.retention_days},
    }


def load_language(settings: Settings, wording: Wording, lang: str, has_bot: bool,
                  problems: list[Problem], requests: RequestSet | None = None) -> LanguageModel | None:
    """One language: its texts (every problem of every text reported), its consent, versions and chat links."""
    values = settings.for_lang(lang)
    read, found = read_language_texts(settings.root, settings.root / "content" / lang, lang,
                                      lambda links, consent: text_values(settings, values, lang, links, consent),
                                      lambda texts: consent_identity(texts, values.purposes))
    problems += found
    if read.consent is None:
        return None
    consent_id, fragment = read.consent
    versions = read_archive(settings.root, lang, problems)
    new = None
    if consent_id not in {v.id for v in versions}:
        # the version's own date is the date of its texts (site.as_of), not the day of a build (issue 23)
        new = Version(consent_id, lang, values.site.as_of.isoformat(), fragment)
        versions.append(new)
    chat = language_chat_links(settings, lang, read.texts["consent"].meta["message"], consent_id)
    folder = lang_dir(settings, lang)
    url = settings.base_url + folder
    urls = {"landing": url, **{key: url + name for key, name in read.links.items() if key != "index"}}
    phone = display_phone(settings.phone_e164)
    bot = settings.data.get("bot") if has_bot else None
    answers = first_answers(wording, lang, values, urls, phone, consent_id, chat, bot)
    texts = read.texts
    if requests:  # the privacy notice describes the guided requests in a section of their own
        texts = with_request_section(texts, request_section(settings, wording, requests, lang, problems))
    return LanguageModel(lang, folder, url, values, texts, read.links, consent_id, fragment, tuple(versions),
                         new, tuple(chat), answers)
