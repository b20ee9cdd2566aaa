"""The print stage: QR codes, posters, invoice blocks and the print shop's notes in output/print/.

The pipeline uses two functions, both free of drawing libraries until a unit is rendered:

    print_problems(settings, benefits=None) -> list[Problem]   every print rule, for `check` and `build` alike
    print_units(settings, benefits=None)    -> list[Unit]      the files: one unit per code set, poster, block, notes

benefits: {lang: the landing page's intro} (front matter `intro` of content/<lang>/index.md), the benefit line
on the posters; pass the same mapping to both (the line takes room, so the layout rules depend on it).

Modules: model (plain data), symbol (QR sizes), layout (geometry), rules (the checks),
texts (wording files), inputs (settings -> model), units; drawing: qr, logo, posters, invoice, readme.
Nothing here imports the build.

print_problems reads nothing that the digest of the unit "print/README" does not cover (that unit reads every
print setting, the logo and every print wording file): while that digest is unchanged, so are the problems,
and a cached build may skip the check.
"""

from __future__ import annotations

from .rules import print_problems
from .units import RENDER_VERSION, print_units

__all__ = ["print_problems", "print_units", "RENDER_VERSION"]
