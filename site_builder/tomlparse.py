"""The TOML parser every module uses: tomli, compiled (mypyc) where its wheel is, else the standard library's tomllib.

tomllib is tomli's pure-Python parser taken into the standard library; tomli's compiled wheel parses the
TOML a build reads (settings, wording, messages) in less than half the time. Same `loads`, `load` and
`TOMLDecodeError`, same messages; tomli >= 2.3 also reads TOML 1.1 (e.g. a trailing comma in an
inline table).
"""

from __future__ import annotations

try:
    import tomli as tomllib
except ImportError:  # a platform without tomli's wheel and no compiler: the same parser, slower
    import tomllib  # type: ignore[no-redef]

__all__ = ["tomllib"]
