"""A logo's aspect ratio, read from the file's header: pure, for layouts and checks (drawing it: graphics/logo.py)."""

from __future__ import annotations

import math
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NoReturn

from .. import gate
from ..problems import InputError, report

KEY_LOGO = "theme.logo"
SETTINGS_FILE = "site.toml"  # the file a problem names when a caller gives none

# CSS units in px, for an SVG's width and height (only their ratio matters)
_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0,
          "em": 16.0, "ex": 8.0}


def logo_ratio(path: Path, source: str = SETTINGS_FILE) -> float:
    """The logo's height / width from its header alone; a problem naming theme.logo if it has no size."""
    try:
        data = gate.read_or_refuse(Path(path), root=None, limit=gate.MAX_LOGO_BYTES)
    except gate.Refused as refused:
        fail(source, KEY_LOGO, "print.logo_unreadable", path=path, reason=refused.problem.what)
    size = _svg_size(data, path.name, source) if looks_svg(path, data) else _raster_size(data)
    if size is None:
        fail(source, KEY_LOGO, "print.logo_not_image", name=path.name)
    width, height = size
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        fail(source, KEY_LOGO, "print.logo_no_size", name=path.name)
    return height / width


def looks_svg(path: Path, data: bytes) -> bool:
    return path.suffix.lower() == ".svg" or data.lstrip()[:1] == b"<"


def _svg_size(data: bytes, name: str, source: str) -> tuple[float, float]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        fail(source, KEY_LOGO, "print.logo_bad_svg", name=name, detail=str(error))
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width is not None and height is not None:
        return width, height
    numbers = [float(n) for n in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", root.get("viewBox", ""))]
    return (numbers[2], numbers[3]) if len(numbers) == 4 else (0.0, 0.0)


def _length(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-z]*)\s*", value or "")
    if not match or match.group(2) not in _UNITS:
        return None  # missing, or a percentage: the viewBox decides, as in svglib
    return float(match.group(1)) * _UNITS[match.group(2)]


def _raster_size(data: bytes) -> tuple[float, float] | None:
    """Width and height of a PNG, GIF, JPEG or WebP picture from its header."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[float, float] | None:
    kind = data[12:16]
    if kind == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if kind == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _jpeg_size(data: bytes) -> tuple[float, float] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame segment
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def fail(source: str, where: str, key: str, /, **fields: object) -> NoReturn:
    """Stop with one problem worded by the catalogue entry `key` (messages/<lang>/print.toml)."""
    raise InputError([report(source, where, key, **fields)])
