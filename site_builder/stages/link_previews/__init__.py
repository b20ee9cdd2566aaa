"""The link-preview stage: what a page shows outside itself, in output/site/: the card a messenger or a
social network shows for a shared link (Open Graph, 1200x630, per language), the favicon and the
apple-touch-icon (from the logo, or the business's initial), and robots.txt.

    plan(site) -> StagePlan    one unit, drawn by cards.py (ReportLab, pdfium, Pillow) only when needed
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ...site import SiteModel
from ...units import StagePlan, drawn_unit
from .preview_model import PreviewImages

RENDERER = f"{__name__}.cards"


def robots_txt(base_url: str) -> bytes | None:
    """robots.txt when the site is the host's root (crawlers read it only there); else None."""
    if urlsplit(base_url).path not in ("", "/"):
        return None
    return b"User-agent: *\nAllow: /\n"


def plan(site: SiteModel) -> StagePlan:
    theme = site.theme
    model = PreviewImages(
        name=site.settings.data.business.name,
        benefits=tuple((lang, language.intro) for lang, language in site.languages.items()),
        folders=tuple((lang, language.folder) for lang, language in site.languages.items()),
        logo=theme.logo, logo_digest=theme.logo_digest, colour=theme.primary, robots=robots_txt(site.base_url))
    paths = tuple(f"site/{name}" for name in site.icons) + tuple(
        f"site/{language.folder}{site.card(lang)}" for lang, language in site.languages.items())
    if model.robots is not None:
        paths += ("site/robots.txt",)
    return StagePlan((drawn_unit("site/media", RENDERER, model, paths),))
