"""Every text that reaches a PDF or a link-preview card must be printable with the shipped fonts.

Checked during `check` and `build`, before any stage runs, against the characters the fonts draw
(site_builder.graphics.glyphs, read from fonts/widths.json: no ReportLab here):
  - the settings' strings, named by key (web-only keys excepted: the browser brings its own fonts there);
  - the site's own wording files of the print, records and app texts of the built languages, by file and line
    (the shipped ones are checked by tests/test_fonts.py);
  - what the records and posters take from content/: consent.md and privacy.md whole, withdrawal.md's
    messages, index.md's intro (the posters' and cards' benefit line), by file and line.
Right-to-left scripts are refused too, though DejaVu has many Arabic and Hebrew letters: ReportLab neither
joins nor reorders them, so a name would print as unconnected letters in the wrong order.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterator

from .. import gate, tomlparse
from ..frontmatter import split_front_matter
from ..graphics.glyphs import printable as printable_codes, show
from ..inputs import strings
from ..problems import report
from ..wording import Wording
from .checker import Checker, key_name
from .settings import Localized

# Keys that reach no PDF: the page title, the language list, the page header's trade line, the theme (colours,
# logo file, photo) and the bot.
WEB_ONLY = ("site.title", "site.languages", "site.preset", "business.trade", "business.credentials", "theme", "bot")
RIGHT_TO_LEFT = frozenset(("R", "AL", "AN"))  # Unicode bidi classes of Hebrew, Arabic letters, Arabic digits
_LAYOUT = frozenset("\n\r\t")  # line breaks and tabs: the layouts split lines, they are never drawn
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Wording folders whose files are set in PDFs (print/<lang>/README.txt is a plain text file: not checked)
WORDING = ("print", "records", "app")
# content/<lang>/<file>: the front matter keys that reach a PDF (None: the whole file does)
CONTENT: dict[str, tuple[str, ...] | None] = {"consent.md": None, "privacy.md": None,
                                               "withdrawal.md": ("message", "marketing_message"),
                                               "index.md": ("intro",)}


def unprintable(text: str) -> tuple[str, str]:
    """The characters of `text` in a right-to-left script, and those no shipped font draws (each once)."""
    if text.isascii() and not _CONTROL.search(text):  # most texts: the fonts have all of printable ASCII
        return "", ""
    codes = printable_codes()
    rtl, missing = [], []
    for char in dict.fromkeys(text):  # each distinct character once, in the order of first use
        if char in _LAYOUT or char.isascii() and char.isprintable():
            continue
        if unicodedata.bidirectional(char) in RIGHT_TO_LEFT:
            rtl.append(char)
        elif ord(char) not in codes:
            missing.append(char)
    return "".join(rtl), "".join(missing)


def printable(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    """The rule (config/rules.py): every settings value, wording file and content text that is printed."""
    for where, text in _strings(data, ""):
        rtl, missing = unprintable(text)
        if rtl:
            checker.error(where, "fonts.right_to_left", chars=show(rtl))
        if missing:
            checker.error(where, "fonts.not_printable", chars=show(missing))
    languages = checker.languages or []
    theme = str((data.get("theme") or {}).get("name") or "default")
    for file, only in _printed_files(path.parent, theme, languages):
        _check_file(checker, file, only)


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(key, text) of every string in the validated settings, web-only keys left out."""
    if where in WEB_ONLY:
        return
    if isinstance(value, Localized):
        texts = {lang: text for lang, text in value.items() if isinstance(text, str)}
        if len(set(texts.values())) == 1:  # given as one string for every language: the key, once
            yield where, next(iter(texts.values()))
        else:
            for lang, text in texts.items():
                yield f"{where}.{lang}", text
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key_name(key)}" if where else key_name(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{where}[{i}]")
    elif isinstance(value, str):
        yield where, value


def _printed_files(root: Path, theme: str, languages: list[str]) -> Iterator[tuple[Path, tuple[str, ...] | None]]:
    """The site's own files whose text goes into a PDF: its wording copies that win, and content texts."""
    folders = Wording(root, theme).site_folders
    seen: set[str] = set()
    for lang in languages:
        for folder in folders:
            for area in WORDING:
                base = folder / area / lang
                if not base.is_dir():
                    continue
                for file in sorted(base.iterdir()):
                    rel = f"{area}/{lang}/{file.name}"
                    if gate.present(file) and rel not in seen and not (area == "print" and file.suffix == ".txt"):
                        seen.add(rel)
                        yield file, None
        for name, only in CONTENT.items():
            file = root / "content" / lang / name
            if gate.present(file):
                yield file, only


def _check_file(checker: Checker, file: Path, only: tuple[str, ...] | None) -> None:
    """Problems naming the file and line of each unprintable character; front matter keys only if `only`."""
    source = gate.read_text(file, [], root=Path(checker.file).parent)  # a BOM is accepted, never printed
    if source is None:
        return  # the stage that reads it reports it (the gate's problem)
    lines = source.splitlines()
    if only is None and file.suffix == ".md":  # a character reference (&#x4E2D;) becomes the character
        lines = [html.unescape(line) for line in lines]  # line by line: an encoded line break moves no line
        source = "\n".join(lines)
    first, last = 0, len(lines)
    if only is not None:  # the front matter between the +++ lines: its values named by `only`
        front, _, body_line = split_front_matter(source)
        if body_line == 1:
            return
        last = body_line - 2  # the closing +++ line, counted from 0
        try:
            meta = tomlparse.loads(front)
        except ValueError:  # TOMLDecodeError, TooDeep
            return  # reported by the content stage
        wanted = "".join(str(meta[key]) for key in only if isinstance(meta.get(key), str))
        rtl, missing = unprintable(wanted)
        first = 1
    elif file.suffix == ".toml":  # the values only: a comment is never printed
        try:
            rtl, missing = unprintable("".join(strings(tomlparse.loads(source))))
        except ValueError:  # TOMLDecodeError, TooDeep
            return  # the stage that reads it reports it
    else:
        rtl, missing = unprintable(source)
    for chars, key in ((rtl, "fonts.right_to_left"), (missing, "fonts.not_printable")):
        if chars:
            _report_lines(checker, file, lines[first:last], first, chars, key)


def _report_lines(checker: Checker, file: Path, lines: list[str], offset: int, chars: str, key: str) -> None:
    left = set(chars)
    for number, line in enumerate(lines, start=offset + 1):
        if line.lstrip().startswith("#") and file.suffix == ".toml":
            continue
        found = [c for c in dict.fromkeys(line) if c in left]
        if found:
            checker.problems.append(report(str(file), f"line {number}", key, chars=show("".join(found))))
            left -= set(found)
    if left:  # written as an escape (\u4e2d) in TOML: not on any line as itself
        checker.problems.append(report(str(file), "file", key, chars=show("".join(c for c in chars if c in left))))
