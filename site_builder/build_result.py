"""What `check` or `build` found and did."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import Problem, report

if TYPE_CHECKING:
    from .config import Settings


@dataclass
class BuildResult:
    """What `check` or `build` found and did."""

    problems: list[Problem] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)  # path below output/ -> size
    consent_ids: dict[str, str] = field(default_factory=dict)  # lang -> consent version id
    page_weight: tuple[int, int] = (0, 0)  # landing page with what it loads: raw and gzip bytes
    photo_weight: dict[str, int] = field(default_factory=dict)  # the photo's files below output/ -> bytes
    written: bool = False
    unchanged: bool = False  # nothing changed since the previous build: nothing was written
    archived: list[Path] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    default_lang: str = ""
    settings: Settings | None = None  # the validated settings, when this run read them (not when unchanged)

    def summary(self, root: Path) -> dict[str, Any]:
        """What an unchanged rebuild reports again; files named relative to the site's folder, so that the
        same site gives the same bytes wherever it is built from."""
        def rel(file: str) -> str:
            try:
                return Path(file).resolve().relative_to(root.resolve()).as_posix()
            except (ValueError, OSError):
                return file

        return {"consent_ids": self.consent_ids, "page_weight": list(self.page_weight),
                "photo_weight": self.photo_weight,
                "warnings": [[rel(p.file), p.where, p.what, p.fix] for p in self.problems if p.severity != "error"],
                "default_lang": self.default_lang}


def write_problem(out: Path, exc: OSError) -> Problem:
    return report(str(out), "-o/--out", "output.write_failed", reason=exc.strerror or exc.__class__.__name__,
                  path=exc.filename or out)
