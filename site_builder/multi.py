"""Many sites at once: `site-builder build SITE_DIR...`, in parallel, one broken site never stopping the rest."""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence, TextIO

from . import outcome, pipeline  # noqa: F401 (pipeline: imported before the workers start, which inherit it)
from .messages import t
from .problems import errors

CONFIG = "site.toml"


@dataclass(frozen=True)
class Job:
    """One site to build: its folder, its settings file and where its output goes."""

    name: str
    folder: Path
    out: Path

    @property
    def config(self) -> Path:
        return self.folder / CONFIG


@dataclass
class SiteResult:
    """What happened to one site (plain data, so it crosses process boundaries)."""

    name: str
    folder: str
    out: str
    ok: bool
    problems: list[str] = field(default_factory=list)  # errors, or warnings of a good build
    seconds: float = 0.0
    files: int = 0


def plan_jobs(folders: Sequence[Path], out: Path | None) -> tuple[list[Job], list[str]]:
    """A job per folder; usage mistakes (two folders with one name under --out) as messages."""
    jobs, mistakes, names = [], [], {}
    for folder in folders:
        name = folder.resolve().name
        if out is not None and name in names:
            mistakes.append(t("multi.same_name", folder=folder, other=names[name], out=out / name))
            continue
        names[name] = folder
        jobs.append(Job(name, folder, (out / name) if out is not None else folder / "output"))
    return jobs, mistakes


def build_one(job: Job, strict: bool = False, preview: bool = False) -> SiteResult:
    """Build one site; never raises, so one broken site cannot stop the others."""
    started = time.perf_counter()
    if not job.config.is_file():
        return SiteResult(job.name, str(job.folder), str(job.out), False,
                          [t("multi.missing", config=job.config)])
    try:
        kwargs = {"preview": True} if preview else {}
        result = outcome.build(job.config, job.out, strict=strict, **kwargs)
    except Exception as exc:  # a bug in one site's build is reported as that site's failure
        return SiteResult(job.name, str(job.folder), str(job.out), False,
                          [t("multi.crashed", config=job.config, error=f"{exc.__class__.__name__}: {exc}")],
                          time.perf_counter() - started)
    failed = errors(result.problems, strict)
    ok = (result.written or result.unchanged) and not failed
    shown = failed if failed else result.problems
    if not ok and not shown:
        shown = [t("multi.not_built", config=job.config)]
    return SiteResult(job.name, str(job.folder), str(job.out), ok, [str(p) for p in shown],
                      time.perf_counter() - started, len(result.files) if ok else 0)


def build_many(jobs: Sequence[Job], *, workers: int | None = None, strict: bool = False, preview: bool = False,
               ) -> Iterator[SiteResult]:
    """Build every job, yielding each result as it finishes. workers=1 builds in this process."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    if workers == 1:
        for job in jobs:
            yield build_one(job, strict, preview)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: dict[Future, Job] = {pool.submit(build_one, job, strict, preview): job for job in jobs}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # the worker itself died (out of memory, killed)
                    yield SiteResult(job.name, str(job.folder), str(job.out), False,
                                     [t("multi.process_failed", config=job.config, error=f"{exc.__class__.__name__}: {exc}")])


class Progress:
    """A bar redrawn in place on a terminal; one plain line per site otherwise (logs, CI)."""

    def __init__(self, total: int, stream: TextIO, tty: bool | None = None):
        self.total, self.stream, self.done, self.failed = total, stream, 0, 0
        self.tty = stream.isatty() if tty is None else tty
        self.started = time.perf_counter()

    def update(self, result: SiteResult) -> None:
        self.done += 1
        self.failed += not result.ok
        if not self.tty:
            state = t("multi.ok") if result.ok else t("multi.failed")
            detail = t("multi.files", n=result.files) if result.ok else t("multi.problems", n=len(result.problems))
            self.stream.write(t("multi.progress_line", done=self.done, total=self.total, state=state,
                                name=result.name, detail=detail, ms=f"{result.seconds * 1000:.0f}") + "\n")
        else:
            width = 30
            filled = round(width * self.done / self.total)
            failed = t("multi.bar_failed", n=self.failed) if self.failed else ""
            self.stream.write(f"\r\x1b[2K[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {t('multi.sites')}"
                              f"{failed}  {result.name[:30]}")
            if self.done == self.total:
                self.stream.write("\n")
        self.stream.flush()


def summary(results: Sequence[SiteResult], seconds: float) -> str:
    """The closing report: the count, then each failure with every message."""
    failed = [r for r in results if not r.ok]
    lines = [t("multi.summary", n=len(results), s=f"{seconds:.1f}", built=len(results) - len(failed), failed=len(failed))]
    for result in sorted(failed, key=lambda r: r.name):
        lines.append(t("multi.failed_site", name=result.name, folder=result.folder))
        lines += [f"  {message}" for message in result.problems]
    return "\n".join(lines)


def build_many_cli(folders: Sequence[Path], *, out: Path | None = None, jobs: int | None = None,
                   strict: bool = False, preview: bool = False, stream: TextIO | None = None,
                   report: TextIO | None = None, tty: bool | None = None) -> int:
    """`site-builder build SITE_DIR...`: 0 when every site was built, 1 when any failed, 2 on a usage mistake.

    Progress goes to `stream` (stderr), the closing summary to `report` (stdout)."""
    stream = stream or sys.stderr
    report = report or sys.stdout
    planned, mistakes = plan_jobs(folders, out)
    if mistakes:
        for mistake in mistakes:
            print(mistake, file=stream)
        print(t("multi.mistakes", n=len(mistakes)), file=stream)
        return 2
    started = time.perf_counter()
    progress = Progress(len(planned), stream, tty)
    results = []
    for result in build_many(planned, workers=jobs, strict=strict, preview=preview):
        results.append(result)
        progress.update(result)
    print(summary(results, time.perf_counter() - started), file=report, flush=True)
    return 0 if all(r.ok for r in results) else 1
