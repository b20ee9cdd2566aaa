"""Small finishes on rendered text: a table of contents from the headings, non-breaking spaces in
legal citations ("§ 147", "Art. 6 Abs. 1 lit. a") so that a number never starts a line on its own."""

from __future__ import annotations

import html
import re
import unicodedata

_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<body>.*?)</h2>", re.S)
_ID = re.compile(r'\bid="([^"]*)"')
_TAGS = re.compile(r"<[^>]+>")
# "§ 147", "§§ 195, 199", "Art. 6", "Abs. 1", "lit. a", "Nr. 2", "S. 1", "UAbs. 2", "Rn. 5" (German and English)
_CITATION = re.compile(r"(§§?|\b(?:Art|Abs|UAbs|lit|Nr|Rn|S|No|para|Para|Sec|sec)\.) (?=[0-9a-z(])")


def slug(text: str) -> str:
    """An id for a heading: lower-case ASCII words joined by '-'."""
    plain = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "section"


def with_contents(body: str) -> tuple[str, list[tuple[str, str]]]:
    """The body with an id on every <h2> that lacks one, and the [(id, title)] of those headings."""
    toc: list[tuple[str, str]] = []
    used: set[str] = set()

    def add(match: re.Match[str]) -> str:
        attrs, inner = match.group("attrs"), match.group("body")
        title = html.unescape(_TAGS.sub("", inner)).strip()
        existing = _ID.search(attrs)
        ident = existing.group(1) if existing else slug(title)
        base, n = ident, 2
        while ident in used:
            ident, n = f"{base}-{n}", n + 1
        used.add(ident)
        toc.append((ident, title))
        return match.group(0) if existing else f'<h2 id="{ident}"{attrs}>{inner}</h2>'

    return _H2.sub(add, body), toc


def nbsp(text: str) -> str:
    """Non-breaking spaces after § and the abbreviations of legal citations (in text or HTML)."""
    return _CITATION.sub("\\1\u00a0", text)
