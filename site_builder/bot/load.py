"""Loading a site folder for the bot: `site.load_site` makes the SiteModel (as for `check` and `build`), the
register's recogniser is made from it."""

from __future__ import annotations

from pathlib import Path

from ..problems import InputError, Problem, errors
from ..register.site_recognizer import site_recognizer
from ..site import load_site
from .site import BotSite


def load_bot_site(config: Path) -> tuple[BotSite | None, list[Problem]]:
    """The site of `config` for the bot (nothing is written), or None with the problems that stop it."""
    try:
        model, _warnings = load_site(config)
    except InputError as exc:
        return None, errors(exc.problems)
    return BotSite(model, site_recognizer(model)), []
