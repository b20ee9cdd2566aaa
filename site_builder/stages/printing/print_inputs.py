"""From the SiteModel to the print model: the few values the print files are made of, as plain data."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Mapping

from ...config import Settings
from ...formatting import national_phone
from ...problems import Problem
from ...site import SiteModel
from . import print_wording
from .print_model import MIN_CODE_MM, Channel, PosterTexts, PrintSet


def display_url(settings: Settings) -> str:
    return settings.base_url.removeprefix("https://").rstrip("/")


def channels(settings: Settings) -> tuple[Channel, ...]:
    """Every channel with its URL; the invoice code is as large as its scan distance asks (at least 20 mm)."""
    invoice_mm = max(MIN_CODE_MM, scan_distances(settings).get("invoice", MIN_CODE_MM))
    return tuple(Channel(name, f"{settings.base_url}?s={code}", invoice_mm if name == "invoice" else MIN_CODE_MM)
                 for name, code in settings.data.channels.items())


def scan_distances(settings: Settings) -> dict[str, float]:
    """The scan distances that are numbers (the settings' validation reports the others, before any stage runs)."""
    return {k: float(v) for k, v in dict(settings.data.print.scan_distance_cm).items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)}


def label_context(site: SiteModel, lang: str) -> dict[str, Any]:
    """What a placeholder in a print wording file may name: the business (in `lang`), the site's address and
    the phone in national form."""
    settings = site.settings
    return {"business": site.languages[lang].values.business, "phone": national_phone(settings.phone_e164),
            "site": {"base_url": settings.base_url, "display_url": display_url(settings)}}


def poster_texts(site: SiteModel, problems: list[Problem],
                 benefits: Mapping[str, str] | None = None) -> tuple[PosterTexts, ...] | None:
    """The labels of every language, or None with problems naming file and line.

    benefits: what the customer gets, per language (the landing page's intro); none: no benefit line."""
    found = [print_wording.poster_texts(site.wording, lang, label_context(site, lang), problems)
             for lang in site.languages]
    if any(t is None for t in found):
        return None
    phone = national_phone(site.settings.phone_e164)
    return tuple(replace(t, benefit=benefit_line((benefits or {}).get(t.lang, "")),
                         call_instead=t.call_instead if phone else "") for t in found if t is not None)


def benefit_line(intro: str) -> str:
    """The intro as one printed line: Markdown emphasis and links reduced to their text, spaces collapsed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", str(intro or ""))
    text = re.sub(r"(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1", r"\2", text)
    return " ".join(text.split())


def print_set(site: SiteModel, poster_texts: tuple[PosterTexts, ...]) -> PrintSet:
    settings = site.settings
    pr = settings.data.print
    names = list(settings.data.channels)
    logo = site.theme.logo
    return PrintSet(
        business_name=settings.data.business.name, display_url=display_url(settings), channels=channels(settings),
        texts=poster_texts, formats=tuple(pr.formats), bleed_mm=pr.bleed_mm, crop_marks=bool(pr.crop_marks),
        error_correction=pr.error_correction,
        scan_distance_cm={k: v for k, v in scan_distances(settings).items() if k != "invoice"},
        primary_color=site.theme.primary, logo_path=logo, qr_logo_path=logo if pr.qr_logo else None,
        logo_digest=site.theme.logo_digest,
        poster_channel="poster" if "poster" in names or not names else names[0],
        invoice_channel="invoice" if "invoice" in names or not names else names[0],
        source=str(settings.path))
