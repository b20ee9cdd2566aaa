"""The site as commands/consents.py reads it, until it takes the SiteModel itself: the
settings (None when the site cannot be loaded), every problem, and each language (site.LanguageModel)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .config import Settings
from .problems import InputError, Problem
from .site import LanguageModel, load_site


@dataclass(frozen=True)
class ReadSite:
    settings: Settings | None
    problems: list[Problem]
    languages: Mapping[str, LanguageModel] = field(default_factory=dict)


def read_site(config: Path) -> ReadSite:
    """load_site's answer in the shape these two callers expect."""
    try:
        site, problems = load_site(config)
    except InputError as exc:
        return ReadSite(None, list(exc.problems))
    return ReadSite(site.settings, problems, site.languages)
