"""Read content/<lang>/*.md: TOML front matter, {{ placeholders }} from the settings, Markdown to safe HTML.

One language is read by `read_language_texts`, which reports every problem of every text at once
(an error in index.md hides nothing else). Each file is read and its front matter parsed once
(`read_source`); the page file names (`slug`) are checked and turned into links once (`page_links`).
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import markdown
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
import nh3

from . import gate, tomlparse
from .frontmatter import FRONT, split_front_matter
from .placeholders import render_placeholders
from .problems import Problem, errors, report
from .tomlparse import tomllib

# Every language ships these texts; the pages are built from them.
REQUIRED_TEXTS = ("index", "consent", "privacy", "withdrawal", "imprint")
# Texts whose page file name a `slug` in the front matter may choose.
PAGES = ("privacy", "withdrawal", "imprint")
# Front matter keys the theme reads from each text.
REQUIRED_META = {
    "index": ("title", "heading", "intro", "consent_legend", "required_note", "optional_note", "chat_button",
              "gate_hint", "after_chat", "alternatives_heading", "alternatives_text", "call_label", "email_label",
              "save_contact", "privacy_link", "withdrawal_link", "imprint_link", "consent_text_link",
              "language_label", "skip_link", "first_layer", "withdraw_note"),
    "consent": ("message", "version_title", "version_intro", "versions_heading", "purposes_heading",
                "current_label"),
    "withdrawal": ("title", "message", "withdraw_button", "email_button", "call_button"),
    "privacy": ("title",),
    "imprint": ("title",),
}
# Front matter keys written in Markdown (with {{ placeholders }}), made safe HTML like a body: the landing
# page's short notice above the boxes and the line under them (the first screen, before the decision).
MARKDOWN_META = {"index": ("first_layer", "withdraw_note")}
FIRST_SCREEN_MISSING = {"first_layer": "content.first_layer_missing", "withdraw_note": "content.withdraw_note_missing"}
# Names of files the build writes into a language's folder itself (a slug must not take one; compared
# in lower case, as on the case-insensitive disks of Windows and macOS).
GENERATED = ("index", "contact", "logo", "robots", "404", "sitemap", "favicon", "_headers", "records", "print",
             "hosting")
PAGE_SLUG = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a page file name a text may choose
# Placeholder for the consent id while index.md or consent.md has errors: the other texts are still checked.
NO_CONSENT_YET = "00000000"

FRONT_KEY = re.compile(r"^[ \t]*(?:([A-Za-z0-9_-]+)|\"([^\"]+)\")[ \t]*=", re.M)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h2", "h3", "h4",
    "hr", "i", "li", "ol", "p", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul", "address",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": {"colspan"},
                      "*": {"id"}}
# http:// links: an inline link becomes "text (url)"; autolinks, references and raw HTML links keep their text.
HTTP_INLINE = re.compile(r"\[([^\]\n]*)\]\(\s*<?(http://[^\s)>]*)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)", re.I)
HTTP_OTHER = re.compile(r"<(http://[^\s>]+)>|^[ \t]*\[[^\]\n]+\]:[ \t]*<?(http://\S+?)>?[ \t]*$|"
                        r"href\s*=\s*[\"']?(http://[^\s\"'>]+)", re.I | re.M)


@dataclass(frozen=True)
class Text:
    """One rendered text: its front matter and its body as safe HTML."""

    name: str
    lang: str
    meta: Mapping[str, Any]
    html: str
    path: Path = field(compare=False)
    parts: Mapping[str, str] = field(default_factory=dict)  # MARKDOWN_META keys as safe HTML

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.name))


@dataclass(frozen=True)
class Source:
    """One text as read from disk: front matter parsed (once), body not yet filled in."""

    name: str
    path: Path
    meta: Mapping[str, Any]
    key_lines: Mapping[str, int]  # front matter key -> its line in the file
    body: str
    body_line: int


_LOCAL = threading.local()


def _markdown() -> markdown.Markdown:
    # Setting up a Markdown instance (extensions, patterns) costs more than converting a text: one per thread.
    if not hasattr(_LOCAL, "md"):
        # extension objects, not names: names make Markdown scan every installed package's entry points
        _LOCAL.md = markdown.Markdown(extensions=[TableExtension(), AttrListExtension(), SaneListExtension()],
                                      output_format="html")
    return _LOCAL.md


@functools.lru_cache(maxsize=256)
def markdown_to_html(body: str) -> str:
    """Markdown to HTML, with raw HTML passed only through an allowlist."""
    html = _markdown().reset().convert(body)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"https", "mailto", "tel"}, link_rel="noopener noreferrer")


def filter_archived(html: str) -> str:
    """An archived consent text as published: through the same filter as every text (its markup was checked
    against the same lists when it was read: consent.unsafe_markup), plus the fragment's own tags."""
    return nh3.clean(html, tags=ALLOWED_TAGS | {"section"}, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"https", "mailto", "tel"}, link_rel="noopener noreferrer")


