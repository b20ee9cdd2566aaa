"""Units drawn on two cores: `site-builder build` forks one worker, and both processes take the next unit
to draw from one queue until none is left.

What it buys: drawing PDFs and PNGs (ReportLab, Pillow, pdfium) is CPU-bound Python, so threads would not
help; on 2 idle cores a cold build of the example took 854-857 ms against 985-1,127 ms in one process
(3 runs each, 2026-12-02; the README's Speed section has the current figures). A rebuild that draws
fewer than MIN_UNITS units (a text edit) does not fork: there the fork costs more than it saves.

Why a fork: the worker inherits the units with their render functions, so nothing has to be pickled on
the way in, and the libraries `_prepare` imports just before it (otherwise both processes import them;
inherited, a cold build takes 5-9 % less CPU and about the same wall time: `compare.py --baseline`,
2 x 11 rounds). It returns what it drew as one pickle file in the unfinished output folder and leaves with
os._exit, so that nothing of the parent's runs twice (the output folder's clean-up, atexit handlers). If
it fails in any way, the parent draws the worker's units itself: the result is the same, only slower.

Only the `build` verb uses it; `serve` (it has threads, and a fork copies only the calling one), `check`
(draws nothing) and `build --jobs` (one process per site already) do not. SITE_BUILDER_JOBS=1 turns it off.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import threading
from pathlib import Path
from typing import Union

from .glyphs import render_named
from .problems import InputError, Problem
from .units import Unit

MIN_UNITS = 4
MAX_UNITS = 8192  # the queue is written whole before the fork: it must fit a pipe's buffer (64 KiB on Linux)
_TOKEN = struct.Struct("<I")  # one unit's index in the queue

Drawn = Union[dict[str, bytes], list[Problem]]  # a unit's files, or the problems it raised


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    return (hasattr(os, "fork") and cores() >= 2 and os.environ.get("SITE_BUILDER_JOBS", "") != "1"
            and threading.active_count() == 1)


def draw(units: list[Unit], scratch: Path, out: Path) -> dict[str, Drawn]:
    """The files of as many of `units` as two processes draw, by unit name (problems for a unit that raised
    InputError, documents named below `out`). Units missing from the answer are the caller's to draw; with
    too few units, or where a fork is not possible, that is all of them."""
    if not MIN_UNITS <= len(units) <= MAX_UNITS or not can_fork():
        return {}
    # The queue: a pipe holding every unit's index. Both processes read one 4-byte token at a time; a
    # pipe hands each read its own bytes, so every unit is drawn exactly once, by whoever is free first.
    queue, feed = os.pipe()
    try:
        os.write(feed, b"".join(_TOKEN.pack(i) for i in range(len(units))))
    finally:
        os.close(feed)
    answer = scratch / f".worker-{os.getpid()}.pickle"
    _prepare()
    try:
        pid = os.fork()
    except OSError:  # no process to be had (a limit on processes): the caller draws every unit itself
        os.close(queue)
        return {}
    if pid == 0:  # the worker
        code = 1
        try:
            drawn = _drain(units, queue, out)
            with open(answer, "wb") as file:
                pickle.dump(drawn, file, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)  # never return into the parent's stack
    try:
        drawn = _drain(units, queue, out)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(queue)
    _, status = os.waitpid(pid, 0)
    try:
        if os.waitstatus_to_exitcode(status) == 0:
            with open(answer, "rb") as file:
                drawn.update(pickle.load(file))
    except (OSError, pickle.UnpicklingError, EOFError):
        pass  # the caller draws whatever the worker did not deliver
    finally:
        answer.unlink(missing_ok=True)
    return drawn


def _prepare() -> None:
    """Import what nearly every unit to draw needs once, before the fork, so that the worker inherits it
    instead of importing it a second time: ReportLab's canvas with the two fonts, Pillow and qrcode."""
    import PIL.Image  # noqa: F401
    import PIL.PngImagePlugin  # noqa: F401
    import qrcode  # noqa: F401
    import reportlab.pdfgen.canvas  # noqa: F401

    from .typefaces import register_fonts

    register_fonts()


def _drain(units: list[Unit], queue: int, out: Path) -> dict[str, Drawn]:
    drawn: dict[str, Drawn] = {}
    while token := os.read(queue, _TOKEN.size):
        unit = units[_TOKEN.unpack(token)[0]]
        try:
            drawn[unit.name] = render_named(unit, out)
        except InputError as exc:
            drawn[unit.name] = list(exc.problems)
    return drawn
