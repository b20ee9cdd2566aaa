"""Text of exports and row files whose bytes are not all UTF-8: the encoding is decided line by line.

WhatsApp writes UTF-8. A file that is not is either an old or re-saved export in Windows-1252 (German Excel's
"CSV" is Windows-1252 too), or a UTF-8 export with a line edited in such a program. Reading the whole file
as one encoding would lose every consent in it for one stray byte (issue 20), so each line is decoded on its
own: UTF-8 if it is UTF-8, else Windows-1252 (Latin-1 with the Euro sign and quotes of Windows) when the
line holds no UTF-8 character at all. A line that holds both is neither: it is read with U+FFFD in place of
the stray bytes and the message (or row) it belongs to is left out, named by file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Iterator

from ..messages import t
from .model import ReadProblem

_EOL = re.compile(rb"\r\n|\r|\n")
_ESCAPED = re.compile("[\udc80-\udcff]")
_CHUNK = 1 << 16
_BOM = b"\xef\xbb\xbf"


@dataclass
class Decoding:
    """What the decoding of one file met: lines read as Windows-1252, and lines that are neither encoding."""

    windows_1252: list[int] = field(default_factory=list)
    ascii_only_elsewhere: bool = True  # no line with UTF-8 characters was met
    mixed: dict[int, tuple[int, int]] = field(default_factory=dict)  # line -> (first stray byte, its column)
    too_long: set[int] = field(default_factory=set)  # lines longer than MAX_LINE_BYTES, left out

    def decode(self, raw: bytes, line: int) -> str:
        """One line's text (without its line end), recording how it was read."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            escaped = raw.decode("utf-8", "surrogateescape")
            if any(ord(c) > 0x7F and not 0xDC80 <= ord(c) <= 0xDCFF for c in escaped):
                self.mixed[line] = (raw[exc.start], exc.start + 1)
                return raw.decode("utf-8", "replace")
            self.windows_1252.append(line)
            # cp1252 leaves five bytes undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d): those are read as Latin-1
            return _ESCAPED.sub(lambda m: chr(ord(m.group()) - 0xDC00), raw.decode("cp1252", "surrogateescape"))
        if not text.isascii():
            self.ascii_only_elsewhere = False
        return text

    def problems(self, file: str, mixed_key: str = "register.mixed_encoding") -> list[ReadProblem]:
        """A warning naming the lines read as Windows-1252, and an error per line that is neither encoding
        (`mixed_key` says what is left out: the message, or a row file's row)."""
        found: list[ReadProblem] = []
        if self.windows_1252:
            lines = self.windows_1252
            more = t("register.and_more", n=len(lines) - 5) if len(lines) > 5 else ""
            shown = ", ".join(map(str, lines[:5])) + more
            key = "register.read_as_windows_1252_file" if self.ascii_only_elsewhere and not self.mixed \
                else "register.read_as_windows_1252_lines"
            found.append(ReadProblem(file, None, t(key, lines=shown, n=len(lines)), "warning"))
        for line, (byte, column) in sorted(self.mixed.items()):
            found.append(ReadProblem(file, line, t(mixed_key, byte=f"0x{byte:02X}", column=column)))
        for line in sorted(self.too_long):
            found.append(ReadProblem(file, line, t("register.line_too_long", limit=MAX_LINE_BYTES // 1024)))
        return found


# WhatsApp's longest message is 65,536 characters (at most 4 bytes each); a longer line is no chat text, and
# keeping it would make reading it grow with its square (a 200 MB line: a minute).
MAX_LINE_BYTES = 4 * 65_536


def byte_lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """The lines of a byte stream without their ends, split on \\r\\n, \\r and \\n (as the UTF-8 reader does);
    None for a line longer than MAX_LINE_BYTES, which is skipped without being kept."""
    rest, skipping = b"", False
    while chunk := stream.read(_CHUNK):
        data = rest + chunk
        start = 0
        for end in _EOL.finditer(data):
            if end.group() == b"\r" and end.end() == len(data):
                break  # a "\r" at the end of a chunk may be the first half of "\r\n"
            yield None if skipping or end.start() - start > MAX_LINE_BYTES else data[start:end.start()]
            skipping = False
            start = end.end()
        rest = data[start:]
        if len(rest) > MAX_LINE_BYTES:
            rest, skipping = b"", True
    if rest or skipping:
        yield None if skipping else rest.removesuffix(b"\r")


def decode_lines(stream: IO[bytes], decoding: Decoding, record: bool = True) -> Iterator[str]:
    """The decoded lines of a byte stream (a leading byte order mark dropped), line by line; `record` False
    reads them again without recording (the second pass over an export). A line too long to be chat text
    is given as "" and its number kept in `decoding.too_long`."""
    probe = decoding if record else Decoding()
    for number, raw in enumerate(byte_lines(stream), start=1):
        if raw is None:
            decoding.too_long.add(number)
            yield ""
            continue
        yield probe.decode(raw.removeprefix(_BOM) if number == 1 else raw, number)


def decode_text(data: bytes, decoding: Decoding) -> str:
    """A whole small file (a row file) decoded line by line, its line ends kept as they were."""
    pieces = []
    start = len(_BOM) if data.startswith(_BOM) else 0
    number = 1
    for end in _EOL.finditer(data):
        pieces.append(decoding.decode(data[start:end.start()], number) + end.group().decode("ascii"))
        start = end.end()
        number += 1
    if start < len(data):
        pieces.append(decoding.decode(data[start:], number))
    return "".join(pieces)
