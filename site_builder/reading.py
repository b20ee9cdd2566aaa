"""Settings and texts: everything a build reads, validated at once, every problem collected.

`read_site` loads and validates site.toml, then reads each language's texts: first the two that make the
consent text (index, consent) so that its version id is known, then the pages that cite it. It renders the
pages in memory too (they are cheap and every later stage needs their links).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import consent as consent_mod
from .config import Settings, load_settings
from .consent import Version, check_message_length, read_archive
from .content import REQUIRED_TEXTS, Text, read_text, split_front_matter
from .pages import (LanguageSite, consent_for, page_links, render_language, text_context, theme_environment,
                    theme_static, vcard)
from .problems import Problem, errors

# Front matter keys the theme reads from each text.
REQUIRED_META = {
    "index": ("title", "heading", "intro", "consent_legend", "required_note", "optional_note", "chat_button",
              "gate_hint", "after_chat", "alternatives_heading", "alternatives_text", "call_label", "email_label",
              "save_contact", "privacy_link", "withdrawal_link", "imprint_link", "consent_text_link",
              "language_label", "skip_link"),
    "consent": ("message", "version_title", "version_intro", "versions_heading", "purposes_heading",
                "current_label"),
    "withdrawal": ("title", "message", "withdraw_button", "email_button", "call_button"),
    "privacy": ("title",),
    "imprint": ("title",),
}


@dataclass
class Language:
    """Everything read for one language."""

    lang: str
    texts: dict[str, Text]
    consent_id: str
    fragment: str
    versions: list[Version]
    new_version: Version | None



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


def _front_matters(folder: Path, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    metas: dict[str, dict[str, Any]] = {}
    for name in REQUIRED_TEXTS:
        path = folder / f"{name}.md"
        if not path.is_file():
            problems.append(Problem(str(path), "file", "missing",
                                    f"copy content/de/{name}.md from a new `site-builder init` folder and adapt it"))
            continue
        try:
            front, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
            metas[name] = tomllib.loads(front)
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
            metas[name] = {}  # read_text reports it with line and column
    return metas


def read_language(settings: Settings, lang: str, problems: list[Problem]) -> Language | None:
    """Read one language's texts: first the consent texts (for the id), then the pages that cite it."""
    folder = settings.root / "content" / lang
    before = len(problems)
    metas = _front_matters(folder, problems)
    if len(problems) > before:
        return None
    texts: dict[str, Text] = {}
    first = text_context(settings, lang, page_links(metas, None), None)
    for name in ("index", "consent"):
        if (text := read_text(folder / f"{name}.md", lang, first, problems)) is not None:
            texts[name] = text
    _missing_meta(folder, texts, problems)
    if len(texts) < 2 or len(problems) > before:
        return None  # the consent id is made from these two texts: they must be complete first
    consent_id, fragment = consent_for(settings, lang, texts)
    later = text_context(settings, lang, page_links(metas, consent_id), consent_id)
    for name in ("privacy", "withdrawal", "imprint"):
        if (text := read_text(folder / f"{name}.md", lang, later, problems)) is not None:
            texts[name] = text
    _missing_meta(folder, {k: t for k, t in texts.items() if k not in ("index", "consent")}, problems)
    if len(problems) > before:
        return None
    versions = read_archive(settings.root, lang, problems)
    new = None
    if consent_id not in {v.id for v in versions}:
        new = Version(consent_id, lang, settings.today.isoformat(), fragment)
        versions.append(new)
    return Language(lang, texts, consent_id, fragment, versions, new)


def _missing_meta(folder: Path, texts: dict[str, Text], problems: list[Problem]) -> None:
    for name, text in texts.items():
        if not text.meta and REQUIRED_META.get(name):
            problems.append(Problem(str(folder / f"{name}.md"), "front matter", "missing: the page's own texts "
                                    "(title, buttons, ...) go between +++ lines at the top",
                                    f"copy the +++ block from content/de/{name}.md of a new `site-builder init` "
                                    "folder and adapt it"))
            continue
        for key in REQUIRED_META.get(name, ()):
            if not str(text.meta.get(key, "")).strip():
                problems.append(Problem(str(folder / f"{name}.md"), f"front matter: {key}", "missing",
                                        f'add {key} = "..." between the +++ lines (see content/de/{name}.md)'))


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
        render_language_links(settings, default), str(settings.root / "content" / settings.default_lang / "consent.md"))
    if errors(site.problems):
        return site
    env = shared_environment(settings)
    js = theme_static(settings, "app.js")
    slug_map = {lang: page_links({k: t.meta for k, t in language.texts.items()}, language.consent_id)
                for lang, language in site.languages.items()}
    for lang, language in site.languages.items():
        pages = render_language(settings, lang, language.texts, language.consent_id, language.fragment,
                                language.versions, slug_map, env, js)
        site.sites[lang] = pages
        site.files.update({f"site/{path}": data for path, data in pages.files.items()})
    site.files["site/contact.vcf"] = vcard(settings)
    for lang in settings.languages[1:]:
        site.files[f"site/{lang}/contact.vcf"] = vcard(settings)
    if settings.logo_path:
        site.files["site/logo" + settings.logo_path.suffix.lower()] = settings.logo_path.read_bytes()
    return site


def render_language_links(settings: Settings, language: Language) -> list[consent_mod.ChatLink]:
    """The chat links of a language (for the message-length check before rendering)."""
    s = settings.for_lang(language.lang)
    return consent_mod.chat_links(s.purposes, language.texts["consent"].meta["message"],
                                  s.business.short_name or s.business.name, language.consent_id,
                                  settings.whatsapp_digits)


