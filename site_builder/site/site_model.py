"""The site as every stage sees it: one frozen model, made once per build by `load_site`.

    SiteModel      the validated settings, the theme (the look), the wording lookup, and per language:
    LanguageModel  its settings values, texts, page links, consent id and fragment, consent versions,
                   chat links and what answers each of them (the chat preview shows it).

Stages take a SiteModel and nothing else of the loading: no stage reads site.toml, content/ or a
theme folder by a path of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .. import gate
from ..config import Section, Settings
from ..problems import Problem, report
from ..consent import ChatLink, Version
from ..content import Text
from ..graphics.photo import PhotoHeader, file_names, modern_format, read_header
from ..guided import RequestSet
from ..wording import Wording


@dataclass(frozen=True)
class Theme:
    """The look: page templates, CSS and scripts, looked up in the site's themes/<name>/ first, then in the
    shipped theme of that name and the shipped default; and the colours and logo the settings give it."""

    name: str
    folders: tuple[Path, ...]
    primary: str
    primary_dark: str
    logo: Path | None  # the logo file the settings name
    logo_digest: str  # sha256 of the logo's bytes ('' without a logo): what drawn units of it are keyed by
    icon: str = ""  # the shipped trade icon the header shows while there is no logo ('' for none)
    photo: Path | None = None  # the owner's photo the settings name (theme.photo)

    def template_folders(self) -> tuple[Path, ...]:
        return tuple(folder / "templates" for folder in self.folders if (folder / "templates").is_dir())

    def static(self, name: str, root: Path, problems: list[Problem]) -> str | None:
        """A static file of the theme (static/<name>), the site's copy first, read through the gate; None with
        a problem when it cannot be read."""
        for folder in self.folders:
            if gate.present(folder / "static" / name):
                return gate.read_text(folder / "static" / name, problems, root=root)
        problems.append(report(str(self.folders[0] / "static" / name), "file", "input.missing"))
        return None


@dataclass(frozen=True)
class LanguageModel:
    """One language of the site, everything read for it."""

    lang: str
    folder: str  # its folder inside the published site: '' for the default language, 'en/' for the others
    url: str  # the published address of that folder
    values: Section  # the settings with every per-language text resolved to this language
    texts: Mapping[str, Text]  # index, consent, privacy, withdrawal, imprint
    links: Mapping[str, str]  # page key -> file name within the folder (content.page_links)
    consent_id: str
    fragment: str  # the consent text a customer agrees to, as HTML
    versions: tuple[Version, ...]  # every published consent version, oldest first, the current one included
    new_version: Version | None  # the current one, when no earlier build published it
    chat_links: tuple[ChatLink, ...]  # one per combination of optional purposes
    answers: tuple[str, ...]  # what answers each chat link's message once sent (site.greeting): the chat preview

    @property
    def urls(self) -> dict[str, str]:
        """The published addresses of its pages: landing, privacy, withdrawal, imprint, consent, vcard."""
        return {"landing": self.url, **{key: self.url + name for key, name in self.links.items() if key != "index"}}

    @property
    def intro(self) -> str:
        """The landing page's intro: the benefit line on posters and link-preview cards."""
        return str(self.texts["index"].meta.get("intro", ""))


@dataclass(frozen=True)
class SiteModel:
    """One site, loaded and validated: what every stage is made from."""

    config: Path  # site.toml
    settings: Settings
    theme: Theme
    wording: Wording
    languages: Mapping[str, LanguageModel]  # in settings.languages order, the default first
    has_bot: bool  # site.toml has a [bot] table: the consent bot answers the first message
    requests: RequestSet = field(default_factory=RequestSet)  # the guided requests offered ([bot.requests])

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def default_lang(self) -> str:
        return self.settings.default_lang

    @property
    def default(self) -> LanguageModel:
        return self.languages[self.default_lang]

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def new_versions(self) -> list[Version]:
        return [language.new_version for language in self.languages.values() if language.new_version]

    @property
    def icons(self) -> tuple[str, ...]:
        """The site's icons every page links in its head (the link-preview stage draws them)."""
        return ("favicon.ico", "favicon.png", "apple-touch-icon.png")

    @staticmethod
    def card(lang: str) -> str:
        """The link-preview card of a language, in that language's folder."""
        return f"card-{lang}.png"

    @property
    def logo_name(self) -> str | None:
        """The logo's file name in the published site (logo.svg, logo.png, ...)."""
        return "logo" + self.theme.logo.suffix.lower() if self.theme.logo else None

    def page_paths(self) -> list[str]:
        """Every file the pages stage publishes, below site/: each language's pages and contact card, the logo,
        the photo."""
        paths = []
        for language in self.languages.values():
            names = [language.links[key] for key in ("index", "privacy", "imprint", "withdrawal")]
            names += [f"consent-{vid}.html" for version in language.versions for vid in version.ids] + ["contact.vcf"]
            paths += [language.folder + name for name in names]
        return paths + ([self.logo_name] if self.logo_name else []) + self.photo_names()

    def photo_names(self) -> list[str]:
        """The files of the owner's photo in site/ (one per size and format), from its header alone."""
        if self.theme.photo is None:
            return []
        header = read_header(self.theme.photo)
        return list(file_names(header, modern_format())) if isinstance(header, PhotoHeader) else []
