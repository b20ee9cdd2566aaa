"""The gate every file a command reads passes through: `build`, `check`, `serve`, `consents` and the bot.

A site folder is untrusted input (an agency builds what its clients send), and so is every file it holds or
its settings name. Reading one goes through `read_bytes`/`read_text`, which

- refuses a file whose real path (every link followed) lies outside the site's folder and outside the
  package's own shipped files: a link `logo.svg -> /home/other-client/x.svg` publishes nothing;
- refuses anything but a regular file, before reading it: a pipe is opened without blocking and a device is
  never read (a FIFO or `/dev/zero` cannot hang or fill the memory);
- checks the size on the open file before reading, and reads at most the limit even if the file grows;
- turns every failure (missing, permission, decoding, memory) into one Problem naming the file, and for a
  decoding error the line.

Files named on the command line (chat exports, registers) pass the same gate with `root=None`: they may lie
anywhere, but must still be regular files of bounded size. `digest` streams a file into a hash the same way.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from .messages import t
from .problems import Problem, report

PACKAGE = os.path.realpath(Path(__file__).parent)
# Texts, wording files, theme templates and scripts, archived consent versions: a privacy notice is about
# 15 KB, a theme's page template a few KB. Past this a file is no text of this site (and rendering it long).
MAX_TEXT_BYTES = 512 * 1024
MAX_LOGO_BYTES = 5_000_000  # a logo; its pixels are limited by the settings' check (config/rules.py)
CHUNK = 1024 * 1024


class Refused(Exception):
    """A file the gate does not read: `problem` says why."""

    def __init__(self, problem: Problem, key: str = ""):
        super().__init__(str(problem))
        self.problem, self.key = problem, key  # key: the catalogue entry, e.g. "input.too_big"


def as_os_error(refused: Refused, path: Path) -> Exception:
    """For readers whose messages are made from OSErrors (the register's): a missing file or a folder as the
    OSError open() would raise; any other refusal as it is."""
    if refused.key == "input.missing":
        return FileNotFoundError(str(path))
    if os.path.isdir(path):
        return IsADirectoryError(str(path))
    return refused


def _refused(name: str, key: str, where: str = "file", **fields: Any) -> Refused:
    return Refused(report(name, where, key, **fields), key)


def roots(root: Path | None) -> tuple[str, ...]:
    """The real folders a site's files may lie in: the site's folder and the package's shipped files."""
    return () if root is None else (os.path.realpath(root), PACKAGE)


def inside(real: str, allowed: tuple[str, ...]) -> bool:
    return any(real == base or real.startswith(base.rstrip(os.sep) + os.sep) for base in allowed)


def present(path: Path) -> bool:
    """Whether a lookup sees a file at `path`: anything there but a folder. A pipe, a device or a link leading
    out of the site counts, so that reading it reports why, instead of quietly taking the next file in line."""
    return os.path.lexists(path) and not os.path.isdir(path)


def _kind(mode: int) -> str:
    # catalogue family: input.kind_*
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def open_checked(path: Path, *, root: Path | None, limit: int, file: str | None = None) -> tuple[int, int]:
    """An open descriptor of `path` and its size, once every rule holds; Refused otherwise. The caller closes it."""
    name = file or str(path)
    real = os.path.realpath(path)
    allowed = roots(root)
    if allowed and not inside(real, allowed):
        raise _refused(name, "input.outside", target=real)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        raise _refused(name, "input.missing") from None
    except OSError as exc:
        raise _refused(name, "input.unreadable", reason=_reason(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise _refused(name, "input.not_regular", kind=t(f"input.kind_{_kind(info.st_mode)}"))
    try:
        # O_NONBLOCK: should the file have been swapped for a pipe meanwhile, opening it does not wait
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _refused(name, "input.unreadable", reason=_reason(exc)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise _refused(name, "input.not_regular", kind=t(f"input.kind_{_kind(info.st_mode)}"))
    if info.st_size > limit:
        os.close(fd)
        raise _refused(name, "input.too_big", size=_kb(info.st_size), limit=_kb(limit))
    return fd, info.st_size


def read_bytes(path: Path, problems: list[Problem], *, root: Path | None, limit: int = MAX_TEXT_BYTES,
               file: str | None = None) -> bytes | None:
    """The bytes of `path`, or None with one problem in `problems` (see the module's docstring)."""
    try:
        return read_or_refuse(path, root=root, limit=limit, file=file)
    except Refused as refused:
        problems.append(refused.problem)
        return None


def read_or_refuse(path: Path, *, root: Path | None, limit: int = MAX_TEXT_BYTES, file: str | None = None) -> bytes:
    """The bytes of `path`; Refused with the problem otherwise."""
    fd, size = open_checked(path, root=root, limit=limit, file=file)
    name = file or str(path)
    try:
        with os.fdopen(fd, "rb", closefd=True) as f:
            data = f.read(limit + 1)  # never more than the limit, even if the file grew since fstat
    except MemoryError:
        raise _refused(name, "input.too_big", size=_kb(size), limit=_kb(limit)) from None
    except OSError as exc:
        raise _refused(name, "input.unreadable", reason=_reason(exc)) from None
    if len(data) > limit:
        raise _refused(name, "input.too_big", size=_kb(len(data)), limit=_kb(limit))
    return data


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte order mark from a Windows editor dropped); Refused naming the line otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise _refused(name, "input.not_utf8", where=f"line {line}") from None


def read_text(path: Path, problems: list[Problem], *, root: Path | None, limit: int = MAX_TEXT_BYTES,
              file: str | None = None) -> str | None:
    """The UTF-8 text of `path`, or None with one problem in `problems`."""
    try:
        return decode(read_or_refuse(path, root=root, limit=limit, file=file), file or str(path))
    except Refused as refused:
        problems.append(refused.problem)
        return None


def digest_into(h: Any, path: Path, *, root: Path | None, limit: int) -> int:
    """Stream `path` into the hash `h` (never more than `limit` bytes in memory at once); its size.
    Refused when the gate would refuse the file."""
    fd, _ = open_checked(path, root=root, limit=limit)
    total = 0
    with os.fdopen(fd, "rb", closefd=True) as f:
        while chunk := f.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise _refused(str(path), "input.too_big", size=_kb(total), limit=_kb(limit))
            h.update(chunk)
    return total


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 10 * 1024 * 1024 else f"{size / (1024 * 1024):,.0f} MB"


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__
