"""The print stage: settings -> output/print/ (QR codes, posters, invoice blocks), cached by its inputs."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from .config import Settings
from .problems import InputError, Problem

CACHE_KEY = ".inputs.sha256"
# Bump when the drawing code changes in a way that must redraw cached print files.
DRAWING_VERSION = "2"


def print_set(settings: Settings):
    """The PrintSet for these settings (posters module imported lazily: it is the heavy part)."""
    from . import posters

    pr = settings.print
    scan = dict(pr.scan_distance_cm)
    invoice_mm = max(20.0, float(scan.get("invoice", 20)))
    channels = tuple(
        posters.Channel(name, f"{settings.base_url}?s={code}", invoice_mm if name == "invoice" else 20.0)
        for name, code in settings.channels.items())
    texts = tuple(posters.TEXTS_DE if lang == "de" else posters.TEXTS_EN if lang == "en" else
                  dataclasses.replace(posters.TEXTS_EN, lang=lang) for lang in settings.languages)
    logo = settings.logo_path
    return posters.PrintSet(
        business_name=settings.business.name,
        display_url=settings.base_url.removeprefix("https://").rstrip("/"),
        channels=channels, texts=texts, formats=tuple(pr.formats), bleed_mm=float(pr.bleed_mm),
        crop_marks=bool(pr.crop_marks), error_correction=pr.error_correction,
        scan_distance_cm={k: float(v) for k, v in scan.items() if k != "invoice"},
        primary_color=settings.theme.primary, logo_path=logo,
        qr_logo_path=logo if pr.qr_logo else None,
        poster_channel="poster" if "poster" in settings.channels else next(iter(settings.channels)),
        invoice_channel="invoice" if "invoice" in settings.channels else next(iter(settings.channels)),
    )


def inputs_key(settings: Settings) -> str:
    """A digest of everything the print files depend on; equal digests mean equal files."""
    logo = settings.logo_path
    data: dict[str, Any] = {
        "version": DRAWING_VERSION, "name": settings.business.name, "url": settings.base_url,
        "languages": list(settings.languages), "channels": dict(settings.channels),
        "print": json.loads(json.dumps(settings.raw.get("print"), default=str)),
        "primary": settings.theme.primary,
        "logo": hashlib.sha256(logo.read_bytes()).hexdigest() if logo and logo.is_file() else None,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _cached(previous: Path | None, key: str) -> dict[str, bytes] | None:
    folder = previous / "print" if previous else None
    if not folder or not (folder / CACHE_KEY).is_file():
        return None
    if (folder / CACHE_KEY).read_text(encoding="ascii").strip() != key:
        return None
    return {f"print/{p.relative_to(folder).as_posix()}": p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def print_files(settings: Settings, plan: Any, previous: Path | None) -> dict[str, bytes]:
    """The files of output/print/; reused from the previous build when their inputs are unchanged."""
    key = inputs_key(settings)
    if (cached := _cached(previous, key)) is not None:
        return cached
    from . import posters

    ps = print_set(settings)
    # `check` lays out every poster to find every problem; `build` draws them, which finds the same
    problems = posters.print_problems(ps, layouts=not plan.write)
    if problems:
        raise InputError([Problem(str(settings.path), e.key, e.message, e.fix) for e in problems])
    if not plan.write:
        return {}  # `check`: the settings are printable; drawing waits for `build`
    try:
        files = posters.make_print_set(ps, checked=True)
    except posters.PrintError as exc:
        raise InputError([Problem(str(settings.path), exc.key, exc.message, exc.fix)]) from None
    out = {f"print/{name}": data for name, data in files.items()}
    out[f"print/{CACHE_KEY}"] = (key + "\n").encode("ascii")
    return out
