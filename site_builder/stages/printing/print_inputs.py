"""From the settings to the print model: the few values the print files are made of, as plain data."""

from __future__ import annotations

import re

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Mapping

from ..formatting import national_phone
from ..problems import Problem
from ..wording import Wording
from . import texts
from .model import MIN_CODE_MM, Channel, PosterTexts, PrintSet

if TYPE_CHECKING:  # the settings code is not imported at run time: the model needs only its values
    from ..config import Settings


def wording(settings: Settings) -> Wording:
    return Wording(settings.root, settings.theme.name)


def display_url(settings: Settings) -> str:
    return settings.base_url.removeprefix("https://").rstrip("/")


def channels(settings: Settings) -> tuple[Channel, ...]:
    """Every channel with its URL; the invoice code is as large as its scan distance asks (at least 20 mm)."""
    invoice_mm = max(MIN_CODE_MM, scan_distances(settings).get("invoice", MIN_CODE_MM))
    return tuple(Channel(name, f"{settings.base_url}?s={code}", invoice_mm if name == "invoice" else MIN_CODE_MM)
                 for name, code in settings.channels.items())


def scan_distances(settings: Settings) -> dict[str, float]:
    """The scan distances that are numbers (the settings' validation reports the others, before any stage runs)."""
    return {k: float(v) for k, v in dict(settings.print.scan_distance_cm).items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)}



def label_context(settings: Settings, lang: str) -> dict[str, Any]:
    """What a placeholder in a print wording file may name: the business (in `lang`), the site's address and
    the phone in national form."""
    return {"business": settings.for_lang(lang).business, "phone": national_phone(settings.phone_e164),
            "site": {"base_url": settings.base_url, "display_url": display_url(settings)}}


def poster_texts(settings: Settings, problems: list[Problem],
                 benefits: Mapping[str, str] | None = None) -> tuple[PosterTexts, ...] | None:
    """The labels of every language, or None with problems naming file and line.

    benefits: what the customer gets, per language (the landing page's intro); none: no benefit line."""
    found = [texts.poster_texts(wording(settings), lang, label_context(settings, lang), problems)
             for lang in settings.languages]
    if any(t is None for t in found):
        return None
    phone = national_phone(settings.phone_e164)
    return tuple(replace(t, benefit=benefit_line((benefits or {}).get(t.lang, "")),
                         call_instead=t.call_instead if phone else "") for t in found if t is not None)


def benefit_line(intro: str) -> str:
    """The intro as one printed line: Markdown emphasis and links reduced to their text, spaces collapsed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", str(intro or ""))
    text = re.sub(r"(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1", r"\2", text)
    return " ".join(text.split())


def print_set(settings: Settings, poster_texts: tuple[PosterTexts, ...]) -> PrintSet:
    pr = settings.print
    names = list(settings.channels)
    logo = settings.logo_path
    return PrintSet(
        business_name=settings.business.name, display_url=display_url(settings), channels=channels(settings),
        texts=poster_texts, formats=tuple(pr.formats), bleed_mm=pr.bleed_mm, crop_marks=bool(pr.crop_marks),
        error_correction=pr.error_correction,
        scan_distance_cm={k: v for k, v in scan_distances(settings).items() if k != "invoice"},
        primary_color=settings.theme.primary, logo_path=logo, qr_logo_path=logo if pr.qr_logo else None,
        poster_channel="poster" if "poster" in names or not names else names[0],
        invoice_channel="invoice" if "invoice" in names or not names else names[0],
        source=str(settings.path))
