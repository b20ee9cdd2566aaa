"""The print shop's notes (README.txt, README-<lang>.txt): sizes, bleed, colours, from the wording template
print/<lang>/README.txt. The figures come from the same pure layouts the posters are drawn with.

Placeholders the template can use (all text, already formatted):
  business_name, bleed_mm, crop_marks (true/false), crop_slug_mm, primary_color ('' without a band),
  error_correction,
  posters: list of {file, format, trim_w, trim_h, page_w, page_h, qr_mm, module_mm},
  invoice: {width, height, qr_mm},
  codes:   list of {stem, url, size_mm, modules, module_mm, ppm, png_mm} (one per channel).
"""

from __future__ import annotations

from typing import Any

from ..problems import Problem
from ..wording import Wording
from . import symbol, texts
from .layout import poster_layout
from .logo import logo_ratio
from .model import CROP_SLUG_MM, PrintSet


def file_name(lang: str, first: bool) -> str:
    """README.txt in the site's first language (the owner's), README-<lang>.txt in the others."""
    return "README.txt" if first else f"README-{lang}.txt"


def context(ps: PrintSet) -> dict[str, Any]:
    ratio = logo_ratio(ps.logo_path, ps.source) if ps.logo_path else None
    posters = []
    for spec in ps.poster_specs():
        layout = poster_layout(spec, ratio)
        paper = layout.paper
        posters.append({
            "file": f"poster-{paper.name.lower()}-{spec.texts.lang}.pdf", "format": paper.name,
            "trim_w": f"{paper.width_mm:g}", "trim_h": f"{paper.height_mm:g}",
            "page_w": f"{paper.width_mm + 2 * ps.bleed_mm:g}", "page_h": f"{paper.height_mm + 2 * ps.bleed_mm:g}",
            "qr_mm": f"{layout.qr_size_mm:g}", "module_mm": f"{layout.module_mm:.2f}"})
    invoice = ps.channel(ps.invoice_channel)
    return {
        "business_name": ps.business_name, "bleed_mm": f"{ps.bleed_mm:g}", "crop_marks": ps.crop_marks,
        "crop_slug_mm": f"{CROP_SLUG_MM:g}", "primary_color": ps.primary_color or "",
        "error_correction": ps.error_correction, "posters": posters,
        "invoice": {"width": f"{invoice.size_mm + 25:g}", "height": f"{invoice.size_mm + 5:g}",
                    "qr_mm": f"{invoice.size_mm:g}"},
        "codes": [_code(c.name, c.url, c.size_mm, ps.error_correction) for c in ps.channels],
    }


def _code(name: str, url: str, size_mm: float, error_correction: str) -> dict[str, str]:
    modules = symbol.modules(symbol.version(url, error_correction) or 40)
    ppm = symbol.pixels_per_module(modules, 300, size_mm)
    return {"stem": f"qr-{name}", "url": url, "size_mm": f"{size_mm:g}", "modules": str(modules),
            "module_mm": f"{symbol.module_mm(modules, size_mm):.2f}", "ppm": str(ppm),
            "png_mm": f"{ppm * (modules + 2 * symbol.QUIET_ZONE) / 300 * 25.4:.1f}"}


def readmes(wording: Wording, languages: tuple[str, ...], ps: PrintSet, problems: list[Problem]) -> dict[str, bytes]:
    """Every language's notes as {file name: bytes}; problems (placeholders) go into `problems`."""
    values = context(ps)
    files = {}
    for i, lang in enumerate(languages):
        text = texts.readme(wording, lang, values, problems)
        if text is not None:
            files[file_name(lang, i == 0)] = text.encode("utf-8")
    return files
