"""The print shop's notes (README.txt, README-<lang>.txt): sizes, bleed, colours, from the wording template
print/<lang>/README.txt. The figures come from the same pure layouts the posters are drawn with.

Placeholders the template can use (all text, already formatted):
  business_name, bleed_mm, crop_marks (true/false), crop_slug_mm, primary_color ('' without a band),
  error_correction, logo_kind ('svg', 'raster' or '' without a logo),
  posters: list of {file, format, trim_w, trim_h, page_w, page_h, qr_mm, module_mm},
  invoice: {width, height, qr_mm},
  codes:   list of {stem, name, use, url, size_mm, modules, module_mm, ppm, png_mm} (one per channel;
           use: 'poster' for the code on the posters, 'invoice' for the one in the invoice block, else '').
"""

from __future__ import annotations

from typing import Any

from ...problems import Problem
from . import print_wording, symbol
from .layout import poster_layout
from ...graphics.logo_size import logo_ratio
from .print_model import CROP_SLUG_MM, PrintSet


def file_name(lang: str, first: bool) -> str:
    """README.txt in the site's first language (the owner's), README-<lang>.txt in the others."""
    return "README.txt" if first else f"README-{lang}.txt"


# Languages that write a decimal comma (CLDR's decimal symbol for these locales: "0,49 mm", not "0.49 mm").
DECIMAL_COMMA = frozenset("de fr it es nl pl tr uk ru pt cs da el hr ro sv hu bg".split())


def context(ps: PrintSet, lang: str) -> dict[str, Any]:
    """The template's values in `lang` (numbers with its decimal sign)."""

    def num(value: float, fmt: str = "g") -> str:
        text = format(value, fmt)
        return text.replace(".", ",") if lang in DECIMAL_COMMA else text

    ratio = logo_ratio(ps.logo_path, ps.source) if ps.logo_path else None
    posters = []
    for spec in ps.poster_specs():
        layout = poster_layout(spec, ratio)
        paper = layout.paper
        posters.append({
            "file": f"poster-{paper.name.lower()}-{spec.texts.lang}.pdf", "format": paper.name,
            "trim_w": num(paper.width_mm), "trim_h": num(paper.height_mm),
            "page_w": num(paper.width_mm + 2 * ps.bleed_mm), "page_h": num(paper.height_mm + 2 * ps.bleed_mm),
            "qr_mm": num(layout.qr_size_mm), "module_mm": num(layout.module_mm, ".2f")})
    invoice = ps.channel(ps.invoice_channel)
    codes = []
    for c in ps.channels:
        modules = symbol.modules(symbol.version(c.url, ps.error_correction) or 40)
        ppm = symbol.pixels_per_module(modules, 300, c.size_mm)
        use = "poster" if c.name == ps.poster_channel else "invoice" if c.name == ps.invoice_channel else ""
        codes.append({"stem": f"qr-{c.name}", "name": c.name, "use": use, "url": c.url, "size_mm": num(c.size_mm), "modules": str(modules),
                      "module_mm": num(symbol.module_mm(modules, c.size_mm), ".2f"), "ppm": str(ppm),
                      "png_mm": num(ppm * (modules + 2 * symbol.QUIET_ZONE) / 300 * 25.4, ".1f")})
    return {
        "business_name": ps.business_name, "bleed_mm": num(ps.bleed_mm), "crop_marks": ps.crop_marks,
        "crop_slug_mm": num(CROP_SLUG_MM), "primary_color": ps.primary_color or "",
        "error_correction": ps.error_correction, "posters": posters,
        "logo_kind": "" if ps.logo_path is None else "svg" if ps.logo_path.suffix.lower() == ".svg" else "raster",
        "invoice": {"width": num(invoice.size_mm + 25), "height": num(invoice.size_mm + 5),
                    "qr_mm": num(invoice.size_mm)},
        "codes": codes,
    }


def readmes(sources: tuple[tuple[str, str, str], ...], ps: PrintSet, problems: list[Problem]) -> dict[str, bytes]:
    """Every language's notes as {file name: bytes} from (language, file, template text); problems (placeholders)
    go into `problems`."""
    files = {}
    for i, (lang, file, source) in enumerate(sources):
        text = print_wording.readme(file, source, context(ps, lang), problems)
        if text is not None:
            files[file_name(lang, i == 0)] = text.encode("utf-8")
    return files
