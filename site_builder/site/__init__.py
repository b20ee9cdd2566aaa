"""The site, loaded once: `load_site(config) -> (SiteModel, warnings)`, InputError with every problem else.

site_model.py  SiteModel, LanguageModel, Theme: frozen; what every stage is made from
loading.py     load_site: settings, theme and wording lookups, texts, consent, versions, chat links, greeting
greeting.py    what answers a customer's first message (the app's greeting, or the consent bot's)
"""

from __future__ import annotations

from .loading import load_site
from .site_model import LanguageModel, SiteModel, Theme

__all__ = ["LanguageModel", "SiteModel", "Theme", "load_site"]
