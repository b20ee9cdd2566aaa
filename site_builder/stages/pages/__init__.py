"""The pages stage: output/site/'s pages in every language, the contact cards and the logo.

    plan(site)  -> StagePlan    the pages rendered (they are cheap, and `serve` shows them): one unit; the
                                owner's photo in the sizes a phone needs: a unit drawn only when it changes

Modules: page_render (the templates, Jinja's sandbox), look (the header's trade and place lines, the trade
icon), page_photo (the photo's files and <picture>), logo_clean (the logo without anything that could run),
vcard (contact.vcf). The pages' labels are wording (wording/pages/<lang>.toml).
"""

from __future__ import annotations

from typing import Any

from ... import gate
from ...problems import Problem, errors
from ...site import SiteModel
from ...units import StagePlan, made_unit
from ...wording import parse_toml
from .logo_clean import published_logo
from .page_photo import Picture, photo_plan
from .page_render import environment, render_language, script_safe
from .vcard import vcard


def plan(site: SiteModel) -> StagePlan:
    """The pages as one unit, and the problems of the labels and the logo."""
    problems: list[Problem] = []
    labels = {lang: page_labels(site, lang, problems) for lang in site.languages}
    logo = published_logo(site.theme.logo, site.settings.path, site.root, problems)
    if errors(problems):
        return StagePlan((), tuple(problems))
    photo = photo_plan(site)
    files = site_files(site, labels, logo, problems, photo[1] if photo else None)
    problems = list(dict.fromkeys(problems))  # a template fails alike for every page and language: once
    if errors(problems):
        return StagePlan((), tuple(problems))
    pages = made_unit("site/pages", files)
    return StagePlan((pages, photo[0]) if photo else (pages,), tuple(problems))


def site_files(site: SiteModel, labels: dict[str, dict[str, Any]], logo: tuple[str, bytes] | None,
               problems: list[Problem], picture: Picture | None = None) -> dict[str, bytes]:
    """Every file of the pages unit, by path below output/ (the photo's files are a unit of their own); what
    cannot be rendered is a problem."""
    env = environment(site.theme, site.root)
    js = script_safe(site.theme.static("app.js", site.root, problems) or "")
    files: dict[str, bytes] = {}
    for lang, language in site.languages.items():
        pages = render_language(site, language, labels[lang], env, js, problems, picture)
        files.update({f"site/{path}": data for path, data in pages.items()})
    card = vcard(site.settings)
    for language in site.languages.values():
        files[f"site/{language.folder}contact.vcf"] = card
    if logo is not None:  # an SVG without anything that could run
        files["site/" + logo[0]] = logo[1]
    return files


def page_labels(site: SiteModel, lang: str, problems: list[Problem]) -> dict[str, Any]:
    """The pages' labels of a language (wording/pages/<lang>.toml). A site's copy overrides key by key, so a
    copy made before a label was added still works; a language without labels gets the English ones; a file
    that is not TOML is a problem."""
    labels: dict[str, Any] = {}
    for rel in ("pages/en.toml", f"pages/{lang}.toml"):
        for folder in reversed(site.wording.folders):
            if gate.present(folder / rel):
                labels.update(parse_toml(folder / rel, problems, site.root) or {})
    return labels


def serve_files(site: SiteModel) -> tuple[dict[str, bytes], list[Problem]]:
    """What `serve` shows: the pages stage's files below site/ (empty with errors), and its problems."""
    staged = plan(site)
    files = {path: data for unit in staged.units for path, data in unit.render().items()}
    return files, list(staged.problems)
