"""The TOML parser every module uses: tomli, compiled (mypyc) where its wheel is, else the standard library's tomllib.

tomllib is tomli's pure-Python parser taken into the standard library; tomli's compiled wheel parses the
about 230 KB of TOML a build reads (settings, wording, messages) in less than half the time: 40-56 ms ->
17-23 ms of a `check` on the example (3 interleaved runs each, 2026-12-02, Python 3.11.7). Same `loads`,
`load` and `TOMLDecodeError`, same messages; tomli >= 2.3 also reads TOML 1.1 (e.g. a trailing comma in an
inline table).
"""

from __future__ import annotations

try:
    import tomli as tomllib
except ImportError:  # a platform without tomli's wheel and no compiler: the same parser, slower
    import tomllib  # type: ignore[no-redef]

__all__ = ["tomllib"]
