"""Wording files: every sentence of the records, app texts, posters and print notes lives in a file under
`themes/default/` (Markdown with {{ placeholders }}, or TOML for lists), which a site overrides by putting a
file at the same relative path under its own `themes/default/`, exactly as page templates are overridden.

    themes/default/records/<lang>/...   the internal records
    themes/default/app/<lang>/...       texts for the WhatsApp Business app
    themes/default/print/<lang>/...     posters, invoice block, notes for the print shop
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .placeholders import render_placeholders
from .problems import Problem, report
from .tomlparse import tomllib

BUILTIN_THEMES = Path(__file__).parent / "themes"


@dataclass(frozen=True)
class Wording:
    """Where a site's wording files are looked up: the site's theme folder first, then the built-in one."""

    root: Path  # the folder of site.toml
    theme: str = "default"

    @property
    def folders(self) -> tuple[Path, ...]:
        folders = [self.root / "themes" / self.theme, BUILTIN_THEMES / self.theme]
        if self.theme != "default":
            folders += [self.root / "themes" / "default", BUILTIN_THEMES / "default"]
        return tuple(folders)

    def locate(self, rel: str) -> Path | None:
        """The file that wins for `rel` (e.g. 'records/de/processing.md'), or None if no theme has it."""
        for folder in self.folders:
            if (folder / rel).is_file():
                return folder / rel
        return None

    def missing(self, rels: list[str]) -> list[str]:
        """Those of `rels` that no theme folder has."""
        return [rel for rel in rels if self.locate(rel) is None]

    def read(self, rel: str) -> tuple[str, Path]:
        """The text of the winning file; FileNotFoundError if none has it."""
        path = self.locate(rel)
        if path is None:
            raise FileNotFoundError(rel)
        return path.read_text(encoding="utf-8"), path

    def toml(self, rel: str, problems: list[Problem]) -> dict[str, Any] | None:
        """A TOML wording file, or None with a problem naming the file and line."""
        path = self.locate(rel)
        if path is None:
            problems.append(unreadable(self.root / "themes" / self.theme / rel, FileNotFoundError()))
            return None
        return parse_toml(path, problems)

    def render(self, rel: str, context: Mapping[str, Any], problems: list[Problem]) -> str | None:
        """A Markdown/text wording file with its {{ placeholders }} filled (sandboxed, unknown ones reported
        with file and line); None if it cannot be read or filled."""
        try:
            source, path = self.read(rel)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(unreadable(self.root / "themes" / self.theme / rel, exc))
            return None
        return render_placeholders(source, context, str(path), 1, problems)


def unreadable(path: Path, exc: Exception) -> Problem:
    return report(str(path), "file", "records.wording_unreadable", error=exc.__class__.__name__)


def parse_toml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    """One theme TOML file (a wording file, a site's copy of the page labels), or None with a problem naming
    the file; the parser's message gives the line."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(unreadable(path, exc))
    except tomllib.TOMLDecodeError as exc:
        problems.append(report(str(path), "TOML", "records.wording_toml", error=str(exc)))
    return None
