"""Reading a site folder for the bot: the one place that knows how the site is read (reading.read_site)."""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem, errors
from .site import BotSite, bot_site


def load_site(config: Path) -> tuple[BotSite | None, list[Problem]]:
    """Read the site in memory (nothing is written) and take the recogniser and the links from it."""
    from ..register.site_recognizer import site_recognizer
    from ..reading import read_site

    site = read_site(config)
    if site.settings is None or errors(site.problems):
        return None, errors(site.problems)
    return bot_site(site.settings, site.languages, site_recognizer(site)), []
