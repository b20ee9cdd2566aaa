"""Drawing the print stage's units (print_units.py): the codes, posters, invoice blocks and the print shop's notes.

    render(job) -> {"print/<file>": bytes}
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...problems import InputError, Problem
from ...wording import Wording
from . import print_wording
from .invoice import invoice_files
from .posters import poster_files
from .print_model import QR_LOGO_COVERAGE, PrintSet
from .print_units import FOLDER, InvoiceJob, PosterJob, PrintJob, QrJob, jobs
from .qr import qr_matrix, qr_pdf, qr_png, qr_svg, qr_with_logo
from .readme import readmes


def render(job: PrintJob) -> dict[str, bytes]:
    files = _files(job)
    return {f"{FOLDER}/{name}": data for name, data in files.items()}


def _files(job: PrintJob) -> dict[str, bytes]:
    if isinstance(job, QrJob):
        return qr_files(job)
    if isinstance(job, PosterJob):
        _, logo = code(job.code)
        spec = replace(job.spec, qr_logo=logo)
        return poster_files(spec, f"poster-{spec.paper.lower()}-{spec.texts.lang}", crop_marks=job.crop_marks,
                            preview_dpi=job.preview_dpi)
    if isinstance(job, InvoiceJob):
        _, logo = code(job.code)
        return invoice_files(replace(job.spec, qr_logo=logo), f"invoice-block-{job.lang}")
    problems: list[Problem] = []
    files = readmes(job.sources, job.print_set, problems)
    if problems:
        raise InputError(problems)
    return files


_QR_LOGOS: dict[QrJob, tuple[Any, Any]] = {}  # a code with its centre logo, per process


def code(job: QrJob) -> tuple[Any, Any]:
    """The matrix of a code and its centre logo (None without one)."""
    if job.qr_logo is None:
        return qr_matrix(job.channel.url, job.error_correction, source=job.source), None
    if job not in _QR_LOGOS:  # placing a logo and verifying the code (decoding it blurred): once per code
        _QR_LOGOS[job] = qr_with_logo(job.channel.url, job.qr_logo, error_correction=job.error_correction,
                                      coverage=QR_LOGO_COVERAGE, source=job.source)
    return _QR_LOGOS[job]


def qr_files(job: QrJob) -> dict[str, bytes]:
    matrix, logo = code(job)
    name, size = job.channel.name, job.channel.size_mm
    stem = f"qr-{name}"
    files = {f"{stem}.svg": qr_svg(matrix, size, logo=logo).encode("utf-8"),
             f"{stem}.pdf": qr_pdf(matrix, size, logo=logo, title=f"QR {name}")}
    for dpi in (300, 600):
        files[f"{stem}-{dpi}dpi.png"] = qr_png(matrix, dpi, size, logo=logo)
    return files


def print_set_files(ps: PrintSet, wording: Wording) -> dict[str, bytes]:
    """Every file of a print set at once, by file name (for tests and benchmarks; the build draws units)."""
    problems: list[Problem] = []
    sources = print_wording.readme_sources(wording, tuple(t.lang for t in ps.texts), problems)
    if problems:
        raise InputError(problems)
    files: dict[str, bytes] = {}
    for _, job, _ in jobs(ps, sources):
        files.update(_files(job))
    return dict(sorted(files.items()))
