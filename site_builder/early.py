"""Draw the print files in a second process from the moment `site-builder build` starts.

The print files (posters, invoice blocks, QR codes) depend on the settings alone, not on the texts, and
drawing them is half the work of a first build. So the command forks before it even imports the rest of
the build: the child reads the settings and draws, while this process reads the texts and renders the
pages and records. Only the first build of a folder does this: later builds reuse the print files of the
previous one (printing.py), which is quicker than a second process.

The child's result is used only if it was drawn from exactly the settings the build itself read (their
print digest matches); otherwise the build draws the print files itself, as it would without a fork.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from pathlib import Path
from typing import Any


class EarlyPrint:
    """A forked process drawing the print files; `result()` waits for them."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd

    def result(self) -> tuple[str, dict[str, bytes], list[Any]] | None:
        """(inputs digest, files, problems), or None if the child could not draw them."""
        if self.fd < 0:
            return None
        chunks = []
        with os.fdopen(self.fd, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        self.fd = -1
        self._reap()
        try:
            return pickle.loads(b"".join(chunks))
        except Exception:  # the child died half-way (killed, out of memory): draw here instead
            return None

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed or finished without it)."""
        if self.fd >= 0:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.close(self.fd)
            self.fd = -1
            self._reap()

    def _reap(self) -> None:
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def start_print(config: Path, out: Path) -> EarlyPrint | None:
    """Fork the child when it pays: a spare core, and no print files of an earlier build to reuse."""
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or (out / "print").is_dir():
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: draw, hand the files over, and leave without running any cleanup of the parent's
        os.close(read)
        try:
            data = pickle.dumps(_draw(config), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            data = pickle.dumps(None)
        try:
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(0)
    os.close(write)
    return EarlyPrint(pid, read)


def _draw(config: Path) -> tuple[str, dict[str, bytes], list[Any]] | None:
    from .config import load_settings
    from .printing import inputs_key, print_files
    from .problems import InputError, errors

    settings, problems = load_settings(config)
    if settings is None or errors(problems):
        return None  # the build reports these itself

    class Drawing:
        write = True  # what print_files reads of the build's plan

    try:
        return inputs_key(settings), print_files(settings, Drawing(), None), []
    except InputError as exc:
        return inputs_key(settings), {}, exc.problems
