"""Read content/<lang>/*.md: TOML front matter, {{ placeholders }} from the settings, Markdown to safe HTML."""

from __future__ import annotations

import functools
import re
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import markdown
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
import nh3

from .placeholders import bytecode_cache, render_placeholders  # noqa: F401 (bytecode_cache: pages)
from .problems import Problem

# Every language ships these texts; the pages are built from them.
REQUIRED_TEXTS = ("index", "consent", "privacy", "withdrawal", "imprint")
FRONT = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)^\+\+\+[ \t]*\r?$\n?", re.S | re.M)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h2", "h3", "h4",
    "hr", "i", "li", "ol", "p", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul", "address",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": {"colspan"},
                      "*": {"id"}}


@dataclass(frozen=True)
class Text:
    """One rendered text: its front matter and its body as safe HTML."""

    name: str
    lang: str
    meta: Mapping[str, Any]
    html: str
    path: Path = field(compare=False)

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.name))


def split_front_matter(source: str) -> tuple[str, str, int]:
    """Split `+++` TOML front matter from the body; also return the body's first line number."""
    match = FRONT.match(source)
    if not match:
        return "", source, 1
    return match.group(1), source[match.end():], source[:match.end()].count("\n") + 1


_LOCAL = threading.local()


def _markdown() -> markdown.Markdown:
    # Setting up a Markdown instance (extensions, patterns) costs ~5 ms, converting a text less; one per thread.
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


def read_text(path: Path, lang: str, context: Mapping[str, Any], problems: list[Problem]) -> Text | None:
    """Read one content file; append problems rather than raising."""
    file = str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(file, "file", f"cannot be read ({exc.__class__.__name__})", "save it as UTF-8 text"))
        return None
    front, body, body_line = split_front_matter(source)
    if not front and re.match(r"\A\+\+\+[ \t]*\r?$", source, re.M):
        problems.append(Problem(file, "line 1", "the front matter opened with +++ is never closed",
                                "end it with a line of +++ before the text begins"))
        return None
    meta: dict[str, Any] = {}
    if front:
        try:
            meta = tomllib.loads(front)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+), column (\d+)", str(exc))
            where = f"line {int(match.group(1)) + 1}, column {match.group(2)}" if match else "front matter"
            problems.append(Problem(file, where, f"front matter is not valid TOML: {str(exc).split(' (at')[0]}",
                                    'write keys as title = "..." between the +++ lines'))
            return None
    rendered_meta: dict[str, Any] = {}
    for key, value in meta.items():
        # message templates keep their {fields}; other strings may hold placeholders too
        if isinstance(value, str) and "{{" in value:
            value = render_placeholders(value, context, file, 2, problems) or value
        rendered_meta[key] = value
    filled = render_placeholders(body, context, file, body_line, problems)
    if filled is None:
        return None
    return Text(path.stem, lang, rendered_meta, markdown_to_html(filled), path)


def read_texts(content_dir: Path, lang: str, context: Mapping[str, Any],
               problems: list[Problem]) -> dict[str, Text]:
    """All texts of one language, keyed by name; missing required texts are problems."""
    folder = content_dir / lang
    texts: dict[str, Text] = {}
    for name in REQUIRED_TEXTS:
        if not (folder / f"{name}.md").is_file():
            problems.append(Problem(str(folder / f"{name}.md"), "file", "missing",
                                    f"copy it from content/de/{name}.md (or run `site-builder init`) and adapt it"))
    for path in sorted(folder.glob("*.md")):
        text = read_text(path, lang, context, problems)
        if text is not None:
            texts[text.name] = text
    return texts
