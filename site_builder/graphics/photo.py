"""The owner's photo for the landing page: read safely, then re-encoded in the sizes and formats a phone needs.

A photo is untrusted input (an agency builds what its clients send). Before anything is decoded, the file's
size, its format (from its first bytes, never its name) and its pixel count (from its header) are checked;
then the pixels are decoded once, turned upright (EXIF orientation), converted to sRGB, flattened onto white,
and written anew: nothing of the file but its pixels reaches the site (no EXIF, no GPS position, no camera
serial number, no embedded profile or thumbnail).

    read_header(path)      -> PhotoHeader        or PhotoError (what is wrong, for the settings' check)
    photo_files(path, fmt) -> {name: bytes}      every size in the modern format and in JPEG
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, features

MAX_BYTES = 25_000_000  # a phone camera's JPEG is 2-8 MB; a 48-megapixel PNG could be 60 MB
MAX_PIXELS = 50_000_000  # 50 megapixels: larger phone sensors save binned 12-megapixel photos by default
MAX_SIDE = 12_000
MIN_WIDTH = 480  # narrower photos look blurred on every phone: a warning
# The widths a phone needs for a picture as wide as the page's column (at most 40rem = 640 CSS px): 480 for
# 1x screens, 800 for a 375-px phone at 2x, 1200 for 390-412-px phones at 2.6-3x and 640 px at 2x.
WIDTHS = (480, 800, 1200)
# Pillow's names of the formats accepted, by their first bytes (never by the file's name).
ACCEPTED = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 80
MODERN_QUALITY = {"AVIF": 55, "WEBP": 75}


@dataclass(frozen=True)
class PhotoHeader:
    """What the header says: the size the photo has once turned upright, and its format."""

    width: int
    height: int
    format: str


@dataclass(frozen=True)
class PhotoError:
    """Why a photo cannot be used: a message key of the settings' catalogue and its fields."""

    message: str
    fields: tuple[tuple[str, str], ...] = ()


def sniff(head: bytes) -> str | None:
    """The accepted format the first bytes name, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def read_header(path: Path) -> PhotoHeader | PhotoError:
    """Check the photo without decoding its pixels: size on disk, format, pixel count, orientation."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return PhotoError("config.photo_too_big", (("size", str(size // 1_000_000)),
                                                       ("limit", str(MAX_BYTES // 1_000_000))))
        with path.open("rb") as f:
            kind = sniff(f.read(16))
    except OSError as exc:
        return PhotoError("config.photo_unreadable", (("error", exc.strerror or exc.__class__.__name__),))
    if kind is None:
        return PhotoError("config.photo_not_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=[kind]) as image:  # reads the header; the pixels stay on disk
                width, height = image.size
                turned = image.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # EXIF orientation: 90 or 270 degrees
    except Image.DecompressionBombError:
        return _too_many_pixels()
    except (OSError, SyntaxError, ValueError):
        return PhotoError("config.photo_not_image")
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE or width <= 0 or height <= 0:
        return _too_many_pixels()
    return PhotoHeader(height, width, kind) if turned else PhotoHeader(width, height, kind)


def _too_many_pixels() -> PhotoError:
    return PhotoError("config.photo_too_many_pixels", (("megapixels", str(MAX_PIXELS // 1_000_000)),
                                                       ("side", str(MAX_SIDE))))


def widths(width: int) -> tuple[int, ...]:
    """The widths made of a photo `width` pixels wide: never larger than the photo itself."""
    made = tuple(w for w in WIDTHS if w < width)
    return made + (min(width, WIDTHS[-1]),)


def height_for(header: PhotoHeader, width: int) -> int:
    return max(1, round(header.height * width / header.width))


def modern_format() -> str:
    """AVIF when this Pillow can write it, else WebP: the format offered before the JPEG fallback."""
    return "AVIF" if features.check("avif") else "WEBP"


def file_names(header: PhotoHeader, modern: str) -> dict[str, tuple[str, int]]:
    """Every file of the photo in site/: name -> (format, width)."""
    out: dict[str, tuple[str, int]] = {}
    for fmt in (modern, "JPEG"):
        suffix = "jpg" if fmt == "JPEG" else fmt.lower()
        for width in widths(header.width):
            out[f"photo-{width}.{suffix}"] = (fmt, width)
    return out


def photo_files(path: Path, modern: str) -> dict[str, bytes]:
    """Decode the photo once and write every size in `modern` and in JPEG (call read_header first)."""
    header = read_header(path)
    if isinstance(header, PhotoError):
        raise ValueError(header.message)
    largest = max(widths(header.width))
    with Image.open(path, formats=[header.format]) as opened:
        if header.format == "JPEG":  # libjpeg decodes at 1/2, 1/4 or 1/8 when that is still large enough
            wanted = (largest, height_for(header, largest))
            turned = opened.size != (header.width, header.height)  # stored on its side, turned by EXIF
            opened.draft("RGB", wanted[::-1] if turned else wanted)
        opened.load()
        image = ImageOps.exif_transpose(opened)
        profile = opened.info.get("icc_profile")
    if profile:  # a phone's Display P3 photo, shown as sRGB: colours as the camera meant them
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode="RGBA" if "A" in image.getbands() else "RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are
    image = _flat(image)
    image.info.clear()  # Pillow's encoders copy EXIF, XMP and the profile from here: nothing of the file goes on
    out: dict[str, bytes] = {}
    for name, (fmt, width) in file_names(header, modern).items():
        size = (width, height_for(header, width))
        resized = image if image.size == size else image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        if fmt == "JPEG":
            resized.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        elif fmt == "AVIF":
            resized.save(buffer, "AVIF", quality=MODERN_QUALITY[fmt], speed=8)
        else:
            resized.save(buffer, "WEBP", quality=MODERN_QUALITY[fmt], method=6)
        out[name] = buffer.getvalue()
    return out


def _flat(image: Image.Image) -> Image.Image:
    """RGB pixels: transparency laid onto white, palettes and grey levels expanded."""
    if image.mode in ("RGBA", "LA", "PA") or image.mode == "P" and "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")