# --- reading: one file, front matter parsed once ----------------------------------------------


# A privacy notice is about 15 KB; past this a file is not a text of this site (and Markdown would take long).
MAX_TEXT_BYTES = gate.MAX_TEXT_BYTES
# What Python-Markdown takes time for that grows faster than the square of its count (benchmarks/markdown_
# budget.py prints the figures). Nothing of it reaches Markdown: a real text has a few of each per paragraph.
# '[' in one paragraph: the link patterns (8,000 nested: 30 s).
MAX_BRACKETS = 200
# '*' and '_' in one paragraph: the emphasis patterns ('*_' * 250,000: 96 s).
MAX_EMPHASIS = 200
# '<' before a letter, '/', '!' or '?' in the whole text: the raw-HTML scan reads to the text's end from each
# one that does not close ('<a' * 30,000: 1.7 s, in 8 KB paragraphs over 512 KB: 300 s).
MAX_TAGS = 400
# '>' quoting and list indentation: each level is a nested block (a RecursionError past about 300).
MAX_NESTING = 12
HIDDEN = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<[A-Za-z/!?]")
_NESTED = re.compile(r"^((?:[ \t]*>)+|[ \t]+)", re.M)


def markdown_flood(source: str) -> tuple[int, str, int] | None:
    """(line, catalogue key, limit) of the first thing Python-Markdown would take too long on, or None."""
    tags = 0
    line = 1
    for block in re.split(r"(\n[ \t]*\n)", source):
        if block.count("[") > MAX_BRACKETS:
            return line, "content.too_many_brackets", MAX_BRACKETS
        if block.count("*") + block.count("_") > MAX_EMPHASIS:
            return line, "input.too_much_emphasis", MAX_EMPHASIS
        tags += len(_TAG.findall(block))
        if tags > MAX_TAGS:
            return line, "input.too_many_tags", MAX_TAGS
        for match in _NESTED.finditer(block):
            prefix = match.group(1)
            if prefix.count(">") > MAX_NESTING or len(prefix.expandtabs(4)) > 4 * MAX_NESTING:
                return line + block.count("\n", 0, match.start()), "input.too_deep", MAX_NESTING
        line += block.count("\n")
    return None


def _hidden(source: str) -> tuple[int, str] | None:
    """The line and code of the first text-direction or control character (not tab or line break), or None."""
    match = HIDDEN.search(source)
    return (source.count("\n", 0, match.start()) + 1, f"U+{ord(match.group()):04X}") if match else None


