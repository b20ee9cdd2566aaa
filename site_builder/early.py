"""Gone: the forked early print process (issue 10). Kept only as this stub because cli.py, which this branch
may not edit, still imports `start_print`; delete this file together with that import at merge."""

from __future__ import annotations

from pathlib import Path


def start_print(out: Path) -> None:
    """No early print process any more: the pipeline renders the print units."""
    return None
