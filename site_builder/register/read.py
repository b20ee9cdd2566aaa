"""Reading chat export files (.txt, or the .zip WhatsApp makes) as a stream of lines, within limits."""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib
from pathlib import Path
from typing import IO, Iterator

from .model import ChatMessage, ReadProblem
from .parse import chat_name_from_filename, iter_chat, read_problem

# Limits for what is read from a zip (issue 14: a 2 MB zip expanding to 2 GiB took 380 s and 12.6 GB).
# The longest real chat export seen is far below 64 MB of text (years of daily messages are a few MB;
# media stay separate files), and chat text compresses about 3 to 10 times: a member promising more
# than 64 MB or more than 100 times its compressed size is refused before a byte of it is read.
# Bytes are also counted while reading, since a zip's size fields can lie.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100
_SMALL = 1024 * 1024  # below this a high ratio is harmless (and a tiny repetitive file compresses well)
_LINE_PIECE = 1024 * 1024  # readline's bound, so a member without line ends is not read in one go


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


def _bad_byte(stream: IO[bytes]) -> int:
    """The offset of the first byte that is not UTF-8 (read again only when decoding failed)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    position = 0
    while chunk := stream.read(1 << 16):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            return position - pending + exc.start
        position += len(chunk)
    return position


def _lines(stream: IO[bytes], limit: int | None) -> Iterator[str]:
    """The decoded lines of a byte stream, split on \\r\\n, \\r and \\n only (never on U+2028).

    TextIOWrapper with newline="" splits exactly there and decodes in C; readline's bound keeps a
    file without line ends from being read in one piece."""
    text = io.TextIOWrapper(io.BufferedReader(_Counted(stream, limit), 1 << 16), encoding="utf-8", newline="")
    first = True
    while True:
        line = text.readline(_LINE_PIECE)
        if not line:
            return
        while len(line) >= _LINE_PIECE and not line.endswith(("\n", "\r")):
            more = text.readline(_LINE_PIECE)
            if not more:
                break
            line += more
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
    with zipfile.ZipFile(path) as zf:
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
            problems.append(read_problem(path.name, None, "register.cannot_read", why=exc.strerror or exc))
            return
        if info is None:
            problems.extend(stop)
            return
        # A lying size field is caught while reading: at most the limit (and the promised size) is read.
        limit = min(MAX_MEMBER_BYTES, max(info.compress_size, 1) * MAX_RATIO if info.file_size > _SMALL
                    else MAX_MEMBER_BYTES)

        def lines() -> Iterator[str]:
            with zipfile.ZipFile(path) as zf, zf.open(info) as stream:
                yield from _lines(stream, limit)
    else:
        def lines() -> Iterator[str]:
            with open(path, "rb") as stream:
                yield from _lines(stream, None)
    try:
        yield from iter_chat(lines, file, chat, problems)
    except _TooBig:
        problems.append(read_problem(file, None, "register.zip_too_big", mb=MAX_MEMBER_BYTES // 2**20, ratio=MAX_RATIO))
    except UnicodeDecodeError:
        try:
            if is_zip:
                with zipfile.ZipFile(path) as zf, zf.open(info) as stream:
                    offset = _bad_byte(stream)
            else:
                with open(path, "rb") as stream:
                    offset = _bad_byte(stream)
        except (OSError, zipfile.BadZipFile, zlib.error):
            offset = 0
        problems.append(read_problem(file, None, "register.not_utf8", byte=offset))
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError):
        # A damaged member (CRC, truncated data) or a method this Python cannot read.
        problems.append(read_problem(file, None, "register.zip_unreadable"))
    except OSError as exc:
        problems.append(read_problem(path.name, None, "register.cannot_read", why=exc.strerror or exc))


def read_export(path: Path) -> tuple[list[ChatMessage], list[ReadProblem]]:
    """Read one chat export (.txt or .zip holding the .txt) into messages and problems."""
    problems: list[ReadProblem] = []
    messages = list(iter_export(path, problems))
    return messages, problems
