"""What the print files are made of, as plain frozen data: paper formats, texts, channels, poster and invoice specs.

Nothing here imports a drawing library, the settings code or the build: the model, the rules (rules.py) and
the layouts (layout.py) run in `check` and in digest computation without ReportLab, qrcode, Pillow or svglib.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, NoReturn

from ...problems import InputError, Problem, report
from ...units import UNKEYED

# The settings keys a print problem names (the `where` of its Problem).
KEY_BLEED = "print.bleed_mm"
KEY_FORMATS = "print.formats"
KEY_URL = "site.base_url"
KEY_QR_LOGO = "print.qr_logo"
KEY_LOGO = "theme.logo"
KEY_COLOR = "theme.primary"
KEY_SCAN = "print.scan_distance_cm"
KEY_EC = "print.error_correction"
KEY_CHANNELS = "channels"

MAX_BLEED_MM = 5.0
MIN_CODE_MM = 20.0  # the smallest printed code, quiet zone included (print rule of thumb: invoice >= 20 mm)
QR_LOGO_COVERAGE = 0.15  # share of the symbol a centre logo clears (at most qr.MAX_LOGO_COVERAGE)
CROP_SLUG_MM = 10.0  # extra paper around the bleed on -crop files, holding the crop marks
SETTINGS_FILE = "site.toml"  # the file a problem names when a caller gives none


@dataclass(frozen=True)
class PaperFormat:
    name: str
    width_mm: float
    height_mm: float
    scan_distance_cm: float
    """Typical distance from which the poster is scanned; the QR gets >= 1/10 of it."""


PAPER_FORMATS: dict[str, PaperFormat] = {
    "A4": PaperFormat("A4", 210, 297, 150),
    "A5": PaperFormat("A5", 148, 210, 100),
    "A6": PaperFormat("A6", 105, 148, 60),
}


@dataclass(frozen=True)
class PosterTexts:
    """The printed wording in one language (from wording/print/<lang>/poster.toml)."""

    lang: str
    call_to_action: str
    consent_note: str
    invoice_text: str
    scan_instruction: str = ""
    """The line under the code ("Kamera öffnen, Code scannen"); empty: none."""
    call_instead: str = ""
    """The phone as the alternative ("Lieber anrufen? 0911 …"); empty without a phone."""
    benefit: str = ""
    """What the customer gets: the landing page's intro (content/<lang>/index.md); empty: none."""


@dataclass(frozen=True)
class Channel:
    """A QR code source: ``url`` carries the source code (``?s=r``)."""

    name: str
    url: str
    size_mm: float = MIN_CODE_MM
    """Size of the loose ``qr-<name>.*`` files, quiet zone included."""


@dataclass(frozen=True)
class PosterSpec:
    """One poster: ``qr_url`` is encoded (with source code), ``display_url`` printed."""

    business_name: str
    qr_url: str
    display_url: str
    texts: PosterTexts
    paper: str = "A5"
    bleed_mm: float = 3.0
    crop_marks: bool = False
    error_correction: str = "M"
    scan_distance_cm: float | None = None
    """None: the format's default (``PAPER_FORMATS``)."""
    primary_color: str | None = None
    """``#rrggbb`` for a decorative band at the foot, or None for none."""
    logo_path: Path | None = None
    """PNG/JPEG or SVG (drawn as vectors) shown above the name."""
    qr_logo: object | None = None
    """A qr.QrLogo inside the code, from ``qr.qr_with_logo`` for the same URL."""
    source: str = field(default=SETTINGS_FILE, metadata=UNKEYED)  # named in messages only


@dataclass(frozen=True)
class InvoiceBlockSpec:
    """A small QR block for invoice templates: code at left, text at right."""

    qr_url: str
    text: str
    qr_size_mm: float = MIN_CODE_MM
    error_correction: str = "M"
    qr_logo: object | None = None
    source: str = field(default=SETTINGS_FILE, metadata=UNKEYED)  # named in messages only


@dataclass(frozen=True)
class PrintSet:
    """Everything output/print/ is drawn from."""

    business_name: str
    display_url: str
    channels: tuple[Channel, ...]
    texts: tuple[PosterTexts, ...]
    formats: tuple[str, ...] = ("A5",)
    bleed_mm: float = 3.0
    crop_marks: bool = False
    error_correction: str = "M"
    scan_distance_cm: Mapping[str, float] = field(default_factory=dict)
    """Per-format overrides of ``PaperFormat.scan_distance_cm``."""
    primary_color: str | None = None
    logo_path: Path | None = None
    qr_logo_path: Path | None = None
    """A PNG/JPEG placed in every code; needs error correction H."""
    logo_digest: str = ""
    """The logo's content (sha256): a new logo under the same name redraws what shows it."""
    poster_channel: str = "poster"
    invoice_channel: str = "invoice"
    preview_dpi: int = 90
    source: str = field(default=SETTINGS_FILE, metadata=UNKEYED)  # named in messages only

    def channel(self, name: str) -> Channel:
        return next(c for c in self.channels if c.name == name)

    def poster_specs(self, qr_logo: object | None = None) -> list[PosterSpec]:
        """One spec per format and language (formats known to PAPER_FORMATS only)."""
        url = self.channel(self.poster_channel).url
        specs = []
        for name in self.formats:
            paper = PAPER_FORMATS.get(str(name).upper())
            if paper is None:
                continue
            scan = self.scan_distance_cm.get(paper.name, self.scan_distance_cm.get(paper.name.lower()))
            specs += [PosterSpec(self.business_name, url, self.display_url, texts, paper.name, self.bleed_mm,
                                 False, self.error_correction, scan, self.primary_color, self.logo_path,
                                 qr_logo, self.source) for texts in self.texts]
        return specs

    def invoice_spec(self, texts: PosterTexts, qr_logo: object | None = None) -> InvoiceBlockSpec:
        invoice = self.channel(self.invoice_channel)
        return InvoiceBlockSpec(invoice.url, texts.invoice_text, invoice.size_mm, self.error_correction, qr_logo,
                                self.source)


def fail(source: str, where: str, key: str, /, **fields: object) -> NoReturn:
    """Stop with one problem worded by the catalogue entry `key` (messages/<lang>/print.toml)."""
    raise InputError([report(source, where, key, **fields)])


def problem(source: str, where: str, key: str, /, **fields: object) -> Problem:
    return report(source, where, key, **fields)


def paper_format(name: str, source: str = SETTINGS_FILE) -> PaperFormat:
    """The paper format called ``name`` (case-insensitive); a problem naming print.formats otherwise."""
    found = PAPER_FORMATS.get(str(name).upper())
    if found is None:
        fail(source, KEY_FORMATS, "print.unknown_format", name=name, known=", ".join(PAPER_FORMATS))
    return found
