"""The `+++` TOML front matter of a content text, split from its body; no text library needed, so the
settings' checks (config/fonts.py) read it the same way as the content stage."""

from __future__ import annotations

import re

FRONT = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)^\+\+\+[ \t]*\r?$\n?", re.S | re.M)


def split_front_matter(source: str) -> tuple[str, str, int]:
    """Split `+++` TOML front matter from the body; also return the body's first line number."""
    match = FRONT.match(source)
    if not match:
        return "", source, 1
    return match.group(1), source[match.end():], source[:match.end()].count("\n") + 1
