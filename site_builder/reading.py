"""Settings and texts: everything a build reads, validated at once, every problem collected.

`read_site` loads and validates site.toml, then reads each language's texts: first the two that make the
consent text (index, consent) so that its version id is known, then the pages that cite it. It renders the
pages in memory too (they are cheap and every later stage needs their links).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings, load_settings
from .consent import ChatLink, Version, check_message_length, consent_identity, language_chat_links, read_archive
from .content import Text, read_language_texts
from .pages import (LanguageSite, logo_file, render_language, text_context, theme_environment,
                    theme_static, ui_defaults, vcard)
from .problems import Problem, errors
from .wording import Wording

@dataclass
class Language:
    """Everything read for one language."""

    lang: str
    texts: dict[str, Text]
    consent_id: str
    fragment: str
    versions: list[Version]
    new_version: Version | None
    links: dict[str, str] = field(default_factory=dict)  # page links of this language (content.page_links)
    chat_links: list[ChatLink] = field(default_factory=list)  # consent.language_chat_links



@dataclass
class Site:
    """One site as read: settings, texts per language, and its pages rendered in memory."""

    config: Path
    settings: Settings | None
    problems: list[Problem] = field(default_factory=list)
    languages: dict[str, Language] = field(default_factory=dict)
    sites: dict[str, LanguageSite] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # the pages: path below output/ -> bytes

    @property
    def new_versions(self) -> list[Version]:
        return [lang.new_version for lang in self.languages.values() if lang.new_version]


def read_language(settings: Settings, lang: str, problems: list[Problem]) -> Language | None:
    """Read one language's texts (every problem of every text reported), then its consent archive."""
    read, found = read_language_texts(settings.root / "content" / lang, lang,
                                      lambda links, consent: text_context(settings, lang, links, consent),
                                      lambda texts: consent_identity(texts, settings.for_lang(lang).purposes))
    problems += found
    if read.consent is None:
        return None
    consent_id, fragment = read.consent
    versions = read_archive(settings.root, lang, problems)
    new = None
    if consent_id not in {v.id for v in versions}:
        new = Version(consent_id, lang, settings.today.isoformat(), fragment)
        versions.append(new)
    chat = language_chat_links(settings, lang, read.texts["consent"].meta["message"], consent_id)
    return Language(lang, read.texts, consent_id, fragment, versions, new, read.links, chat)


_ENVIRONMENTS: dict[tuple[str, ...], Any] = {}


def shared_environment(settings: Settings):
    """One Jinja environment per theme search path and process, so templates compile once for
    every rebuild in `serve` and every site of a batch; Jinja rechecks each file's mtime on use."""
    env = theme_environment(settings)
    return _ENVIRONMENTS.setdefault(tuple(env.loader.searchpath), env)


def read_site(config: Path) -> Site:
    """Validate the settings and every text, and render the pages in memory; write nothing."""
    settings, problems = load_settings(config)
    site = Site(config, settings, problems=list(problems))
    if settings is None:
        return site
    site.problems += Wording(settings.root, settings.theme.name).moved()  # copies kept in the older place
    for lang in settings.languages:
        language = read_language(settings, lang, site.problems)
        if language is not None:
            site.languages[lang] = language
    if errors(site.problems) or len(site.languages) != len(settings.languages):
        return site
    from .completeness import completeness_problems  # every Art. 13 item filled, in every language

    site.problems += completeness_problems(settings, site.languages)
    default = site.languages[settings.default_lang]
    site.problems += check_message_length(
        default.chat_links, str(settings.root / "content" / settings.default_lang / "consent.md"))
    if errors(site.problems):
        return site
    env = shared_environment(settings)
    js = theme_static(settings, "app.js")
    all_links = {lang: language.links for lang, language in site.languages.items()}
    greeting = _first_answers(settings, site.languages)
    labels = {lang: ui_defaults(settings, lang, site.problems) for lang in site.languages}
    if errors(site.problems):
        return site
    for lang, language in site.languages.items():
        pages = render_language(settings, lang, language.texts, language.consent_id, language.fragment,
                                language.versions, all_links, language.chat_links, env, js, greeting.get(lang),
                                labels[lang])
        site.sites[lang] = pages
        site.files.update({f"site/{path}": data for path, data in pages.files.items()})
    site.files["site/contact.vcf"] = vcard(settings)
    for lang in settings.languages[1:]:
        site.files[f"site/{lang}/contact.vcf"] = vcard(settings)
    if (logo := logo_file(settings, site.problems)) is not None:  # an SVG without anything that could run
        site.files["site/" + logo[0]] = logo[1]
    return site


def _first_answers(settings: Settings, languages: dict[str, Language]) -> dict[str, str]:
    """What answers a customer's first message, for the landing page's chat preview: the consent bot's
    first answer when site.toml has a [bot] table, else the WhatsApp app's greeting from the records."""
    if settings.raw.get("bot") is not None:
        from .bot.replies import first_answers
        from .bot.site import bot_site

        return first_answers(bot_site(settings, languages, None), Wording(settings.root, settings.theme.name))
    from .records.stage import greetings

    return greetings(settings, languages)
