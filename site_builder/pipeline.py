"""The build, top to bottom.

    site.toml  --load + validate-->  Settings                       (config)
    content/   --read + render---->  texts, consent id per language (reading)
    Settings + texts ------------->  pages                          (pages)
    Settings --------------------->  QR codes, posters, invoice blocks (printing)
    Settings + texts + wording --->  records                        (records)
    pages ------------------------>  hosting configs                (hosting)
    all of it -------------------->  one atomic write into output/  (output)

Every stage after the texts returns units (site_builder.units): files plus a digest of what they are made
from. The write reuses a unit's files from the previous output while its digest is unchanged. Before all
of that, a digest of every input file decides whether anything changed at all: a rebuild with nothing
changed reads and hashes the inputs, writes nothing, and imports none of the drawing or text libraries.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import inputs as inputs_mod
from .output import Manifest, NewOutput, check_output_dir, recover, strangers
from .problems import InputError, Problem, errors, report
from .units import Unit


@dataclass
class BuildResult:
    """What `check` or `build` found and did."""

    problems: list[Problem] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)  # path below output/ -> size
    consent_ids: dict[str, str] = field(default_factory=dict)  # lang -> consent version id
    page_weight: tuple[int, int] = (0, 0)  # landing page with what it loads: raw and gzip bytes
    written: bool = False
    unchanged: bool = False  # nothing changed since the previous build: nothing was written
    archived: list[Path] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    default_lang: str = ""
    settings: Any = None  # the validated settings, when this run read them (not on an unchanged rebuild)

    def summary(self, root: Path) -> dict[str, Any]:
        """What an unchanged rebuild reports again; files named relative to the site's folder, so that the
        same site gives the same bytes wherever it is built from."""
        def rel(file: str) -> str:
            try:
                return Path(file).resolve().relative_to(root.resolve()).as_posix()
            except (ValueError, OSError):
                return file

        return {"consent_ids": self.consent_ids, "page_weight": list(self.page_weight),
                "warnings": [[rel(p.file), p.where, p.what, p.fix] for p in self.problems if p.severity != "error"],
                "default_lang": self.default_lang}


def build(config: Path, out: Path, *, strict: bool = False, write: bool = True,
          preview: bool = False, two_cores: bool = False) -> BuildResult:
    """Validate everything, then (unless write=False, for `check`) swap the new output into `out`.
    two_cores: draw the units on two processes where that pays (site_builder.parallel)."""
    result = BuildResult()
    if write:
        try:
            result.recovered = recover(out)
        except OSError as exc:
            result.problems.append(_write_problem(out, exc))
            return result
    digest = inputs_mod.input_digest(config)
    previous = Manifest.read(out) if out.is_dir() else Manifest()
    if digest and not preview and previous.inputs == digest and previous.intact(out):
        return _unchanged(result, previous, strict, write)

    from .placeholders import use_bytecode_cache
    from .reading import read_site  # settings and texts: the first import of the text libraries

    use_bytecode_cache(write)  # compiled templates kept in ~/.cache; `check` writes nothing anywhere

    site = read_site(config)
    result.problems += site.problems
    result.settings = site.settings
    if site.settings is None or errors(site.problems):
        return result
    from . import stages

    units, stage_problems = stages.site_units(site)
    result.problems += stage_problems
    result.consent_ids = {lang: language.consent_id for lang, language in site.languages.items()}
    result.default_lang = site.settings.default_lang
    if write:
        result.problems += check_output_dir(out, config)
    if errors(result.problems, strict):
        return result
    if not write:
        result.files = {path: 0 for unit in units for path in stages.planned_files(unit)}
        return result
    try:
        _write(result, out, units, previous, digest if not preview else "", site, preview, two_cores)
    except InputError as exc:
        result.problems += exc.problems
        return result
    except OSError as exc:  # a full disk, a folder that cannot be written: `out` is as it was
        result.problems.append(_write_problem(out, exc))
        return result
    try:
        result.archived = stages.archive_versions(site)
        if result.archived and digest:  # the archive is an input too: the next build must find it unchanged
            Manifest.read(out).rewrite(out, inputs=inputs_mod.input_digest(config))
    except OSError as exc:
        result.problems.append(report(str(exc.filename or site.settings.root), "consent-versions",
                                      "output.archive_failed", reason=exc.strerror or exc.__class__.__name__))
    return result


def _write_problem(out: Path, exc: OSError) -> Problem:
    return report(str(out), "-o/--out", "output.write_failed", reason=exc.strerror or exc.__class__.__name__,
                  path=exc.filename or out)


def _write(result: BuildResult, out: Path, units: list[Unit], previous: Manifest, digest: str,
           site: Any, preview: bool, two_cores: bool) -> None:
    """One atomic write: every unit into a fresh folder, then the swap. Whatever fails, `out` stays."""
    from . import stages

    new = NewOutput(out, previous)
    try:
        problems: list[Problem] = []
        drawn = {}
        if two_cores:
            from .parallel import draw

            drawn = draw([unit for unit in units if not new.reusable(unit)], new.tmp, new.out)
        for unit in units:
            files = drawn.get(unit.name)
            if isinstance(files, list):  # the problems the unit raised in the other process
                problems += files
                continue
            try:
                new.add_unit(unit, files)
            except InputError as exc:
                problems += exc.problems
        if preview and not problems:  # last: its contact sheet links the poster previews written above
            try:
                new.add_unit(stages.preview_unit(site, site.files, tuple(new.written)))
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems)
        result.problems += [report(str(out / rel), "output", "output.stranger_removed", warning=True)
                            for rel in strangers(out, previous)]
        result.files = dict(new.written)
        result.page_weight = page_weight(site.files)
        new.commit(digest, result.summary(site.settings.root))
        result.written = True
    finally:
        new.discard()


def _unchanged(result: BuildResult, previous: Manifest, strict: bool, write: bool) -> BuildResult:
    """The previous build's outcome, for inputs that did not change since."""
    summary = previous.summary
    result.unchanged = True
    result.problems = [Problem(*map(str, w[:4]), "warning") for w in summary.get("warnings", [])]
    if strict and result.problems:
        return result
    result.consent_ids = dict(summary.get("consent_ids", {}))
    result.page_weight = tuple(summary.get("page_weight", (0, 0)))  # type: ignore[assignment]
    result.default_lang = summary.get("default_lang", "")
    result.files = {rel: size for unit in previous.units.values() for rel, size in unit["files"].items()}
    return result


def page_weight(files: dict[str, bytes], prefix: str = "site/") -> tuple[int, int]:
    """Bytes of the landing page and everything it loads: raw and gzip."""
    page = files.get(prefix + "index.html")
    if page is None:
        return 0, 0
    loaded = [page] + [data for path, data in files.items()
                       if path.startswith(prefix + "logo.") and path.count("/") == prefix.count("/")]
    return sum(len(d) for d in loaded), sum(len(gzip.compress(d, 9, mtime=0)) for d in loaded)
