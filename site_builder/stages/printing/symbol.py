"""The size of a QR symbol for a text, computed without the qrcode library (pure Python, no imports of note).

`check` needs to know whether each code fits its printed size before anything is drawn; importing qrcode and
letting it choose would cost `check` more than a tenth of its time (benchmarks/tricks.py; figures in
benchmarks/README.md). The segmentation below
is the one qrcode uses (`qrcode.util.optimal_data_chunks` with add_data's default minimum of 20), so the
version is the very one qrcode picks; tests/test_qr.py compares the two over many texts.
"""

from __future__ import annotations

import functools
import math
import re

# Data codewords per version (1-40) and error correction level: ISO/IEC 18004:2015, table 7.
DATA_CODEWORDS = {
    "L": (19, 34, 55, 80, 108, 136, 156, 194, 232, 274, 324, 370, 428, 461, 523, 589, 647, 721, 795, 861, 932,
          1006, 1094, 1174, 1276, 1370, 1468, 1531, 1631, 1735, 1843, 1955, 2071, 2191, 2306, 2434, 2566, 2702,
          2812, 2956),
    "M": (16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669, 714, 782,
          860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334),
    "Q": (13, 22, 34, 48, 62, 76, 88, 110, 132, 154, 180, 206, 244, 261, 295, 325, 367, 397, 445, 485, 512, 568,
          614, 664, 718, 754, 808, 871, 911, 985, 1033, 1115, 1171, 1231, 1286, 1354, 1426, 1502, 1582, 1666),
    "H": (9, 16, 26, 36, 46, 60, 66, 86, 100, 122, 140, 158, 180, 197, 223, 253, 283, 313, 341, 385, 406, 442, 464,
          514, 538, 596, 628, 661, 701, 745, 793, 845, 901, 961, 986, 1054, 1096, 1142, 1222, 1276),
}
LEVELS = tuple(DATA_CODEWORDS)
QUIET_ZONE = 4  # light modules on every side (ISO/IEC 18004)
MIN_DOTS_PER_MODULE = 4  # a module must be at least this many printer dots wide
_ALPHANUMERIC = re.escape(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
_MINIMUM_RUN = 20  # qrcode's add_data(optimize=20): shorter runs of digits/alphanumerics stay in byte mode


def _segments(data: bytes) -> list[tuple[str, int]]:
    """(mode, length) of each segment, split as qrcode splits them: digits, then alphanumerics, else bytes."""
    if len(data) <= _MINIMUM_RUN:
        number, alpha = re.compile(rb"^\d+$"), re.compile(b"^[" + _ALPHANUMERIC + b"]+$")
    else:
        number = re.compile(rb"\d{%d,}" % _MINIMUM_RUN)
        alpha = re.compile(b"[" + _ALPHANUMERIC + b"]{%d,}" % _MINIMUM_RUN)
    found: list[tuple[str, int]] = []
    for is_number, chunk in _split(data, number):
        if is_number:
            found.append(("number", len(chunk)))
        else:
            found.extend(("alpha" if is_alpha else "byte", len(part)) for is_alpha, part in _split(chunk, alpha))
    return found


def _split(data: bytes, pattern: re.Pattern[bytes]) -> list[tuple[bool, bytes]]:
    parts: list[tuple[bool, bytes]] = []
    while data:
        match = pattern.search(data)
        if not match:
            break
        if match.start():
            parts.append((False, data[:match.start()]))
        parts.append((True, data[match.start():match.end()]))
        data = data[match.end():]
    if data:
        parts.append((False, data))
    return parts


def _bits(segments: list[tuple[str, int]], version: int) -> int:
    group = 0 if version < 10 else 1 if version < 27 else 2
    count_bits = {"number": (10, 12, 14), "alpha": (9, 11, 13), "byte": (8, 16, 16)}
    total = 0
    for mode, length in segments:
        total += 4 + count_bits[mode][group]
        if mode == "number":
            total += 10 * (length // 3) + (0, 4, 7)[length % 3]
        elif mode == "alpha":
            total += 11 * (length // 2) + 6 * (length % 2)
        else:
            total += 8 * length
    return total


@functools.lru_cache(maxsize=256)
def version(text: str, level: str) -> int | None:
    """The QR version (1-40) qrcode chooses for `text` at error correction `level`; None if it does not fit."""
    segments = _segments(text.encode("utf-8"))
    for v, codewords in enumerate(DATA_CODEWORDS[level], start=1):
        if _bits(segments, v) <= codewords * 8:
            return v
    return None


def modules(v: int) -> int:
    """Modules per side of a version-`v` symbol, without the quiet zone."""
    return 17 + 4 * v


def module_mm(symbol_modules: int, size_mm: float) -> float:
    """Width of one module when the code, quiet zone included, is `size_mm` wide."""
    return size_mm / (symbol_modules + 2 * QUIET_ZONE)


def min_module_mm(dpi: int = 300) -> float:
    """The narrowest module a printer at `dpi` draws reliably: four dots (0.3387 mm at 300 dpi)."""
    return MIN_DOTS_PER_MODULE * 25.4 / dpi


def pixels_per_module(symbol_modules: int, dpi: int, size_mm: float) -> int:
    """Whole pixels per module so that a PNG at `dpi` is at least `size_mm` wide (rounded up)."""
    wanted_px = size_mm / 25.4 * dpi
    return max(1, math.ceil(wanted_px / (symbol_modules + 2 * QUIET_ZONE) - 1e-9))


def logo_square(symbol_modules: int, coverage: float) -> int | None:
    """Side in modules of the centre square a logo clears, or None if it does not fit between the finder
    patterns: same parity as the symbol (exactly centred), 7 modules of finder pattern + 1 of separator free."""
    size = math.floor(math.sqrt(coverage * symbol_modules * symbol_modules))
    if size % 2 != symbol_modules % 2:
        size -= 1
    return None if size < 3 or (symbol_modules - size) // 2 < 8 else size