def read_source(path: Path, problems: list[Problem], root: Path) -> Source | None:
    """Read one content file through the gate (`root`: the site's folder) and parse its front matter; append
    problems rather than raising."""
    file = str(path)
    source = gate.read_text(path, problems, root=root, limit=MAX_TEXT_BYTES)
    if source is None:
        return None
    if (hidden := _hidden(source)) is not None:  # as in site.toml: Trojan Source (CVE-2021-42574)
        problems.append(report(file, f"line {hidden[0]}", "input.hidden_character", code=hidden[1]))
        return None
    if (flood := markdown_flood(source)) is not None:
        problems.append(report(file, f"line {flood[0]}", flood[1], limit=flood[2]))
        return None
    front, body, body_line = split_front_matter(source)
    if not front and re.match(r"\A\+\+\+[ \t]*\r?$", source, re.M) and not FRONT.match(source):
        problems.append(report(file, "line 1", "content.front_not_closed"))
        return None
    meta: dict[str, Any] = {}
    if front:
        try:
            meta = tomlparse.loads(front)
        except tomlparse.TooDeep as exc:
            problems.append(report(file, f"line {exc.line + 1}", "input.too_deep", limit=tomlparse.MAX_DEPTH))
            return None
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+), column (\d+)", str(exc))
            where = f"line {int(match.group(1)) + 1}, column {match.group(2)}" if match else "front matter"
            problems.append(report(file, where, "content.front_invalid", error=str(exc).split(" (at")[0]))
            return None
    key_lines: dict[str, int] = {}
    for match in FRONT_KEY.finditer(front):
        key = match.group(1) or match.group(2)
        key_lines.setdefault(key, 2 + front[:match.start()].count("\n"))  # line 1 is the opening +++
    return Source(path.stem, path, meta, key_lines, body, body_line)


def render_text(source: Source, lang: str, context: Mapping[str, Any], problems: list[Problem]) -> Text | None:
    """Fill the placeholders of front matter and body, turn the body into safe HTML; every problem reported."""
    file = str(source.path)
    before = len(problems)
    meta: dict[str, Any] = {}
    parts: dict[str, str] = {}
    markdown_keys = MARKDOWN_META.get(source.name, ())
    for key, value in source.meta.items():
        if key in markdown_keys and isinstance(value, str):
            line = source.key_lines.get(key, 2)
            filled_part = render_placeholders(value, context, file, line, problems)
            if filled_part is not None:
                parts[key] = markdown_to_html(_http_links(filled_part, value, file, line, problems))
            meta[key] = value  # as written; the page shows parts[key]
            continue
        if isinstance(value, str) and ("{{" in value or "{%" in value):
            # plain text: the page template escapes it (escaping here too showed "&amp;" on the page)
            value = render_placeholders(value, context, file, source.key_lines.get(key, 2), problems,
                                        autoescape=False)
        meta[key] = value
    filled = render_placeholders(source.body, context, file, source.body_line, problems)
    if filled is None or len(problems) > before:
        return None
    filled = _http_links(filled, source.body, file, source.body_line, problems)
    return Text(source.name, lang, meta, markdown_to_html(filled), source.path, parts)


def _http_links(filled: str, source: str, file: str, first_line: int, problems: list[Problem]) -> str:
    """Warn of each http:// link (the HTML cleaner drops its target) and keep an inline one's URL as text.

    Found in the filled body, located in the source body (placeholders and {% if %} change line counts)."""
    found = [m.group(2) for m in HTTP_INLINE.finditer(filled)]
    found += [m.group(1) or m.group(2) or m.group(3) for m in HTTP_OTHER.finditer(filled)]
    start = 0
    for url in sorted(found, key=filled.find):
        at = source.find(url, start)
        start = at + 1 if at >= 0 else start
        line = first_line + source[:at].count("\n") if at >= 0 else first_line
        problems.append(report(file, f"line {line}", "content.http_link", warning=True, url=url))
    return HTTP_INLINE.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(1) else m.group(2), filled)


# --- page names and links ---------------------------------------------------------------------


