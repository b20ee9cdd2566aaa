"""The print stage's units: one per loose code set, per poster, per invoice block, and the print shop's notes.

Each unit's model holds only what its files show (a poster: its spec, its code and the logo's content), so
that a change redraws the files it changes and no other; draw_print.py draws them. Making the units and
their keys imports no drawing library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...units import UNKEYED, Unit, drawn_unit
from .print_model import Channel, InvoiceBlockSpec, PosterSpec, PrintSet

FOLDER = "print"
RENDERER = f"{__package__}.draw_print"


@dataclass(frozen=True)
class QrJob:
    """A code: its channel (URL, printed size), error correction and the logo in its centre (if any)."""

    channel: Channel
    error_correction: str
    qr_logo: Path | None
    logo_digest: str  # the centre logo's content ('' without one)
    source: str = field(metadata=UNKEYED)  # the settings file problems name


@dataclass(frozen=True)
class PosterJob:
    spec: PosterSpec  # without its code's logo: drawn from `code`
    code: QrJob
    logo_digest: str  # the poster logo's content
    crop_marks: bool
    preview_dpi: int


@dataclass(frozen=True)
class InvoiceJob:
    spec: InvoiceBlockSpec  # without its code's logo: drawn from `code`
    code: QrJob
    lang: str


@dataclass(frozen=True)
class ReadmeJob:
    print_set: PrintSet  # the notes describe every file
    sources: tuple[tuple[str, str, str], ...]  # (language, file, text) of each wording/print/<lang>/README.txt


PrintJob = QrJob | PosterJob | InvoiceJob | ReadmeJob


def code_job(ps: PrintSet, channel: str) -> QrJob:
    logo = ps.qr_logo_path
    return QrJob(ps.channel(channel), ps.error_correction, logo, ps.logo_digest if logo else "", ps.source)


def jobs(ps: PrintSet, sources: tuple[tuple[str, str, str], ...]) -> list[tuple[str, PrintJob, tuple[str, ...]]]:
    """Every file set of output/print/ as (stem, job, the files it makes), in the order they are listed."""
    out: list[tuple[str, PrintJob, tuple[str, ...]]] = []
    for channel in ps.channels:
        stem = f"qr-{channel.name}"
        out.append((stem, code_job(ps, channel.name), _paths(stem, ".svg", ".pdf", "-300dpi.png", "-600dpi.png")))
    poster_code = code_job(ps, ps.poster_channel) if ps.channels else None
    for spec in ps.poster_specs():
        stem = f"poster-{spec.paper.lower()}-{spec.texts.lang}"
        endings = (".pdf", ".png", *(("-crop.pdf",) if ps.crop_marks else ()))
        out.append((stem, PosterJob(spec, poster_code, ps.logo_digest, ps.crop_marks, ps.preview_dpi),  # type: ignore[arg-type]
                    _paths(stem, *endings)))
    invoice_code = code_job(ps, ps.invoice_channel) if ps.channels else None
    for texts in ps.texts:
        stem = f"invoice-block-{texts.lang}"
        out.append((stem, InvoiceJob(ps.invoice_spec(texts), invoice_code, texts.lang),  # type: ignore[arg-type]
                    _paths(stem, ".svg", ".pdf", "-300dpi.png", "-600dpi.png")))
    languages = [lang for lang, _, _ in sources]
    out.append(("README", ReadmeJob(ps, sources),
                (f"{FOLDER}/README.txt",) + tuple(f"{FOLDER}/README-{lang}.txt" for lang in languages[1:])))
    return out


def print_units(ps: PrintSet, sources: tuple[tuple[str, str, str], ...]) -> list[Unit]:
    """The units of output/print/ (paths below output/ as `print/<file>`)."""
    return [drawn_unit(f"{FOLDER}/{stem}", RENDERER, job, paths) for stem, job, paths in jobs(ps, sources)]


def _paths(stem: str, *endings: str) -> tuple[str, ...]:
    """The files a unit writes, known before it draws them (`check` counts them)."""
    return tuple(f"{FOLDER}/{stem}{ending}" for ending in endings)
