"""The build, top to bottom: settings -> texts -> pages (+ print, records) -> output/, swapped in whole."""

from __future__ import annotations

import gzip
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Collection

from . import consent as consent_mod
from .config import Settings, load_settings
from .consent import ChatLink, Version, archive_entry, check_message_length, language_chat_links, read_archive
from .content import Text, read_language_texts
from .pages import (LanguageSite, consent_for, logo_file, render_language, text_context, theme_environment,
                    theme_static, vcard)
from .problems import InputError, Problem, errors

MARKER = ".site-builder-output"


@dataclass
class Language:
    """Everything read for one language."""

    lang: str
    texts: dict[str, Text]
    consent_id: str
    fragment: str
    versions: list[Version]
    new_version: Version | None
    links: dict[str, str] = field(default_factory=dict)  # page links of this language (content.page_links)
    chat_links: list[ChatLink] = field(default_factory=list)  # consent.language_chat_links


@dataclass
class Plan:
    """What a build would write, and what it found on the way."""

    settings: Settings | None
    files: dict[str, bytes] = field(default_factory=dict)  # path below output/ -> bytes
    problems: list[Problem] = field(default_factory=list)
    languages: dict[str, Language] = field(default_factory=dict)
    sites: dict[str, LanguageSite] = field(default_factory=dict)
    write: bool = True  # False for `check`: stages validate but may skip expensive drawing

    @property
    def new_versions(self) -> list[Version]:
        return [lang.new_version for lang in self.languages.values() if lang.new_version]


# Later stages (print files, records, hosting configs) register here: (settings, plan, previous output) -> files.
Stage = Callable[[Settings, Plan, Path | None], dict[str, bytes]]


def _print_stage(settings: Settings, plan: Plan, previous: Path | None) -> dict[str, bytes]:
    from .printing import print_files  # lazily: ReportLab and friends are the slow imports

    return print_files(settings, plan, previous)


def _hosting_stage(settings: Settings, plan: Plan, previous: Path | None) -> dict[str, bytes]:
    from .hosting import hosting_files  # security headers for Apache, Netlify/Cloudflare, nginx, Caddy

    return hosting_files(settings, plan.files)


def _records_stage(settings: Settings, plan: Plan, previous: Path | None) -> dict[str, bytes]:
    from .records import records_stage  # lazily: ReportLab again

    return records_stage(settings, plan, previous)


STAGES: list[tuple[str, Stage]] = [
    ("print", _print_stage),
    ("hosting", _hosting_stage),
    ("records", _records_stage),
]


def read_language(settings: Settings, lang: str, problems: list[Problem]) -> Language | None:
    """Read one language's texts (every problem of every text reported), then its consent archive."""
    read, found = read_language_texts(settings.root / "content" / lang, lang,
                                      lambda links, consent: text_context(settings, lang, links, consent),
                                      lambda texts: consent_for(settings, lang, texts))
    problems += found
    if read.consent is None:
        return None
    consent_id, fragment = read.consent
    versions = read_archive(settings.root, lang, problems)
    new = None
    if consent_id not in {v.id for v in versions}:
        new = Version(consent_id, lang, settings.today.isoformat(), fragment)
        versions.append(new)
    chat = language_chat_links(settings, lang, read.texts["consent"].meta["message"], consent_id)
    return Language(lang, read.texts, consent_id, fragment, versions, new, read.links, chat)


_ENVIRONMENTS: dict[tuple[str, ...], Any] = {}


def shared_environment(settings: Settings):
    """One Jinja environment per theme search path and process, so templates compile once for
    every rebuild in `serve` and every site of a batch; Jinja rechecks each file's mtime on use."""
    env = theme_environment(settings)
    return _ENVIRONMENTS.setdefault(tuple(env.loader.searchpath), env)


