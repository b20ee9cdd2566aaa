"""The owner's photo on the landing page: its files in site/ (a unit of its own, drawn only when the photo or
this code changes) and what the page's <picture> says about them.

    photo_plan(site)  -> (Unit, Picture) or None     the sizes and names come from the header alone
    render(model)     -> {"site/photo-800.avif": bytes, ...}

The photo sits below the decision and is loaded lazily: it never counts against the 14 KB of the first load,
and the build reports its bytes on their own (`photo_weight`).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ...graphics.photo import PhotoHeader, file_names, modern_format, photo_files, read_header
from ...site import SiteModel
from ...problems import InputError, report
from ...units import UNKEYED, Unit, drawn_unit

# The picture is as wide as the page's column: the body is at most 40rem wide with 1rem padding each side.
SIZES = "(min-width: 40rem) 38rem, calc(100vw - 2rem)"
MIME = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg"}
FALLBACK_WIDTH = 800  # the <img src> for browsers without srcset


@dataclass(frozen=True)
class PhotoModel:
    """What the photo's files are made of: the file (by the digest of its bytes) and the modern format."""

    path: Path
    digest: str
    modern: str
    settings: Path = field(default=Path("site.toml"), metadata=UNKEYED)  # names the key in a message


@dataclass(frozen=True)
class Picture:
    """What the <picture> element needs: file names relative to the site's root, sizes, the alt text."""

    sources: tuple[tuple[str, str], ...]  # (MIME type, srcset) of the modern format
    srcset: str  # the JPEGs
    src: str
    width: int
    height: int

    def markup(self, prefix: str, alt: str) -> dict[str, object]:
        """The template's `photo`: every name below the language folder `prefix` ('' or '../')."""
        def below(srcset: str) -> str:
            return ", ".join(prefix + part.strip() for part in srcset.split(","))

        return {"sources": [{"type": kind, "srcset": below(srcset)} for kind, srcset in self.sources],
                "srcset": below(self.srcset), "src": prefix + self.src, "sizes": SIZES, "width": self.width,
                "height": self.height, "alt": alt}


def picture(header: PhotoHeader, modern: str) -> Picture:
    names = file_names(header, modern)

    def srcset(fmt: str) -> str:
        return ", ".join(f"{name} {width}w" for name, (kind, width) in names.items() if kind == fmt)

    jpegs = {width: name for name, (kind, width) in names.items() if kind == "JPEG"}
    fallback = max((w for w in jpegs if w <= FALLBACK_WIDTH), default=min(jpegs))
    height = round(header.height * fallback / header.width)
    return Picture(((MIME[modern], srcset(modern)),), srcset("JPEG"), jpegs[fallback], fallback, max(1, height))


def photo_plan(site: SiteModel) -> tuple[Unit, Picture] | None:
    """The photo's unit and its <picture>, or None without a photo (or one the settings' check refused)."""
    path = site.theme.photo
    if path is None:
        return None
    header = read_header(path)
    if not isinstance(header, PhotoHeader):
        return None  # the settings' check names what is wrong
    modern = modern_format()
    model = PhotoModel(path, hashlib.sha256(path.read_bytes()).hexdigest(), modern, site.settings.path)
    paths = tuple(f"site/{name}" for name in file_names(header, modern))
    return drawn_unit("site/photo", __name__, model, paths), picture(header, modern)


def render(model: PhotoModel) -> dict[str, bytes]:
    return {f"site/{name}": data for name, data in _encoded(model).items()}


@functools.lru_cache(maxsize=2)
def _encoded(model: PhotoModel) -> dict[str, bytes]:
    # `serve` renders the pages on every edit: the photo is encoded once per process while it stays the same
    try:
        return photo_files(model.path, model.modern)
    except (OSError, ValueError, SyntaxError) as exc:  # a header that promised more than the file holds
        raise InputError([report(str(model.settings), "theme.photo", "config.photo_broken", name=model.path.name,
                                 error=str(exc) or exc.__class__.__name__)]) from None
