"""Leaving the process without Python's tear-down, for `build` only.

After a cold build the process holds ReportLab, Pillow, pdfium and the drawn files; Python's tear-down of
every module and object then costs more than a tenth of the build's CPU time (benchmarks/tricks.py, the
"quick exit" rows; benchmarks/README.md has the figures), so `build` leaves through os._exit once its work
is done. Nothing is left to clean up by then: the output is written and swapped in, every worker process of
the drawing pool has ended, and `leave` flushes the two streams. `check`, which loads no drawing library,
gains too little from it and ends as any Python program does.
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