def plan_build(config: Path, settings_read: Callable[[Settings], None] | None = None) -> Plan:
    """Validate everything and render every file in memory; write nothing. `settings_read` is called as
    soon as the settings are known to be good (the command line's early print process starts drawing then)."""
    settings, problems = load_settings(config)
    plan = Plan(settings, problems=list(problems))
    if settings is None:
        return plan
    if settings_read is not None and not errors(problems):
        settings_read(settings)
    for lang in settings.languages:
        language = read_language(settings, lang, plan.problems)
        if language is not None:
            plan.languages[lang] = language
    if errors(plan.problems) or len(plan.languages) != len(settings.languages):
        return plan
    from .completeness import completeness_problems  # every Art. 13 item filled, in every language

    plan.problems += completeness_problems(settings, plan.languages)
    default = plan.languages[settings.default_lang]
    plan.problems += check_message_length(
        default.chat_links, str(settings.root / "content" / settings.default_lang / "consent.md"))
    if errors(plan.problems):
        return plan
    env = shared_environment(settings)
    js = theme_static(settings, "app.js")
    all_links = {lang: language.links for lang, language in plan.languages.items()}
    for lang, language in plan.languages.items():
        site = render_language(settings, lang, language.texts, language.consent_id, language.fragment,
                               language.versions, all_links, language.chat_links, env, js)
        plan.sites[lang] = site
        plan.files.update({f"site/{path}": data for path, data in site.files.items()})
    plan.files["site/contact.vcf"] = vcard(settings)
    for lang in settings.languages[1:]:
        plan.files[f"site/{lang}/contact.vcf"] = vcard(settings)
    if (logo := logo_file(settings, plan.problems)) is not None:  # an SVG without anything that could run
        plan.files["site/" + logo[0]] = logo[1]
    return plan


def _run_stage(name: str, stage: Stage, settings: Settings, plan: Plan,
               previous: Path | None) -> tuple[dict[str, bytes], list[Problem]]:
    try:
        return stage(settings, plan, previous), []
    except InputError as exc:
        return {}, exc.problems


def run_stages(settings: Settings, plan: Plan, previous: Path | None, *, skip: Collection[str] = ()) -> None:
    """Add the files of the later stages (but those in `skip`); their problems go into the plan."""
    for name, stage in STAGES:
        if name not in skip:
            files, problems = _run_stage(name, stage, settings, plan, previous)
            plan.files.update(files)
            plan.problems += problems


def _collect_print(early: Any, settings: Settings, plan: Plan, previous: Path | None) -> None:
    """The print files an early.EarlyPrint drew meanwhile, if drawn from these very settings; else drawn here."""
    from .printing import print_inputs

    drawn = early.result()
    if drawn is not None and drawn[0] == print_inputs(settings).key:
        files, problems = drawn[1], drawn[2]
    else:
        files, problems = _run_stage("print", dict(STAGES)["print"], settings, plan, previous)
    plan.files.update(files)
    plan.problems += problems


# --- writing ----------------------------------------------------------------------------------


def check_output_dir(out: Path, config: Path) -> list[Problem]:
    """Refuse an output folder that holds the sources, or that this tool did not create."""
    out = out.resolve()
    root = config.resolve().parent
    sources = [config.resolve(), root / "content", root / "themes", root / consent_mod.ARCHIVE_DIR]
    for source in sources:
        if source == out or out in source.parents or (source.is_dir() and source in out.parents):
            return [Problem(str(out), "-o/--out", f"the output folder would contain or replace {source}",
                            "choose a separate folder such as ./output")]
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        return [Problem(str(out), "-o/--out", "this folder exists and was not made by site-builder",
                        "choose another folder, or empty it first: the build never deletes what it did not create")]
    return []


