"""The consent version id, the prefilled messages, and the archive of earlier consent texts."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import itertools
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence
from urllib.parse import urlsplit

from . import gate
from .problems import Problem, report
from .whatsapp import MAX_MESSAGE_CHARS, fill, wa_link

ARCHIVE_DIR = "consent-versions"

# The id's shape: the letter "v" and 8 hex digits of the SHA-256 of the text ("v73d72f20"). Ids used to be the 8
# hex digits alone, and a spreadsheet reads "2e737013" as 2·10^737013, "12345e67" as 1.2345E+71 and "00001234" as
# 1234: the register's link between a chat and its text was destroyed on opening (issue 20). A letter in front
# makes the cell text in every number format, provided no locale reads the letter as a currency symbol before a
# number: LibreOffice reads "r1234567" as 1234567 Rand in South African English, "q…" and "l…" as quetzales and
# lempiras. In CLDR's locale data (checked 2026-12-07) no currency symbol and no month name is "v" followed by
# hex digits only, and LibreOffice keeps "v12345e67" and "v00001234" as text in each of 72 languages tried;
# tests/test_register_ids.py imports a register with LibreOffice's number detection on.
# The hex digits are those of the old id: an id published before keeps its meaning ("c19690d8" is "vc19690d8",
# the same text), so messages, archive files and registers of earlier versions stay valid.
ID_LETTER = "v"
ID_HEX = 8
ID_LENGTH = len(ID_LETTER) + ID_HEX
ID_PATTERN = f"{ID_LETTER}[0-9a-f]{{{ID_HEX}}}"  # the id as written everywhere since issue 20
LEGACY_ID_PATTERN = f"[0-9a-f]{{{ID_HEX}}}"  # the id of earlier versions: in sent messages and archive files
_ANY_ID = re.compile(f"(?:{ID_LETTER})?([0-9a-f]{{{ID_HEX}}})")


def canonical_text(html: str) -> str:
    """The consent text as compared for its id: tags kept, whitespace and Unicode form normalised."""
    return " ".join(unicodedata.normalize("NFC", html).split())


def _digest(consent_html: str) -> str:
    return hashlib.sha256(canonical_text(consent_html).encode("utf-8")).hexdigest()[:ID_HEX]


def version_id(consent_html: str) -> str:
    """The id of a rendered consent text, "v" and a SHA-256 prefix: same text, same id."""
    return ID_LETTER + _digest(consent_html)


def legacy_id(consent_html: str) -> str:
    """The id the same text had before ids got their letter (8 hex digits): still valid in archive files."""
    return _digest(consent_html)


def canonical_id(text: str) -> str | None:
    """The id in today's shape for an id in either shape ("c19690d8" and "vc19690d8" give "vc19690d8"), or None
    if `text` is no consent id. Both name the same text: the hex digits are the same SHA-256 prefix."""
    match = _ANY_ID.fullmatch(text.strip().lower())
    return ID_LETTER + match.group(1) if match else None


@dataclass(frozen=True)
class ChatLink:
    """One "Chat starten" link: the optional purposes it includes, its message and URL."""

    optional: tuple[str, ...]  # ids of the ticked optional purposes
    purposes: tuple[str, ...]  # ids of all purposes in the message
    message: str
    url: str


def chat_links(purposes: Sequence[Mapping[str, Any]], template: str, business: str, version: str,
               digits: str) -> list[ChatLink]:
    """One link per combination of optional purposes (the required ones are always ticked)."""
    required = [p for p in purposes if p["required"]]
    optional = [p for p in purposes if not p["required"]]
    links = []
    for n in range(len(optional) + 1):
        for combo in itertools.combinations(optional, n):
            chosen = [p for p in purposes if p in required or p in combo]
            message = fill(template, business=business, purposes=", ".join(p["short"] for p in chosen),
                           version=version)
            links.append(ChatLink(tuple(p["id"] for p in combo), tuple(p["id"] for p in chosen), message,
                                  wa_link(digits, message)))
    return links


def language_chat_links(settings: Any, lang: str, message: str, consent_id: str) -> list[ChatLink]:
    """The chat links of one language (its consent.md `message`, the settings' purposes and number).

    The pipeline computes them once per language; the page, the length check and the records use that."""
    s = settings.for_lang(lang)
    return chat_links(s.purposes, str(message), s.business.short_name or s.business.name, consent_id,
                      settings.whatsapp_digits)


def check_message_length(links: Sequence[ChatLink], file: str) -> list[Problem]:
    """The longest default-language message must fit the 140-character limit (with a source code)."""
    longest = max(links, key=lambda link: len(link.message))
    # leave room for "/" + a source code of up to 8 characters, added when a QR channel is used
    limit = MAX_MESSAGE_CHARS - 9
    if len(longest.message) > limit:
        return [report(file, "message", "content.message_too_long", length=len(longest.message), limit=limit,
                       message=repr(longest.message))]
    return []


@dataclass(frozen=True)
class Version:
    """A published consent text version: one per text, whatever the shape of the id its archive file has."""

    id: str
    lang: str
    date: str  # ISO date it was first published
    html: str
    also: str = ""  # the id of the shape before issue 20 ("c19690d8") when the text is archived under it: the
    #                 text is then published at both addresses, consent-<id>.html and consent-<also>.html

    @property
    def ids(self) -> tuple[str, ...]:
        """Every id this text is published under."""
        return (self.id, self.also) if self.also else (self.id,)


ARCHIVE_HEAD = re.compile(r"\A<!-- consent-version id=([0-9a-z]+) lang=([a-z]{2}) date=(\d{4}-\d{2}-\d{2}) -->\n")
# What a consent text is made of (consent_fragment, content.py's Markdown filter): an archive file holding
# anything else was not written by a build (a <script>, an onerror, a style), and is refused.
ARCHIVE_TAGS = frozenset({"a", "abbr", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h2", "h3",
                          "h4", "hr", "i", "li", "ol", "p", "small", "span", "strong", "sub", "sup", "table",
                          "tbody", "td", "th", "thead", "tr", "ul", "address", "section"})
ARCHIVE_ATTRIBUTES = {"a": {"href", "title", "rel"}, "abbr": {"title"}, "th": {"scope"}, "td": {"colspan"}}
_SAFE_SCHEMES = ("https", "mailto", "tel")


def archive_entry(version: Version) -> str:
    """The archive file's text: a one-line header, then the consent text as published."""
    return f"<!-- consent-version id={version.id} lang={version.lang} date={version.date} -->\n{version.html}\n"


class _Markup(HTMLParser):
    """What in an archived text no build writes: tags, attributes and link targets outside the allowlists."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ARCHIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name != "id" and name not in ARCHIVE_ATTRIBUTES.get(tag, ()):
                self.found.append(name)
            elif name == "href" and not _safe_href((value or "").strip()):
                self.found.append(f"href={(value or '')[:40]}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.found.append("<!--")

    def handle_pi(self, data: str) -> None:
        self.found.append("<?")

    def unknown_decl(self, data: str) -> None:
        self.found.append("<!")


def _safe_href(href: str) -> bool:
    parts = urlsplit(href)
    return parts.scheme.lower() in _SAFE_SCHEMES or (not parts.scheme and not parts.netloc and ":" not in href)


def unsafe_markup(html: str) -> list[str]:
    """The tags and attributes of an archived text that no build writes (empty: the text is as built)."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return sorted(set(parser.found))


def read_archive(root: Path, lang: str, problems: list[Problem]) -> list[Version]:
    """Every archived consent version of one language, one per text; a tampered file is a problem.

    Each file is read through the gate, its id checked against its text, its date against the calendar, its markup against what a build writes. A file of an earlier version named by its id without the
    letter ("c19690d8.html") stays valid: its text is given under today's id ("vc19690d8", same date) with the
    old id as `also`, so that it is published at both addresses and listed once."""
    folder = root / ARCHIVE_DIR / lang
    by_text: dict[str, Version] = {}
    for path in sorted(folder.glob("*.html")) if folder.is_dir() else []:
        text = gate.read_text(path, problems, root=root)
        if text is None:
            continue
        version = _archived(path, text, lang, problems)
        if version is None:
            continue
        key = version_id(version.html)
        earlier = by_text.get(key)
        legacy = version.id if not version.id.startswith(ID_LETTER) else (earlier.also if earlier else "")
        date = min(version.date, earlier.date) if earlier else version.date
        by_text[key] = Version(key, lang, date, version.html, legacy)
    return sorted(by_text.values(), key=lambda v: (v.date, v.id))


def _archived(path: Path, text: str, lang: str, problems: list[Problem]) -> Version | None:
    file = str(path)
    match = ARCHIVE_HEAD.match(text)
    if not match:
        problems.append(report(file, "line 1", "content.archive_not_version", archive=ARCHIVE_DIR, lang=lang))
        return None
    vid, vlang, date = match.groups()
    html = text[match.end():].rstrip("\n")
    expected = version_id(html) if vid.startswith(ID_LETTER) else legacy_id(html)
    if expected != vid or path.stem != vid or vlang != lang:
        problems.append(report(file, "text", "content.archive_changed", id=vid))
        return None
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        day = None
    if day is None:  # the day itself cannot be checked: a build's clock may come from SOURCE_DATE_EPOCH
        problems.append(report(file, "line 1", "content.archive_date", date=date))
        return None
    if found := unsafe_markup(html):
        problems.append(report(file, "text", "content.archive_markup", found=", ".join(found[:8])))
        return None
    return Version(vid, lang, date, html)


# --- the consent text's identity: the fragment a customer agrees to, and its version id ------------------


class PurposeLike(Protocol):
    id: str
    required: bool
    label: str
    description: str
    legal_basis: str


class TextLike(Protocol):
    @property
    def html(self) -> str: ...

    @property
    def parts(self) -> Mapping[str, str]: ...


def consent_fragment(texts: Mapping[str, TextLike], purposes: Sequence[PurposeLike], ui: Mapping[str, Any]) -> str:
    """The consent text a customer agrees to, as one HTML fragment, in the order of the landing page: the short
    notice above the boxes (first_layer), the purposes, the line under them (withdraw_note), the full first
    layer (index.md's body) and the consent wording.

    Built here rather than in a template, so that a change of the theme's markup never changes the id."""
    parts = texts["index"].parts
    items = "".join(
        f"<li><strong>{html.escape(p.label)}</strong> ({html.escape(ui['required_note'] if p.required else ui['optional_note'])})"
        f"<br>{html.escape(p.description)}<br><small>{html.escape(p.legal_basis)}</small></li>"
        for p in purposes)
    first = f"<section>{parts['first_layer']}</section>\n" if parts.get("first_layer") else ""
    after = f"<section>{parts['withdraw_note']}</section>\n" if parts.get("withdraw_note") else ""
    return (f"{first}<ol>{items}</ol>\n{after}<section>{texts['index'].html}</section>\n"
            f"<section>{texts['consent'].html}</section>")


def consent_identity(texts: Mapping[str, Any], purposes: Sequence[PurposeLike]) -> tuple[str, str]:
    """The version id and the fragment of one language's consent text (index.md, consent.md, the purposes)."""
    fragment = consent_fragment(texts, purposes, texts["index"].meta)
    return version_id(fragment), fragment
