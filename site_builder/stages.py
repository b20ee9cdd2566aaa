"""The stages after the texts, each turning a read site into units of output (site_builder.units)."""

from __future__ import annotations

from pathlib import Path

from . import consent as consent_mod
from .consent import archive_entry
from .problems import Problem, errors
from .reading import Site
from .units import Unit, digest


def pages_unit(site: Site) -> Unit:
    """The pages, rendered in memory by `read_site` (they are cheap, and the hosting configs list them)."""
    files = dict(site.files)
    return Unit("site/pages", digest(sorted((k, v) for k, v in files.items())), lambda: files, tuple(files))


def media_unit(site: Site) -> Unit:
    """The link-preview cards, the icons and robots.txt: redrawn only when what they show changes."""
    from .formatting import lang_dir
    from .social import RENDER_VERSION, media_files, robots_txt

    settings = site.settings
    name = settings.business.name
    benefits = {lang: str(language.texts["index"].meta.get("intro", "")) for lang, language in site.languages.items()}
    dirs = {lang: lang_dir(settings, lang) for lang in site.languages}
    logo = settings.logo_path
    colour = settings.theme.primary
    key = digest(RENDER_VERSION, name, benefits, dirs, colour, logo.read_bytes() if logo else b"",
                 logo.suffix if logo else "")
    robots = robots_txt(settings.base_url)

    def render() -> dict[str, bytes]:
        files = media_files(name, benefits, logo, colour, dirs)
        if robots is not None:
            files["site/robots.txt"] = robots
        return files

    from .social import card_name, head_files

    paths = tuple(f"site/{p}" for p in head_files()) + tuple(
        f"site/{dirs[lang]}{card_name(lang)}" for lang in site.languages) + (("site/robots.txt",) if robots else ())
    return Unit("site/media", key, render, paths)


def hosting_unit(site: Site) -> Unit:
    from .hosting import hosting_files  # security headers for Apache, Netlify/Cloudflare, nginx, Caddy

    files = hosting_files(site.settings, site.files)
    return Unit("hosting", digest(sorted((k, v) for k, v in files.items())), lambda: files, tuple(files))


def print_units(site: Site) -> tuple[list[Unit], list[Problem]]:
    """QR codes, posters, invoice blocks and the print shop's notes (units know their files before drawing)."""
    from .printing import print_problems, print_units as units_of

    # the landing page's benefit line goes on the posters too; it takes room, so the layout rules see it
    benefits = {lang: str(language.texts["index"].meta.get("intro", "")) for lang, language in site.languages.items()}
    problems = print_problems(site.settings, benefits)
    return ([] if errors(problems) else units_of(site.settings, benefits)), problems


def records_units(site: Site) -> tuple[list[Unit], list[Problem]]:
    """The internal records, one unit per record; making the units draws nothing."""
    from .records.stage import records_input, records_units as units_of

    return units_of(site.settings, records_input(site.settings, site.languages))


def site_units(site: Site) -> tuple[list[Unit], list[Problem]]:
    """Every unit of the build in order: pages, print, records, media, hosting. Nothing is drawn here:
    `check` stops after this, `build` renders (or reuses) each unit."""
    units, problems = [pages_unit(site)], []
    for stage in (print_units, records_units):
        more, found = stage(site)
        units += more
        problems += found
    units += [media_unit(site), hosting_unit(site)]
    return units, problems


def planned_files(unit: Unit) -> tuple[str, ...]:
    return unit.paths


def preview_unit(site: Site, site_files: dict[str, bytes], output: tuple[str, ...] = ()) -> Unit:
    """The phone screenshots and the contact sheet; `output` names the files already written (the sheet
    links the poster previews among them), so this unit is made after the others."""
    import time

    from .preview import preview_files  # lazily: Playwright is only needed for the pictures

    # A digest no earlier build has: the pictures are the owner's look at this very build (and depend on the
    # browser too), so they are never linked from the previous output. (An empty digest matched the previous
    # build's empty one, and a second `build --preview` kept the old pictures.)
    fresh = digest("preview", time.time_ns())
    return Unit("preview", fresh, lambda: preview_files(site.settings, site_files, output))


def archive_versions(site: Site) -> list[Path]:
    """Keep each new consent text in consent-versions/<lang>/<id>.html, next to site.toml."""
    written = []
    for version in site.new_versions:
        path = site.settings.root / consent_mod.ARCHIVE_DIR / version.lang / f"{version.id}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(archive_entry(version), encoding="utf-8")
            written.append(path)
    return written
