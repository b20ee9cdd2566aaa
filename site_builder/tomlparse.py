"""The TOML parser every module uses: tomli, compiled (mypyc) where its wheel is, else the standard library's tomllib.

tomllib is tomli's pure-Python parser taken into the standard library; tomli's compiled wheel parses the
TOML a build reads (settings, wording, messages) in less than half the time. Same `loads`, `load` and
`TOMLDecodeError`, same messages; tomli >= 2.3 also reads TOML 1.1 (e.g. a trailing comma in an
inline table).
"""

from __future__ import annotations

import re
from typing import Any

try:
    import tomli as tomllib
except ImportError:  # a platform without tomli's wheel and no compiler: the same parser, slower
    import tomllib  # type: ignore[no-redef]

__all__ = ["tomllib", "loads", "TooDeep", "MAX_DEPTH"]

# Arrays and inline tables nested deeper than this are no settings, front matter or wording: the parser
# recurses once per level, and 300,000 levels stop it with a RecursionError. Counted before parsing.
MAX_DEPTH = 64


_STRING_END = {'"': re.compile(r'(?:[^"\\\n]|\\.)*"'), "'": re.compile(r"[^'\n]*'"),
               '"""': re.compile(r'(?:[^\\]|\\.)*?"""', re.S), "'''": re.compile(r".*?'''", re.S)}
_TOKEN = re.compile(r"""[\[\]{}#"']""")


def nesting_line(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The line where `[` or `{` values nest deeper than `limit` (strings and comments skipped), or None."""
    depth, i, n = 0, 0, len(text)
    while (match := _TOKEN.search(text, i)) is not None:
        c, i = match.group(), match.start()
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('\"\"\"', "'''") else c
            end = _STRING_END[quote].match(text, i + len(quote))
            i = end.end() if end else n
            continue
        if c in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, i) + 1
        else:
            depth = max(depth - 1, 0)
        i += 1
    return None


class TooDeep(ValueError):
    """TOML nested deeper than MAX_DEPTH, found before parsing: `line` is where."""

    def __init__(self, line: int):
        super().__init__(f"nested more than {MAX_DEPTH} levels deep at line {line}")
        self.line = line


def loads(text: str) -> dict[str, Any]:
    """tomllib.loads, after checking the nesting depth (TooDeep)."""
    if (line := nesting_line(text)) is not None:
        raise TooDeep(line)
    return tomllib.loads(text)
