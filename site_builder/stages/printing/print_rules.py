"""The print rules, checked in one place for `check` and `build` alike: bleed, paper formats, error
correction, scan distances, code size against scan distance and printer dots, the logo, the wording.

Nothing is drawn: layout.py measures text with site_builder.graphics.linebreak (no ReportLab), symbol.py asks
qrcode for each code's version (no mask search), so `check` finds every print problem without drawing. What only
drawing can show (an SVG that svglib cannot draw, a code with a logo that does not decode after blurring) is
reported by the units' render.
"""

from __future__ import annotations

from typing import Callable

from ... import gate
from ...graphics.logo_size import logo_ratio, looks_svg
from ...problems import InputError, Problem
from . import symbol
from .layout import invoice_layout, poster_layout, printable_modules
from .print_model import KEY_CHANNELS, KEY_QR_LOGO, QR_LOGO_COVERAGE, PrintSet, problem


def set_problems(ps: PrintSet) -> list[Problem]:
    """Every problem of a print set: the settings' rules first, the layouts once those hold."""
    found: list[Problem] = []

    def collect(check: Callable[[], object]) -> object:
        try:
            return check()
        except InputError as error:
            found.extend(error.problems)
            return None

    if not ps.channels:
        found.append(problem(ps.source, KEY_CHANNELS, "print.no_channel"))
        return _unique(found)
    for c in ps.channels:
        collect(lambda c=c: printable_modules(c.url, c.size_mm, ps.error_correction, ps.source,
                                              "print.code_channel", name=c.name))
    ratio = collect(lambda: logo_ratio(ps.logo_path, ps.source)) if ps.logo_path is not None else None
    found += _qr_logo_problems(ps)
    if not found:  # layout problems (scan distance, texts too long) only show once the basics are right
        for spec in ps.poster_specs():
            collect(lambda spec=spec: poster_layout(spec, ratio))  # type: ignore[arg-type]
        for texts in ps.texts:
            collect(lambda texts=texts: invoice_layout(ps.invoice_spec(texts)))
    return _unique(found)


def _qr_logo_problems(ps: PrintSet) -> list[Problem]:
    if ps.qr_logo_path is None:
        return []
    if str(ps.error_correction).upper() != "H":
        return [problem(ps.source, KEY_QR_LOGO, "print.qr_logo_needs_h", level=ps.error_correction)]
    try:
        data = gate.read_or_refuse(ps.qr_logo_path, root=None, limit=gate.MAX_LOGO_BYTES)
    except gate.Refused as refused:
        return [problem(ps.source, KEY_QR_LOGO, "print.logo_unreadable", path=ps.qr_logo_path,
                        reason=refused.problem.what)]
    if looks_svg(ps.qr_logo_path, data):
        return [problem(ps.source, KEY_QR_LOGO, "print.logo_svg_in_code", name=ps.qr_logo_path.name)]
    found = []
    for c in ps.channels:
        version = symbol.version(c.url, "H")
        modules = symbol.modules(version) if version else 0
        if version and symbol.logo_square(modules, QR_LOGO_COVERAGE) is None:
            found.append(problem(ps.source, KEY_QR_LOGO, "print.qr_logo_no_room",
                                 coverage=f"{QR_LOGO_COVERAGE:.0%}", modules=modules))
    return found


def _unique(problems: list[Problem]) -> list[Problem]:
    # the same problem can come from several channels, or from a poster in each language
    return list({str(p): p for p in problems}.values())
