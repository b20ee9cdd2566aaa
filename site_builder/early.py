"""Draw the print files in a second process from the moment `site-builder build` starts.

The print files (posters, invoice blocks, QR codes) depend on a few settings only, not on the texts, and
drawing them is half the work of a first build. So the command forks before it even imports the rest of
the build: the child imports the drawing libraries while this process reads the settings, receives what
the print files depend on (printing.PrintInputs) as soon as they are read, and draws them while this
process renders the pages and the records. Only the first build of a folder does this: later builds
reuse the print files of the previous one (printing.py), which is quicker than a second process.

The child's files are used only if they were drawn from the very inputs the build sent (their digest
matches); if anything goes wrong in the child, the build draws the print files itself.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from pathlib import Path
from typing import Any


class EarlyPrint:
    """A forked process that draws the print files once `send` gives it their inputs."""

    def __init__(self, pid: int, to_child: int, from_child: int) -> None:
        self.pid, self.to_child, self.from_child = pid, to_child, from_child

    def send(self, settings: Any) -> None:
        """Hand the child what the print files depend on (called as soon as the settings are read)."""
        if self.to_child < 0:
            return
        from .printing import print_inputs

        try:
            with os.fdopen(self.to_child, "wb") as pipe:
                pipe.write(pickle.dumps(print_inputs(settings), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the child is gone: result() says so and the build draws them itself
            pass
        self.to_child = -1

    def result(self) -> tuple[str, dict[str, bytes], list[Any]] | None:
        """(inputs digest, files, problems), or None if the child could not draw them."""
        if self.from_child < 0:
            return None
        self._close_input()
        chunks = []
        with os.fdopen(self.from_child, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        self.from_child = -1
        self._reap()
        try:
            return pickle.loads(b"".join(chunks))
        except Exception:  # the child died half-way (killed, out of memory): draw here instead
            return None

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed, or finished without it)."""
        self._close_input()
        if self.from_child >= 0:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.close(self.from_child)
            self.from_child = -1
            self._reap()

    def _close_input(self) -> None:
        if self.to_child >= 0:
            os.close(self.to_child)
            self.to_child = -1

    def _reap(self) -> None:
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def start_print(out: Path) -> EarlyPrint | None:
    """Fork the child when it pays: a spare core, and no print files of an earlier build to reuse."""
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or (out / "print").is_dir():
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    inputs_read, inputs_write = os.pipe()
    files_read, files_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: draw, hand the files over, and leave without running any of the parent's cleanup
        os.close(inputs_write)
        os.close(files_read)
        try:
            data = pickle.dumps(_child(inputs_read), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            data = pickle.dumps(None)
        try:
            with os.fdopen(files_write, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(0)
    os.close(inputs_read)
    os.close(files_write)
    return EarlyPrint(pid, inputs_write, files_read)


def _child(inputs_fd: int) -> tuple[str, dict[str, bytes], list[Any]] | None:
    from . import posters  # noqa: F401  (the slow imports, done while the parent reads the settings)
    from .printing import draw
    from .problems import InputError

    import pypdfium2  # noqa: F401

    with os.fdopen(inputs_fd, "rb") as pipe:
        data = pipe.read()
    if not data:
        return None  # the settings had problems: the build reports them itself
    inputs = pickle.loads(data)
    try:
        return inputs.key, draw(inputs), []
    except InputError as exc:
        return inputs.key, {}, exc.problems
