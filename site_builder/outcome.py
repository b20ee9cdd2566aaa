"""The entry of `check` and `build`: what they found and did (BuildResult), answered from the previous
build when nothing changed, else by the pipeline.

An unchanged rebuild reads and hashes the inputs (inputs.py), finds the previous build's digest equal and
its output whole, and answers from the manifest. This module imports no text or drawing library, and
imports the pipeline (which imports them all) only when the answer is no: that is what makes a rebuild
with nothing changed cost little more than starting Python (benchmarks/README.md has the figures).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import inputs
from .build_result import BuildResult, write_problem
from .output import Manifest, recover
from .problems import Problem


def previous_outcome(digest: str, out: Path, *, strict: bool = False) -> BuildResult | None:
    """The previous build's outcome when its inputs had this digest and its output is whole; else None."""
    if not digest or not out.is_dir():
        return None
    previous = Manifest.read(out)
    if previous.inputs != digest or not previous.intact(out):
        return None
    summary = previous.summary
    result = BuildResult(unchanged=True)
    result.problems = [Problem(*map(str, w[:4]), "warning") for w in summary.get("warnings", [])]
    if strict and result.problems:
        return result
    result.consent_ids = dict(summary.get("consent_ids", {}))
    result.page_weight = tuple(summary.get("page_weight", (0, 0)))  # type: ignore[assignment]
    result.photo_weight = dict(summary.get("photo_weight", {}))
    result.default_lang = summary.get("default_lang", "")
    result.files = {rel: size for unit in previous.units.values() for rel, size in unit["files"].items()}
    return result


def build(config: Path, out: Path, *, strict: bool = False, write: bool = True, preview: bool = False,
          parallel: bool = False) -> BuildResult:
    """Validate everything, then (unless write=False, for `check`) swap the new output into `out`; the
    previous outcome when nothing changed. parallel: draw on several cores where that pays (drawing.py)."""
    recovered: list[str] = []
    if write:
        try:
            recovered = recover(out)
        except OSError as exc:
            return BuildResult(problems=[write_problem(out, exc)])
    digest = inputs.input_digest(config)
    answer = None if preview else previous_outcome(digest, out, strict=strict)
    if answer is None:
        from .pipeline import build_site  # the one import deferred for speed (see above)

        with _no_cycle_collector():
            answer = build_site(config, out, digest, BuildResult(), strict=strict, write=write, preview=preview,
                                parallel=parallel)
    answer.recovered = recovered
    return answer


@contextmanager
def _no_cycle_collector() -> Iterator[None]:
    """Python's cycle collector paused while one site is checked or built, on again afterwards (`serve`, the
    tests and a batch of sites run several builds in one process). A build's garbage is freed by reference
    counting; the collector's passes over the million objects of the imported libraries cost about 60 ms CPU
    of a 930 ms cold build and freed under 1 MB of its 84 MB peak (5 interleaved rounds, 2026-12-07)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
