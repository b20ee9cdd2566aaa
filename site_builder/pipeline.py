"""The build, top to bottom.

    load_site(config)  -> SiteModel            settings, wording, theme, texts, consent       (site/)
    stage.plan(site)   -> units + problems     pages, printing, records (with the Art. 13 check),
                                               link previews, hosting: siblings, each from the SiteModel
    check  = load + every stage's problems; nothing is drawn or written
    build  = check + draw what the previous output cannot give (drawing.py) + one atomic swap (output.py)

`serve` is load + the pages stage (live_preview.py). Whether anything changed at all is decided before
this module is imported (outcome.py): a rebuild with nothing changed never gets here.
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import consent, inputs, template_cache
from .drawing import draw, draw_one
from .build_result import BuildResult, write_problem
from .output import Manifest, NewOutput, check_output_dir, strangers
from .problems import InputError, Problem, errors, report
from .site import SiteModel, load_site
from .stages import hosting, link_previews, pages, printing, records
from .stages.phone_preview import preview_unit
from .units import Unit

# The owner's photo in site/ (pages stage): loaded lazily below the decision, reported apart from the 14 KB.
PHOTO_PREFIX = "site/photo-"
# The stages in the order of output/: each takes the SiteModel and nothing else.
STAGES = (pages, printing, records, link_previews, hosting)


@dataclass
class Checked:
    """What `check` found: the site (None when it could not be loaded), its units, every problem."""

    site: SiteModel | None
    units: list[Unit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def check(config: Path) -> Checked:
    """Load the site and ask every stage for its units and problems; draw and write nothing."""
    try:
        site, problems = load_site(config)
    except InputError as exc:
        return Checked(None, [], list(exc.problems))
    units: list[Unit] = []
    for stage in STAGES:
        staged = stage.plan(site)
        units += staged.units
        problems += staged.problems
    return Checked(site, units, problems)


def build_site(config: Path, out: Path, digest: str, result: BuildResult, *, strict: bool = False,
               write: bool = True, preview: bool = False, parallel: bool = False) -> BuildResult:
    """Check, then (unless write=False, for `check`) draw and swap the new output into `out`. digest: the
    whole-input digest to store (outcome.py computed it); parallel: draw on several cores where that pays."""
    template_cache.writing(write)  # `check` reads compiled templates a build left, and writes nothing
    checked = check(config)
    result.problems += checked.problems
    site = checked.site
    if site is None or errors(result.problems):
        return result
    result.settings = site.settings
    result.consent_ids = {lang: language.consent_id for lang, language in site.languages.items()}
    result.default_lang = site.default_lang
    if write:
        result.problems += check_output_dir(out, config)
    if errors(result.problems, strict):
        return result
    if not write:
        result.files = {path: 0 for unit in checked.units for path in unit.paths}
        return result
    previous = Manifest.read(out) if out.is_dir() else Manifest()
    try:
        _write(result, out, site, checked.units, previous, digest if not preview else "", preview, parallel)
    except InputError as exc:
        result.problems += exc.problems
        return result
    except OSError as exc:  # a full disk, a folder that cannot be written: `out` is as it was
        result.problems.append(write_problem(out, exc))
        return result
    return result


def _write(result: BuildResult, out: Path, site: SiteModel, units: list[Unit], previous: Manifest, digest: str,
           preview: bool, parallel: bool) -> None:
    """One atomic write: every unit into a fresh folder, then the swap. Whatever fails, `out` stays."""
    new = NewOutput(out, previous)
    try:
        problems: list[Problem] = []
        drawn = draw([unit for unit in units if not new.reusable(unit)], new.out, parallel)
        for unit in units:
            files = drawn.get(unit.name)
            if files is None and not new.link_unit(unit):  # reusable, but the old files could not be linked
                files = draw_one(unit, new.out)
            if isinstance(files, list):  # the problems the unit raised
                problems += files
            elif files is not None:
                new.add_unit(unit, files)
        site_files = {path: data for unit in units if unit.name == "site/pages" for path, data in unit.render().items()}
        photo = {path: size for path, size in new.written.items() if path.startswith(PHOTO_PREFIX)}
        if preview and not problems:
            site_files.update({path: (new.tmp / path).read_bytes() for path in photo})  # last: its contact sheet links the poster previews written above
            problems += _add_preview(new, site, site_files)
        if problems:
            raise InputError(problems)
        result.problems += [report(str(out / rel), "output", "output.stranger_removed", warning=True)
                            for rel in strangers(out, previous)]
        result.files = dict(new.written)
        result.page_weight = page_weight(site_files)
        result.photo_weight = photo
        # archived before the swap: a published page never cites a version the archive lacks, and when the
        # archive cannot be written, nothing is (and the message says so)
        result.archived = archive_versions(site)
        if result.archived and digest:  # the archive is an input too: the next build must find it unchanged
            digest = inputs.input_digest(site.config)
        new.commit(digest, result.summary(site.root))
        result.written = True
    finally:
        new.discard()


def _add_preview(new: NewOutput, site: SiteModel, site_files: dict[str, bytes]) -> list[Problem]:
    """The phone screenshots of the pages about to be swapped in, and their contact sheet; or its problems."""
    try:
        unit = preview_unit(site, site_files, tuple(new.written))
    except InputError as exc:  # the contact sheet's wording cannot be read
        return list(exc.problems)
    files = draw_one(unit, new.out)
    if isinstance(files, list):
        return files
    new.add_unit(unit, files)
    return []


def archive_versions(site: SiteModel) -> list[Path]:
    """Keep each new consent text in consent-versions/<lang>/<id>.html, next to site.toml."""
    written: list[Path] = []
    # a consent-versions/ (or a language folder in it) that links elsewhere would put this site's archive, and
    # the build's writes, in another folder (another site's, or content/ of this one): refused before any
    # folder is made through the link
    site_real = os.path.realpath(site.root)
    for version in site.new_versions:
        folder = site.root / consent.ARCHIVE_DIR / version.lang
        if (real := os.path.realpath(folder)) != os.path.join(site_real, consent.ARCHIVE_DIR, version.lang):
            shown = os.path.relpath(real, site_real) if real.startswith(site_real + os.sep) else real
            raise InputError([report(str(folder), "folder", "output.archive_outside", target=shown)])
    try:
        for version in site.new_versions:
            path = site.root / consent.ARCHIVE_DIR / version.lang / f"{version.id}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            if not os.path.lexists(path):
                with open(path, "x", encoding="utf-8") as f:  # "x": never through a link planted meanwhile
                    written.append(path)
                    f.write(consent.archive_entry(version))
    except OSError as exc:
        for path in written:  # all or nothing, like the output
            path.unlink(missing_ok=True)
        raise InputError([report(str(exc.filename or site.root / consent.ARCHIVE_DIR), "consent-versions",
                                 "output.archive_failed", reason=exc.strerror or exc.__class__.__name__)]) from None
    return written


def page_weight(files: dict[str, bytes], prefix: str = "site/") -> tuple[int, int]:
    """Bytes of the landing page and everything it loads: raw and gzip."""
    page = files.get(prefix + "index.html")
    if page is None:
        return 0, 0
    loaded = [page] + [data for path, data in files.items()
                       if path.startswith(prefix + "logo.") and path.count("/") == prefix.count("/")]
    return sum(len(d) for d in loaded), sum(len(gzip.compress(d, 9, mtime=0)) for d in loaded)
