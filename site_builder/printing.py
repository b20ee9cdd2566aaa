"""The print stage: settings -> output/print/ (QR codes, posters, invoice blocks), cached by its inputs."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import InputError, Problem

if TYPE_CHECKING:  # not imported at run time: the early print process starts without the settings code
    from .config import Settings

CACHE_KEY = ".inputs.sha256"
# Bump when the drawing code changes in a way that must redraw cached print files.
DRAWING_VERSION = "2"


@dataclass(frozen=True)
class PrintInputs:
    """Everything the print files depend on, as plain data: what the early print process receives."""

    settings_file: str
    business_name: str
    base_url: str
    languages: tuple[str, ...]
    channels: tuple[tuple[str, str], ...]
    print_settings: str  # the [print] table as JSON, for the digest
    formats: tuple[str, ...]
    bleed_mm: float
    crop_marks: bool
    error_correction: str
    scan_distance_cm: tuple[tuple[str, float], ...]
    qr_logo: bool
    primary: str | None
    logo: str | None
    logo_digest: str | None

    @property
    def key(self) -> str:
        """A digest of everything the print files depend on; equal digests mean equal files."""
        data: dict[str, Any] = {
            "version": DRAWING_VERSION, "name": self.business_name, "url": self.base_url,
            "languages": list(self.languages), "channels": dict(self.channels),
            "print": json.loads(self.print_settings), "primary": self.primary, "logo": self.logo_digest,
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def print_inputs(settings: Settings) -> PrintInputs:
    pr = settings.print
    logo = settings.logo_path
    return PrintInputs(
        settings_file=str(settings.path), business_name=settings.business.name, base_url=settings.base_url,
        languages=tuple(settings.languages), channels=tuple(settings.channels.items()),
        print_settings=json.dumps(settings.raw.get("print"), default=str, sort_keys=True),
        formats=tuple(pr.formats), bleed_mm=float(pr.bleed_mm), crop_marks=bool(pr.crop_marks),
        error_correction=pr.error_correction,
        scan_distance_cm=tuple((k, float(v)) for k, v in dict(pr.scan_distance_cm).items()),
        qr_logo=bool(pr.qr_logo), primary=settings.theme.primary, logo=str(logo) if logo else None,
        logo_digest=hashlib.sha256(logo.read_bytes()).hexdigest() if logo and logo.is_file() else None,
    )


def print_set(inputs: PrintInputs):
    """The PrintSet for these inputs (posters module imported lazily: it is the heavy part)."""
    from . import posters

    scan = dict(inputs.scan_distance_cm)
    invoice_mm = max(20.0, float(scan.get("invoice", 20)))
    channels = tuple(
        posters.Channel(name, f"{inputs.base_url}?s={code}", invoice_mm if name == "invoice" else 20.0)
        for name, code in inputs.channels)
    names = [name for name, _ in inputs.channels]
    texts = tuple(posters.TEXTS_DE if lang == "de" else posters.TEXTS_EN if lang == "en" else
                  dataclasses.replace(posters.TEXTS_EN, lang=lang) for lang in inputs.languages)
    logo = Path(inputs.logo) if inputs.logo else None
    return posters.PrintSet(
        business_name=inputs.business_name,
        display_url=inputs.base_url.removeprefix("https://").rstrip("/"),
        channels=channels, texts=texts, formats=inputs.formats, bleed_mm=inputs.bleed_mm,
        crop_marks=inputs.crop_marks, error_correction=inputs.error_correction,
        scan_distance_cm={k: v for k, v in scan.items() if k != "invoice"},
        primary_color=inputs.primary, logo_path=logo,
        qr_logo_path=logo if inputs.qr_logo else None,
        poster_channel="poster" if "poster" in names else names[0],
        invoice_channel="invoice" if "invoice" in names else names[0],
    )


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
    inputs = print_inputs(settings)
    if (cached := _cached(previous, inputs.key)) is not None:
        return cached
    return draw(inputs, write=plan.write)


def draw(inputs: PrintInputs, *, write: bool = True) -> dict[str, bytes]:
    """Draw output/print/ from scratch; InputError names every problem. write=False (`check`) only checks."""
    from . import posters

    ps = print_set(inputs)
    # `check` lays out every poster to find every problem; `build` draws them, which finds the same
    problems = posters.print_problems(ps, layouts=not write)
    if problems:
        raise InputError([Problem(inputs.settings_file, e.key, e.message, e.fix) for e in problems])
    if not write:
        return {}  # `check`: the settings are printable; drawing waits for `build`
    try:
        files = posters.make_print_set(ps, checked=True)
    except posters.PrintError as exc:
        raise InputError([Problem(inputs.settings_file, exc.key, exc.message, exc.fix)]) from None
    out = {f"print/{name}": data for name, data in files.items()}
    out[f"print/{CACHE_KEY}"] = (inputs.key + "\n").encode("ascii")
    return out
