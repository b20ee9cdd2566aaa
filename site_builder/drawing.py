"""Drawing the units a build cannot reuse: in this process, and in worker processes when there are enough of
them to share (concurrent.futures' ProcessPoolExecutor).

Drawing PDFs and PNGs (ReportLab, Pillow, pdfium) is CPU-bound Python: threads would not help, processes do.
With N cores, N - 1 workers take units from the front of the list while this process draws from the back:
every unit goes to the pool first, and this process takes back (cancels) each one the pool has not started
yet. So every core draws, and no unit waits for a busy one. Where the platform forks, the workers start
with the renderers already imported (this process imports each one first), so the drawing libraries are
imported once. A build that draws fewer than MIN_UNITS units (a text edit) draws them here: starting a worker
would cost more than it saves. SITE_BUILDER_JOBS=1 draws everything in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib import import_module
from pathlib import Path
from typing import Union

from .graphics.glyphs import MissingGlyphs
from .problems import InputError, Problem
from .units import Unit

MIN_UNITS = 4

Drawn = Union[dict[str, bytes], list[Problem]]  # a unit's files, or the problems it raised


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def draw_one(unit: Unit, out: Path) -> Drawn:
    """A unit's files, or its problems; a character the fonts lack is named by the document it was in: the
    unit's one PDF or PNG below `out`, else the unit's name (the link-preview unit draws several images)."""
    try:
        return unit.render()
    except MissingGlyphs as exc:
        drawn = [p for p in unit.paths if p.endswith((".pdf", ".png"))]
        return list(exc.in_document(str(out / (drawn[0] if len(drawn) == 1 else unit.name))).problems)
    except InputError as exc:
        return list(exc.problems)


def draw(units: list[Unit], out: Path, parallel: bool = True) -> dict[str, Drawn]:
    """Every unit's files (or problems), by unit name; with worker processes when that pays."""
    workers = cores() - 1
    if not parallel or len(units) < MIN_UNITS or workers < 1 or os.environ.get("SITE_BUILDER_JOBS") == "1":
        return {unit.name: draw_one(unit, out) for unit in units}
    for renderer in sorted({unit.renderer for unit in units if unit.renderer}):
        import_module(renderer)  # before the workers start: with a fork they inherit it
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    drawn: dict[str, Drawn] = {}
    try:
        with ProcessPoolExecutor(min(workers, len(units)), mp_context=context) as pool:
            futures: dict[str, Future[Drawn]] = {unit.name: pool.submit(draw_one, unit, out) for unit in units}
            for unit in reversed(units):  # this process: from the back, each unit no worker has started
                if futures[unit.name].cancel():
                    drawn[unit.name] = draw_one(unit, out)
            for name, future in futures.items():
                if name not in drawn:
                    drawn[name] = future.result()
    except (BrokenProcessPool, OSError):  # a worker killed, no process to be had: the rest are drawn here
        pass
    return {unit.name: drawn[unit.name] if unit.name in drawn else draw_one(unit, out) for unit in units}
