"""The size of a QR symbol: its version as qrcode chooses it, and the geometry the layouts and rules build on
(modules per side, module width, printer dots, the room a centre logo may clear).
"""

from __future__ import annotations

import functools
import math

import qrcode
import qrcode.constants
import qrcode.exceptions

LEVELS = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
          "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
QUIET_ZONE = 4  # light modules on every side (ISO/IEC 18004)
MIN_DOTS_PER_MODULE = 4  # a module must be at least this many printer dots wide


@functools.lru_cache(maxsize=256)
def version(text: str, level: str) -> int | None:
    """The QR version (1-40) qrcode chooses for `text` at error correction `level`; None if it does not fit."""
    code = qrcode.QRCode(error_correction=LEVELS[level], border=0)
    code.add_data(text)
    try:
        return int(code.best_fit())
    except (qrcode.exceptions.DataOverflowError, ValueError):  # qrcode 8.2 raises ValueError past version 40
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
