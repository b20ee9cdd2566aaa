"""The print stage: QR codes, posters, invoice blocks and the print shop's notes in output/print/.

    plan(site) -> StagePlan    every print rule checked, then one unit per code set, poster, block, notes

The posters carry the landing page's intro as their benefit line (it takes room, so the layout rules see
it). Modules: print_model (plain data), print_inputs (SiteModel -> print model), print_wording (the
labels and notes' templates), symbol (QR sizes), layout (geometry), print_rules (the checks), readme (the
notes), print_units (the units' models); drawing, only when a unit is drawn: draw_print, qr, posters, invoice.
"""

from __future__ import annotations

from ...problems import Problem, errors
from ...site import SiteModel
from ...units import StagePlan
from .print_inputs import poster_texts, print_set
from .print_rules import set_problems
from .print_units import print_units
from .print_wording import missing_problems, readme_sources
from .readme import readmes


def plan(site: SiteModel) -> StagePlan:
    """Every print problem, all at once; the units when there is none."""
    languages = tuple(site.languages)
    problems: list[Problem] = missing_problems(site.wording, languages)
    if problems:
        return StagePlan((), tuple(problems))
    texts = poster_texts(site, problems, {lang: language.intro for lang, language in site.languages.items()})
    if texts is None:
        return StagePlan((), tuple(problems))
    ps = print_set(site, texts)
    problems += set_problems(ps)
    sources = readme_sources(site.wording, languages, problems)
    if not problems:  # the notes' placeholders: only once the layouts they describe are right
        readmes(sources, ps, problems)
    if errors(problems):
        return StagePlan((), tuple(problems))
    return StagePlan(tuple(print_units(ps, sources)), tuple(problems))