class NewOutput:
    """The next `out`, written file by file into a fresh folder beside it and swapped in whole by
    `commit`; until then, and whatever fails, `out` stays exactly as it was."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.out.parent / f".{self.out.name}.tmp-{os.getpid()}"
        self.old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        for leftover in (self.tmp, self.old):
            if leftover.exists():
                shutil.rmtree(leftover)
        self.written: set[str] = set()
        self._folders: set[Path] = set()
        try:
            self.tmp.mkdir()
            (self.tmp / MARKER).write_text("Made by site-builder; rebuilt whole on every build.\n", encoding="utf-8")
        except BaseException:
            self.discard()
            raise

    def add(self, files: dict[str, bytes]) -> None:
        """Write the files not written yet (a file that did not change since `out` is linked, not copied)."""
        try:
            for rel, data in sorted(files.items()):
                if rel in self.written:
                    continue
                target = self.tmp / rel
                if target.parent not in self._folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self._folders.add(target.parent)
                if not _link_unchanged(self.out / rel, target, data):
                    target.write_bytes(data)
                self.written.add(rel)
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        try:
            if self.out.exists():
                self.out.rename(self.old)
            self.tmp.rename(self.out)
        except BaseException:
            if self.old.exists() and not self.out.exists():
                self.old.rename(self.out)
            self.discard()
            raise
        shutil.rmtree(self.old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def write_output(out: Path, files: dict[str, bytes]) -> None:
    """Write every file into a fresh folder beside `out`, then swap it in; on failure `out` is untouched."""
    output = NewOutput(out)
    output.add(files)
    output.commit()


def _link_unchanged(old: Path, target: Path, data: bytes) -> bool:
    """Hard-link a file whose bytes did not change since the previous build instead of writing it again:
    after a text edit that is most of them, and on many disks a new file costs ten times a link."""
    try:
        if old.is_symlink() or old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
        os.link(old, target)
        return True
    except OSError:  # no previous file, or links not possible here (another file system, FAT): write it
        return False


def archive_versions(root: Path, versions: list[Version]) -> list[Path]:
    """Keep each new consent text in consent-versions/<lang>/<id>.html, next to site.toml."""
    written = []
    for version in versions:
        path = root / consent_mod.ARCHIVE_DIR / version.lang / f"{version.id}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(archive_entry(version), encoding="utf-8")
            written.append(path)
    return written


@dataclass
class BuildResult:
    """The outcome of `check` or `build`."""

    plan: Plan
    written: bool = False
    archived: list[Path] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.plan.problems


def build(config: Path, out: Path, *, strict: bool = False, write: bool = True, preview: bool = False,
          early: Any = None) -> BuildResult:
    """Validate, render, and (unless write=False) swap the result into `out`; preview adds phone screenshots;
    early: an early.EarlyPrint already drawing the print files (the command line starts one)."""
    output: NewOutput | None = None
    if write:  # compiled templates kept in ~/.cache; `check` writes nothing anywhere
        from .placeholders import use_bytecode_cache
        use_bytecode_cache(True)
    try:
        plan = plan_build(config, early.send if early is not None else None)
        plan.write = write
        if plan.settings is not None and not errors(plan.problems):
            if write:
                plan.problems += check_output_dir(out, config)
            if not errors(plan.problems):
                previous = out if out.is_dir() else None
                run_stages(plan.settings, plan, previous, skip={"print"} if early is not None else ())
                if early is not None:
                    if write and not preview and not errors(plan.problems, strict):
                        output = NewOutput(out)  # write what is ready while the print files are being drawn
                        output.add(plan.files)
                    _collect_print(early, plan.settings, plan, previous)
        if errors(plan.problems, strict) or plan.settings is None or not write:
            return BuildResult(plan)
        if preview:
            from .preview import preview_files  # lazily: Playwright is only needed for the pictures
            try:
                plan.files.update(preview_files(plan.settings, plan.files))
            except InputError as exc:
                plan.problems += exc.problems
                return BuildResult(plan)
        output = output or NewOutput(out)
        output.add(plan.files)
        output.commit()
        output = None
        return BuildResult(plan, True, archive_versions(plan.settings.root, plan.new_versions))
    finally:
        if early is not None:
            early.cancel()
        if output is not None:  # a build that failed after writing part of the new output
            output.discard()


def page_weight(files: dict[str, bytes], prefix: str = "site/") -> tuple[int, int]:
    """Bytes of the landing page and everything it loads: raw and gzip."""
    page = files[prefix + "index.html"]
    loaded = [page] + [data for path, data in files.items()
                       if path.startswith(prefix + "logo.") and path.count("/") == prefix.count("/")]
    return sum(len(d) for d in loaded), sum(len(gzip.compress(d, 9, mtime=0)) for d in loaded)
