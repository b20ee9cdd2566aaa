"""What the link-preview images are made of: plain, frozen data (a worker process may draw it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PreviewImages:
    name: str  # the business's name, set large on the cards; its initial stands in for a missing logo
    benefits: tuple[tuple[str, str], ...]  # (language, the landing page's intro) in the site's order
    folders: tuple[tuple[str, str], ...]  # (language, its folder in the site: '' or 'en/')
    logo: Path | None
    logo_digest: str  # the logo's content, so that a new logo under the same name redraws the images
    colour: str  # the theme's primary colour
    robots: bytes | None  # robots.txt, when the site is the host's root
