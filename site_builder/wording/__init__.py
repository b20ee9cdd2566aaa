"""The texts a person reads that are not the owner's own: every sentence of the records, the WhatsApp app
texts, the posters and print notes, the pages' labels, the consent bot's replies and the preview sheet.

    wording/records/<lang>/*.toml   the internal records          wording/app/<lang>/texts.toml   the app texts
    wording/print/<lang>/...        posters, invoice block, notes wording/pages/<lang>.toml       page labels
    wording/bot/<lang>/*.txt        the consent bot's replies     wording/preview/<lang>/...      preview sheet
    wording/requests/<name>.toml    guided requests (one file each, texts per language inside)
    wording/register/<lang>/stop_words.toml   withdrawals in free words (`consents` and the bot alike)

A site changes a sentence by putting a file at the same relative path below its own `wording/` folder (next
to site.toml); the README says how. Sites made before the wording had a folder of its own kept these copies
below `themes/<theme>/` (themes/default/records/de/consent.toml): they are still read, each with a warning
that names where to move it (`Wording.moved`). "Theme" means the look only: templates, CSS, scripts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..placeholders import render_placeholders
from ..problems import Problem, report
from .. import gate, tomlparse
from ..tomlparse import tomllib

SHIPPED = Path(__file__).resolve().parent
SITE_FOLDER = "wording"  # a site's own copies: <folder of site.toml>/wording/<area>/...
AREAS = ("records", "app", "print", "pages", "bot", "preview", "requests", "register")


@dataclass(frozen=True)
class Wording:
    """One lookup list for every wording file: the site's own `wording/`, the older place of its copies
    (themes/<legacy_theme>/, themes/default/), then the shipped wording."""

    root: Path  # the folder of site.toml
    legacy_theme: str = "default"  # the theme folder that older sites kept their copies in
    folders: tuple[Path, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folders", (self.root / SITE_FOLDER, *self.legacy_folders, SHIPPED))

    @property
    def legacy_folders(self) -> tuple[Path, ...]:
        names = dict.fromkeys((self.legacy_theme, "default"))
        return tuple(self.root / "themes" / name for name in names)

    @property
    def site_folders(self) -> tuple[Path, ...]:
        """The site's own folders, without the shipped one."""
        return self.folders[:-1]

    def own_path(self, rel: str) -> Path:
        """Where the site's own copy of `rel` belongs (named in messages)."""
        return self.root / SITE_FOLDER / rel

    def locate(self, rel: str) -> Path | None:
        """The file that wins for `rel` (e.g. 'records/de/consent.toml'), or None if no folder has it. A pipe or
        a link out of the site wins too: reading it then says why (gate.py)."""
        for folder in self.folders:
            if gate.present(folder / rel):
                return folder / rel
        return None

    def missing(self, rels: list[str]) -> list[str]:
        """Those of `rels` that no folder has."""
        return [rel for rel in rels if self.locate(rel) is None]

    def read(self, rel: str) -> tuple[str, Path]:
        """The text of the winning file, read through the gate; gate.Refused when none has it or it is refused."""
        path = self.locate(rel)
        if path is None:
            raise gate.Refused(unreadable(self.own_path(rel), FileNotFoundError()))
        return gate.decode(gate.read_or_refuse(path, root=self.root), str(path)), path

    def toml(self, rel: str, problems: list[Problem]) -> dict[str, Any] | None:
        """A TOML wording file, or None with a problem naming the file and line."""
        path = self.locate(rel)
        if path is None:
            problems.append(unreadable(self.own_path(rel), FileNotFoundError()))
            return None
        return parse_toml(path, problems, self.root)

    def render(self, rel: str, context: Mapping[str, Any], problems: list[Problem]) -> str | None:
        """A Markdown/text wording file with its {{ placeholders }} filled (sandboxed, unknown ones reported
        with file and line); None if it cannot be read or filled."""
        try:
            source, path = self.read(rel)
        except gate.Refused as refused:
            problems.append(refused.problem)
            return None
        return render_placeholders(source, context, str(path), 1, problems)

    def moved(self) -> list[Problem]:
        """A warning for each wording file the site keeps in the older place: still read while no copy in
        wording/ takes its place, ignored (and said so) once one does."""
        found: list[Problem] = []
        for folder in self.legacy_folders:
            for area in AREAS:
                if not (folder / area).is_dir():
                    continue
                for old in sorted(p for p in (folder / area).rglob("*") if gate.present(p)):
                    rel = old.relative_to(folder).as_posix()
                    winner = self.locate(rel)
                    if winner == old:
                        found.append(report(str(old), "file", "wording.moved", warning=True, new=self.own_path(rel)))
                    else:
                        found.append(report(str(old), "file", "wording.moved_ignored", warning=True, winner=winner))
        return found


def unreadable(path: Path, exc: Exception) -> Problem:
    return report(str(path), "file", "records.wording_unreadable", error=exc.__class__.__name__)


def parse_toml(path: Path, problems: list[Problem], root: Path) -> dict[str, Any] | None:
    """One wording TOML file (or a site's copy of the page labels), read through the gate (`root`: the site's
    folder), or None with a problem naming the file; the parser's message gives the line."""
    text = gate.read_text(path, problems, root=root)
    if text is None:
        return None
    try:
        return tomlparse.loads(text)
    except tomlparse.TooDeep as exc:
        problems.append(report(str(path), f"line {exc.line}", "input.too_deep", limit=tomlparse.MAX_DEPTH))
    except tomllib.TOMLDecodeError as exc:
        problems.append(report(str(path), "TOML", "records.wording_toml", error=str(exc)))
    return None
