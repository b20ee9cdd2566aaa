"""The print stage as output units: one per loose code set, per poster, per invoice block, and the notes.

Each unit's digest covers everything its render reads: the settings values it uses, the logo's bytes, the
wording files' text, and RENDER_VERSION. Computing units and digests imports no drawing library (ReportLab,
qrcode, Pillow, svglib): only `Unit.render` does, so a rebuild whose digests are unchanged never loads them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .. import __version__
from ..problems import InputError, Problem
from ..units import Unit, digest
from ..wording import Wording
from . import inputs, texts
from .model import PAPER_FORMATS, QR_LOGO_COVERAGE, PrintSet

if TYPE_CHECKING:
    from ..config import Settings

# Bump when the drawing code changes in a way that must redraw every print file (a new release of the
# package redraws them anyway: its version is part of every digest too).
RENDER_VERSION = f"4/{__version__}"
FOLDER = "print"


def print_units(settings: Settings, benefits: Mapping[str, str] | None = None) -> list[Unit]:
    """The units of output/print/ (paths below output/ as `print/<file>`).

    benefits: the benefit line of the posters per language (the landing page's intro, front matter `intro`
    of content/<lang>/index.md); None or a missing language: posters without that line."""
    benefits = {lang: inputs.benefit_line(text) for lang, text in dict(benefits or {}).items()}
    common = _common(settings)
    langs = settings.languages
    words = {lang: texts.wording_files(inputs.wording(settings), lang) for lang in langs}
    pr = settings.print
    qr_logo = _logo_bytes(settings) if pr.qr_logo else None
    shared = _shared_print_set(settings, benefits)
    units = []
    for name, channel in zip(settings.channels, inputs.channels(settings)):
        units.append(Unit(f"{FOLDER}/qr-{name}",
                          digest(RENDER_VERSION, "qr", channel.url, channel.size_mm, pr.error_correction, qr_logo),
                          _render(shared, lambda ps, n=name: _qr_files(ps, n)),
                          _paths(f"qr-{name}", ".svg", ".pdf", "-300dpi.png", "-600dpi.png")))
    for fmt in pr.formats:
        paper = PAPER_FORMATS.get(str(fmt).upper())
        for lang in langs:
            if paper is None:
                continue
            stem = f"poster-{paper.name.lower()}-{lang}"
            units.append(Unit(f"{FOLDER}/{stem}", digest(RENDER_VERSION, "poster", paper.name, lang, common,
                                                         words[lang], _logo_bytes(settings), benefits.get(lang, "")),
                              _render(shared, lambda ps, p=paper.name, l=lang: _poster_files(ps, p, l)),
                              _paths(stem, ".pdf", ".png", *(("-crop.pdf",) if pr.crop_marks else ()))))
    for lang in langs:
        units.append(Unit(f"{FOLDER}/invoice-block-{lang}", digest(RENDER_VERSION, "invoice", lang, common,
                                                                   words[lang], qr_logo),
                          _render(shared, lambda ps, l=lang: _invoice_files(ps, l)),
                          _paths(f"invoice-block-{lang}", ".svg", ".pdf", "-300dpi.png", "-600dpi.png")))
    # the notes' unit reads all that print_problems reads, the benefit lines too (they change the layouts)
    units.append(Unit(f"{FOLDER}/README", digest(RENDER_VERSION, "readme", common, words, _logo_bytes(settings),
                                                 sorted(benefits.items())),
                      _render(shared, lambda ps: _readme_files(ps, inputs.wording(settings), langs)),
                      ("print/README.txt",) + tuple(f"print/README-{lang}.txt" for lang in langs[1:])))
    return units


def _paths(stem: str, *endings: str) -> tuple[str, ...]:
    """The files a unit writes, known before it draws them (`check` counts them)."""
    return tuple(f"{FOLDER}/{stem}{ending}" for ending in endings)


def print_set_files(ps: PrintSet, wording: Wording) -> dict[str, bytes]:
    """Every file of a print set at once, by file name (for tests and benchmarks; the build renders units)."""
    files: dict[str, bytes] = {}
    for channel in ps.channels:
        files.update(_qr_files(ps, channel.name))
    for spec in ps.poster_specs():
        files.update(_poster_files(ps, spec.paper, spec.texts.lang))
    for poster_texts in ps.texts:
        files.update(_invoice_files(ps, poster_texts.lang))
    files.update(_readme_files(ps, wording, tuple(t.lang for t in ps.texts)))
    return dict(sorted(files.items()))


def _common(settings: Settings) -> dict[str, Any]:
    """The settings values the posters, blocks and notes read (the labels' placeholders may name `business`)."""
    return {"business": settings.raw.get("business"), "base_url": settings.base_url,
            "channels": dict(settings.channels), "print": settings.raw.get("print"),
            "primary": settings.theme.primary, "logo": settings.theme.get("logo"), "file": settings.path.name,
            "languages": list(settings.languages), "phone": settings.phone_e164}


def _logo_bytes(settings: Settings) -> bytes | None:
    logo = settings.logo_path
    try:
        return logo.read_bytes() if logo else None
    except OSError:
        return b""  # reported by the rules (and the render) with the file's name


def _shared_print_set(settings: Settings, benefits: Mapping[str, str]) -> Callable[[], PrintSet]:
    """The print set all units of one build draw from, made when the first of them renders: the labels of
    every language (wording files read, placeholders filled) cost ~4 ms, and each of the 11 units of the
    example made them again. A failure is not kept: every unit that asks reports the same problems."""
    made: list[PrintSet] = []

    def get() -> PrintSet:
        if not made:
            problems: list[Problem] = []
            poster_texts = inputs.poster_texts(settings, problems, benefits)
            if poster_texts is None:
                raise InputError(problems)
            made.append(inputs.print_set(settings, poster_texts))
        return made[0]

    return get


def _render(print_set: Callable[[], PrintSet],
            make: Callable[[PrintSet], dict[str, bytes]]) -> Callable[[], dict[str, bytes]]:
    def render() -> dict[str, bytes]:
        files = make(print_set())
        return {f"{FOLDER}/{name}": data for name, data in files.items()}

    return render


_QR_LOGOS: dict[tuple[str, str, str], Any] = {}  # (url, logo path, its sha256) -> (matrix, QrLogo), per process


def _code(ps: PrintSet, name: str) -> tuple[Any, Any]:
    """The matrix of a channel's code and its centre logo (None without one)."""
    from .qr import qr_matrix, qr_with_logo

    url = ps.channel(name).url
    if ps.qr_logo_path is None:
        return qr_matrix(url, ps.error_correction, source=ps.source), None
    path: Path = ps.qr_logo_path
    key = (url, str(path), hashlib.sha256(path.read_bytes()).hexdigest())
    if key not in _QR_LOGOS:  # placing and verifying a logo (decoding it blurred) costs ~50 ms: once per code
        _QR_LOGOS[key] = qr_with_logo(url, path, error_correction=ps.error_correction,
                                      coverage=QR_LOGO_COVERAGE, source=ps.source)
    return _QR_LOGOS[key]


def _qr_files(ps: PrintSet, name: str) -> dict[str, bytes]:
    from .qr import qr_pdf, qr_png, qr_svg

    channel = ps.channel(name)
    matrix, logo = _code(ps, name)
    stem = f"qr-{name}"
    files = {f"{stem}.svg": qr_svg(matrix, channel.size_mm, logo=logo).encode("utf-8"),
             f"{stem}.pdf": qr_pdf(matrix, channel.size_mm, logo=logo, title=f"QR {name}")}
    for dpi in (300, 600):
        files[f"{stem}-{dpi}dpi.png"] = qr_png(matrix, dpi, channel.size_mm, logo=logo)
    return files


def _poster_files(ps: PrintSet, paper: str, lang: str) -> dict[str, bytes]:
    from .posters import poster_files

    _, logo = _code(ps, ps.poster_channel)
    spec = next(s for s in ps.poster_specs(logo) if s.paper == paper and s.texts.lang == lang)
    return poster_files(spec, f"poster-{paper.lower()}-{lang}", crop_marks=ps.crop_marks, preview_dpi=ps.preview_dpi)


def _invoice_files(ps: PrintSet, lang: str) -> dict[str, bytes]:
    from .invoice import invoice_files

    _, logo = _code(ps, ps.invoice_channel)
    poster_texts = next(t for t in ps.texts if t.lang == lang)
    return invoice_files(ps.invoice_spec(poster_texts, logo), f"invoice-block-{lang}")


def _readme_files(ps: PrintSet, wording: Wording, languages: tuple[str, ...]) -> dict[str, bytes]:
    from .readme import readmes

    problems: list[Problem] = []
    files = readmes(wording, languages, ps, problems)
    if problems:
        raise InputError(problems)
    return files
