"""The stages after the texts, each turning a read site into units of output (site_builder.units)."""

from __future__ import annotations

from pathlib import Path

from . import consent as consent_mod
from .consent import archive_entry
from .problems import InputError, Problem
from .reading import Site
from .units import Unit, digest


def pages_unit(site: Site) -> Unit:
    """The pages, rendered in memory by `read_site` (they are cheap, and the hosting configs list them)."""
    files = dict(site.files)
    return Unit("site/pages", digest(sorted((k, v) for k, v in files.items())), lambda: files, tuple(files))


def hosting_unit(site: Site) -> Unit:
    from .hosting import hosting_files  # security headers for Apache, Netlify/Cloudflare, nginx, Caddy

    files = hosting_files(site.settings, site.files)
    return Unit("hosting", digest(sorted((k, v) for k, v in files.items())), lambda: files, tuple(files))


def print_units(site: Site, check_only: bool) -> tuple[list[Unit], list[Problem]]:
    """QR codes, posters, invoice blocks and the print shop's notes; `check` applies the print rules only."""
    from .printing import print_problems, print_units as units_of

    problems = print_problems(site.settings)
    from .problems import errors

    if errors(problems):
        return [], problems
    return units_of(site.settings), problems


def records_units(site: Site, check_only: bool) -> tuple[list[Unit], list[Problem]]:
    from .records import build_records, records_files  # interim: one unit for the whole records folder
    from .problems import errors

    records, problems = build_records(site.settings, site)
    if errors(problems) or check_only:
        return [], problems
    key = digest([(path, repr(record)) for path, record in records])

    def render() -> dict[str, bytes]:
        files, found = records_files(site.settings, site, None)
        if errors(found):
            raise InputError(errors(found))
        return files

    return [Unit("records", key, render)], problems


def site_units(site: Site, *, render_checks: bool = False) -> tuple[list[Unit], list[Problem]]:
    """Every unit of the build in order: pages, print, records, hosting. render_checks: `check`, which
    validates what the later stages would draw without drawing it."""
    units, problems = [pages_unit(site)], []
    for stage in (print_units, records_units):
        more, found = stage(site, render_checks)
        units += more
        problems += found
    units.append(hosting_unit(site))
    return units, problems


def planned_files(unit: Unit) -> tuple[str, ...]:
    return unit.paths


def preview_unit(site: Site, site_files: dict[str, bytes]) -> Unit:
    from .preview import preview_files  # lazily: Playwright is only needed for the pictures

    return Unit("preview", "", lambda: preview_files(site.settings, site_files))


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
