"""The logo as published in site/: an SVG written anew without whatever could run or load something
(graphics/svg_safe.py; a removed part is a warning, a broken SVG an error), a raster logo decoded and encoded
anew (nothing after the image's end, no metadata such as a camera's location). Posters and cards draw the logo
from the same safe SVG (site_builder.graphics.logo)."""

from __future__ import annotations

import io
from pathlib import Path

from ... import gate
from ...graphics.svg_safe import SvgRefused, safe_svg
from ...problems import Problem, report

# Pillow's format and the options that keep the logo as it looks (PNG and WebP lossless; JPEG at high quality,
# full colour resolution), written without metadata.
_RASTER = {".png": ("PNG", {"optimize": False}), ".jpg": ("JPEG", {"quality": 95, "subsampling": 0}),
           ".jpeg": ("JPEG", {"quality": 95, "subsampling": 0}), ".webp": ("WEBP", {"lossless": True})}


def published_logo(logo: Path | None, settings_file: Path, root: Path,
                   problems: list[Problem]) -> tuple[str, bytes] | None:
    """The logo's name and bytes in site/ (None without one, or with an error in `problems`)."""
    if logo is None:
        return None
    name = "logo" + logo.suffix.lower()
    data = gate.read_bytes(logo, problems, root=root, limit=gate.MAX_LOGO_BYTES)
    if data is None:
        return None
    if logo.suffix.lower() != ".svg":
        return _raster(logo, name, data, settings_file, problems)
    try:
        cleaned, removed = safe_svg(data)
    except SvgRefused as refused:
        problems.append(report(str(settings_file), "theme.logo", refused.key, name=logo.name, **refused.fields))
        return None
    if removed:
        problems.append(report(str(settings_file), "theme.logo", "content.logo_cleaned", warning=True,
                               name=logo.name, removed=", ".join(sorted(removed))))
    return name, cleaned


def _raster(logo: Path, name: str, data: bytes, settings_file: Path, problems: list[Problem]) -> tuple[str, bytes] | None:
    from PIL import Image, UnidentifiedImageError  # only for a raster logo

    kind, options = _RASTER.get(logo.suffix.lower(), ("PNG", {}))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if kind == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, kind, **options)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        problems.append(report(str(settings_file), "theme.logo", "content.logo_unreadable", name=logo.name,
                               error=str(exc)[:200]))
        return None
    return name, out.getvalue()
