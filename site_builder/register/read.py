"""Reading chat export files (.txt, or the .zip WhatsApp makes) as a stream of lines, within limits."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Iterator

from .. import gate
from .decode import MAX_LINE_BYTES, Decoding, decode_lines
from .model import ChatMessage, ReadProblem
from .parse import chat_name_from_filename, iter_chat, read_problem

# Limits for what is read from a zip (issue 14: a 2 MB zip expanding to 2 GiB took 380 s and 12.6 GB).
# The longest real chat export seen is far below 64 MB of text (years of daily messages are a few MB;
# media stay separate files), and chat text compresses about 3 to 10 times: a member promising more
# than 64 MB or more than 100 times its compressed size is refused before a byte of it is read.
# Bytes are also counted while reading, since a zip's size fields can lie.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100
MAX_ZIP_BYTES = 4 * 1024 ** 3  # the zip itself (media, if exported with them, stay unread)
_SMALL = 1024 * 1024  # below this a high ratio is harmless (and a tiny repetitive file compresses well)
_LINE_PIECE = MAX_LINE_BYTES // 4  # characters: WhatsApp's longest message; a longer line is no chat text


class _TooBig(Exception):
    """An archive member gave more bytes than its limit while it was read."""


class _Counted(io.RawIOBase):
    """A byte stream that stops with _TooBig once more than `limit` bytes came through it."""

    def __init__(self, stream: IO[bytes], limit: int | None):
        self.stream, self.limit, self.total = stream, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.stream.read(len(buffer))
        self.total += len(data)
        if self.limit is not None and self.total > self.limit:
            raise _TooBig()
        buffer[:len(data)] = data
        return len(data)


def _lines(stream: IO[bytes], limit: int | None, too_long: set[int]) -> Iterator[str]:
    """The decoded lines of a byte stream, split on \\r\\n, \\r and \\n only (never on U+2028); a line longer than
    a chat message can be is given as "" and its number put into `too_long`.

    TextIOWrapper with newline="" splits exactly there and decodes in C; readline's bound keeps a
    file without line ends from being read in one piece."""
    text = io.TextIOWrapper(io.BufferedReader(_Counted(stream, limit), 1 << 16), encoding="utf-8", newline="")
    first, number = True, 0
    while True:
        line = text.readline(_LINE_PIECE)
        number += 1
        if not line:
            return
        if len(line) >= _LINE_PIECE and not line.endswith(("\n", "\r")):
            while (more := text.readline(_LINE_PIECE)) and not more.endswith(("\n", "\r")):
                pass  # the rest of a line too long to be chat text: read past, never kept
            too_long.add(number)
            line = ""
        if first:
            line = line.removeprefix("\ufeff")
            first = False
        yield line.removesuffix("\n").removesuffix("\r")


def _pick_zip_member(names: list[str]) -> str | None:
    """The chat text inside an export zip: _chat.txt (iOS) or the one WhatsApp*.txt (Android)."""
    txts = [n for n in names if n.lower().endswith(".txt") and not n.startswith("__MACOSX/")
            and not Path(n).name.startswith("._")]
    for preferred in ([n for n in txts if Path(n).name == "_chat.txt"],
                      [n for n in txts if Path(n).name.lower().startswith("whatsapp")],
                      txts):
        if len(preferred) == 1:
            return preferred[0]
    return None


def _zip_member(path: Path, file: str) -> tuple[zipfile.ZipInfo | None, str, list[ReadProblem]]:
    """The chat member of an export zip and its display name, or the problem that stops reading it."""
    with zipfile.ZipFile(_open(path, MAX_ZIP_BYTES)) as zf:
        names = zf.namelist()
        member = _pick_zip_member(names)
        if member is None:
            key = "register.zip_several_txt" if any(n.lower().endswith(".txt") for n in names) else "register.zip_no_txt"
            return None, file, [read_problem(file, None, key)]
        info = zf.getinfo(member)
    shown = f"{path.name}/{member}"
    if info.flag_bits & 0x1:
        return None, shown, [read_problem(shown, None, "register.zip_encrypted")]
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        return None, shown, [read_problem(shown, None, "register.zip_unsupported", method=info.compress_type)]
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > MAX_MEMBER_BYTES or (info.file_size > _SMALL and ratio > MAX_RATIO):
        return None, shown, [read_problem(shown, None, "register.zip_too_big", mb=MAX_MEMBER_BYTES // 2**20,
                                          ratio=MAX_RATIO)]
    return info, shown, []


def iter_export(path: Path, problems: list[ReadProblem]) -> Iterator[ChatMessage]:
    """The messages of one chat export (.txt, or .zip holding the .txt), one by one; problems are
    appended to `problems`. The file is read twice as a stream, never held whole in memory."""
    path = Path(path)
    # iOS names every export _chat.txt, so the folder name is what tells two of them apart.
    file = f"{path.parent.name}/{path.name}" if path.name == "_chat.txt" and path.parent.name else path.name
    chat = chat_name_from_filename(path)
    limit: int | None = None
    is_zip = path.suffix.lower() == ".zip"
    if is_zip:
        try:
            info, file, stop = _zip_member(path, file)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
            problems.append(read_problem(path.name, None, "register.zip_unreadable"))
            return
        except OSError as exc:
            problems.append(_cannot_read(path, exc))
            return
        except gate.Refused as refused:
            problems.append(read_problem(str(path), None, "register.cannot_read", why=refused.problem.what))
            return
        if info is None:
            problems.extend(stop)
            return
        # A lying size field is caught while reading: at most the limit (and the promised size) is read.
        limit = min(MAX_MEMBER_BYTES, max(info.compress_size, 1) * MAX_RATIO if info.file_size > _SMALL
                    else MAX_MEMBER_BYTES)
        member = info

        def opener() -> AbstractContextManager[IO[bytes]]:
            return _ZipMember(path, member)
    else:
        limit = MAX_MEMBER_BYTES

        def opener() -> AbstractContextManager[IO[bytes]]:
            return _open(path, MAX_MEMBER_BYTES)

    too_long: set[int] = set()

    def utf8_lines() -> Iterator[str]:
        with opener() as stream:
            yield from _lines(stream, limit, too_long)

    # Not UTF-8 throughout: read again, each line decoded on its own (decode.py). The first of iter_chat's two
    # passes reads the whole file before any message is given, so nothing was given when decoding fails.
    decoding, passes = Decoding(), [0]

    def tolerant_lines() -> Iterator[str]:
        passes[0] += 1
        with opener() as stream:
            yield from decode_lines(_Counted(stream, limit), decoding, record=passes[0] == 1)

    given = False
    try:
        try:
            for message in iter_chat(utf8_lines, file, chat, problems, skip=too_long):
                given = True
                yield message
            decoding.too_long |= too_long
            problems.extend(decoding.problems(file))
        except UnicodeDecodeError:
            if given:  # only if the file changed between the two passes
                problems.append(read_problem(file, None, "register.changed_while_read"))
                return
            yield from iter_chat(tolerant_lines, file, chat, problems, skip=_Skipped(decoding))
            problems.extend(decoding.problems(file))
    except _TooBig:
        problems.append(read_problem(file, None, "register.zip_too_big", mb=MAX_MEMBER_BYTES // 2**20, ratio=MAX_RATIO))
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError):
        # A damaged member (CRC, truncated data) or a method this Python cannot read.
        problems.append(read_problem(file, None, "register.zip_unreadable"))
    except gate.Refused as refused:
        problems.append(read_problem(str(path), None, "register.cannot_read", why=refused.problem.what))
    except OSError as exc:
        problems.append(_cannot_read(path, exc))


class _Skipped:
    """The lines whose message is left out: undecodable, or too long to be chat text."""

    def __init__(self, decoding: Decoding):
        self.decoding = decoding

    def __contains__(self, line: object) -> bool:
        return line in self.decoding.mixed or line in self.decoding.too_long


def _open(path: Path, limit: int) -> IO[bytes]:
    """A chat export or its zip, through the gate: a regular file (a pipe or a device is refused, never read)
    of at most `limit` bytes, wherever the command line named it. A missing file or a folder raise the OSError
    their messages are made from (_cannot_read)."""
    try:
        fd, _ = gate.open_checked(path, root=None, limit=limit)
    except gate.Refused as refused:
        raise gate.as_os_error(refused, path) from None
    return os.fdopen(fd, "rb")


class _ZipMember(AbstractContextManager):
    """The chat member of an export zip, opened as a byte stream; the zip is closed with it."""

    def __init__(self, path: Path, info: zipfile.ZipInfo):
        self.path, self.info = path, info

    def __enter__(self) -> IO[bytes]:
        self.zip = zipfile.ZipFile(_open(self.path, MAX_ZIP_BYTES))
        try:
            self.stream = self.zip.open(self.info)
        except BaseException:
            self.zip.close()
            raise
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.close()
        self.zip.close()


def _cannot_read(path: Path, exc: OSError) -> ReadProblem:
    """A chat export or row file that cannot be opened: missing, a folder, not readable; with the fix."""
    if isinstance(exc, FileNotFoundError):
        return read_problem(str(path), None, "register.input_missing")
    if isinstance(exc, IsADirectoryError):
        return read_problem(str(path), None, "register.input_is_folder")
    return read_problem(str(path), None, "register.cannot_read", why=exc.strerror or exc)


def read_export(path: Path) -> tuple[list[ChatMessage], list[ReadProblem]]:
    """Read one chat export (.txt or .zip holding the .txt) into messages and problems."""
    problems: list[ReadProblem] = []
    messages = list(iter_export(path, problems))
    return messages, problems
