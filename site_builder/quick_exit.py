"""Leaving the process without Python's tear-down, for `build` only: the one speed trick that stays.

After a cold build the process holds ReportLab, Pillow, pdfium, svglib and the drawn files, and Python's
tear-down of every module and object costs about 6 % of a cold build's CPU time (benchmarks/tricks.py,
the "quick exit" rows; benchmarks/README.md has the figures). That is below the tenth that would keep a
trick on its own; it stays because without it a cold build misses its target (CPU time at most 1.10 times
the code before issue 21, which left the same way). `build` leaves through os._exit once its work is done:
the output is written and swapped in, every worker process of the drawing pool has ended, and `leave`
flushes the two streams. Every other verb ends as any Python program does.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

QUICK_EXIT = frozenset({"build"})  # the verbs whose process leaves through `leave`


def leave(code: int) -> NoReturn:
    """End the process now, after flushing stdout and stderr."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more to say
            pass
    os._exit(code)