def slugs(metas: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Page file names of one language, from each text's `slug` (default: its name)."""
    return {name: str(metas.get(name, {}).get("slug", name)) + ".html" for name in PAGES}


def page_links(metas: Mapping[str, Mapping[str, Any]], consent: str | None) -> dict[str, str]:
    """Links between the pages of one language; all live in one folder, so links are file names."""
    links = {"index": "index.html", **slugs(metas), "vcard": "contact.vcf"}
    if consent:
        links["consent"] = f"consent-{consent}.html"
    return links


def check_slugs(sources: Mapping[str, Source], problems: list[Problem]) -> dict[str, dict[str, str]]:
    """The valid slugs as {name: {"slug": slug}}; a bad, reserved or repeated one is a problem (then: the name)."""
    chosen: dict[str, dict[str, str]] = {}
    taken: dict[str, str] = {}
    for name in PAGES:
        source = sources.get(name)
        value = source.meta.get("slug", name) if source is not None else name
        where = f"line {source.key_lines.get('slug', 2)}: slug" if source is not None else "slug"
        file = str(source.path) if source is not None else name
        slug = name
        if not isinstance(value, str):
            problems.append(report(file, where, "content.slug_type", value=_shown(value)))
        elif not PAGE_SLUG.fullmatch(value):
            problems.append(report(file, where, "content.slug_invalid", value=_shown(value)))
        elif (reserved := _generated(value)) is not None:
            problems.append(report(file, where, "content.slug_reserved", value=_shown(value), taken=reserved))
        elif value.lower() in taken:
            problems.append(report(file, where, "content.slug_twice", value=_shown(value), other=taken[value.lower()]))
        else:
            slug = value
        while slug.lower() in taken:  # a refused slug's stand-in (the build stops): never a valid slug's twin
            slug += "~"
        taken[slug.lower()] = f"{name}.md"
        chosen[name] = {"slug": slug}
    return chosen


def _generated(slug: str) -> str | None:
    low = slug.lower()
    if low.startswith("consent-"):
        return "consent-<id>.html"
    if low in GENERATED:
        return {"contact": "contact.vcf", "logo": "logo.*", "robots": "robots.txt", "_headers": "_headers",
                "records": "records/", "print": "print/", "hosting": "hosting/"}.get(low, f"{low}.html")
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- one language, every problem at once ------------------------------------------------------


@dataclass(frozen=True)
class LanguageTexts:
    """The texts of one language, the links between its pages, and its consent (id, fragment)."""

    texts: dict[str, Text]
    links: dict[str, str]
    consent: tuple[str, str] | None


Context = Callable[[Mapping[str, str], "str | None"], Mapping[str, Any]]


def read_language_texts(root: Path, folder: Path, lang: str, context: Context,
                        consent_of: Callable[[Mapping[str, Text]], tuple[str, str]]
                        ) -> tuple[LanguageTexts, list[Problem]]:
    """Read every text of one language and report every problem of every text.

    context(links, consent_id) gives the placeholders; consent_of(texts) the consent (id, fragment) made
    from index and consent, which the other texts cite. While those two have errors the others are still
    read and checked, with a stand-in id; `consent` is then None."""
    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    for name in REQUIRED_TEXTS:
        path = folder / f"{name}.md"
        if not gate.present(path):
            problems.append(report(str(path), "file", "content.missing_text", name=name))
        elif (source := read_source(path, problems, root)) is not None:
            sources[name] = source
    metas = check_slugs(sources, problems)
    texts: dict[str, Text] = {}
    first = context(page_links(metas, None), None)
    for name in ("index", "consent"):
        if name in sources and (text := render_text(sources[name], lang, first, problems)) is not None:
            texts[name] = text
    _missing_meta(sources, problems)
    consent = consent_of(texts) if len(texts) == 2 and not errors(problems) else None
    consent_id = consent[0] if consent else NO_CONSENT_YET
    links = page_links(metas, consent_id)
    later = context(links, consent_id)
    for name in PAGES:
        if name in sources and (text := render_text(sources[name], lang, later, problems)) is not None:
            texts[name] = text
    return LanguageTexts(texts, links, consent if not errors(problems) else None), problems


def _missing_meta(sources: Mapping[str, Source], problems: list[Problem]) -> None:
    for name, source in sources.items():
        file = str(source.path)
        if not source.meta and REQUIRED_META.get(name):
            problems.append(report(file, "front matter", "content.front_missing", name=name))
            continue
        for key in REQUIRED_META.get(name, ()):
            if not str(source.meta.get(key, "")).strip():
                if key in FIRST_SCREEN_MISSING:  # added for the first screen: say what it is for
                    problems.append(report(file, f"front matter: {key}", FIRST_SCREEN_MISSING[key],
                                           lang=source.path.parent.name))
                else:
                    problems.append(report(file, f"front matter: {key}", "content.front_key_missing", key=key,
                                           name=name))
