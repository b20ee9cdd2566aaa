"""Reading a site folder for the bot: the one place that knows how the site is read (site.load_site, whose every
file passes the gate of gate.py, as for `build`)."""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem, errors
from .site import BotSite, bot_site


def load_site(config: Path) -> tuple[BotSite | None, list[Problem]]:
    """Read the site in memory (nothing is written) and take the recogniser and the links from it."""
    from ..problems import InputError
    from ..register.site_recognizer import site_recognizer
    from ..site import load_site as load_site_model

    try:
        site, _ = load_site_model(config)
    except InputError as exc:
        return None, errors(exc.problems)
    return bot_site(site.settings, site.languages, site_recognizer(site)), []
