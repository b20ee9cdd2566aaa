"""Compiled templates kept between runs, in the user's cache folder (~/.cache/site-builder/templates-...).

Compiling the site's Jinja templates (about 70 texts and wording entries, 6 theme templates) takes about a
tenth of a cold build's CPU time; Jinja can keep the compiled code and load it in a fraction of that. Where:

- `$SITE_BUILDER_CACHE` if set (`off` turns the cache off), else `$XDG_CACHE_HOME/site-builder`, else
  `~/.cache/site-builder`; in it one folder per Jinja and Python version and per digest of the code that
  shapes compiled templates (render.py inserts the budget's counters when compiling): an upgrade of either
  starts a new folder, never loads old code.
- `build` writes it (`writing(True)`); `check` and `serve` only read what a build left (check writes nothing
  anywhere, not even the folder).
- The compiled code is loaded with marshal, so it must be the user's own: the folder is made private (0700)
  and used only while it is owned by this user and writable by nobody else; otherwise the templates are
  compiled as if there were no cache. A cache that cannot be written is skipped the same way: the output
  never depends on it (Jinja keys each entry by the template's name and a checksum of its source).
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

_WRITING = False
_FOLDERS: dict[tuple[str, str, str, bool], Path | None] = {}  # by the settings that place it; None: no usable cache


def writing(on: bool) -> None:
    """Whether this process may add compiled templates to the cache (build, serve) or only read it (check)."""
    global _WRITING
    _WRITING = on


def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{jinja2.__version__}|{sys.version_info[:2]}".encode())
    for name in ("render.py", "placeholders.py", "template_cache.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def _own_private(path: Path) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def folder() -> Path | None:
    """The cache folder of this code, made if missing; None when off or not safe to use."""
    key = (os.environ.get("SITE_BUILDER_CACHE", ""), os.environ.get("XDG_CACHE_HOME", ""),
           os.environ.get("HOME", ""), _WRITING)
    if key not in _FOLDERS:
        _FOLDERS[key] = _find(key[0])
    return _FOLDERS[key]


def _find(setting: str) -> Path | None:
    if setting.lower() == "off":
        return None
    base = Path(setting) if setting else \
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "site-builder"
    here = base / f"templates-{_code_digest()}"
    if not _WRITING:
        return here if here.is_dir() and _own_private(base) and _own_private(here) else None
    try:
        here.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return here if _own_private(base) and _own_private(here) else None


class _Cache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache that never fails a build: an entry that cannot be read or written is compiled anew."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # cut short or damaged (pickle, marshal and I/O each raise their own): compile anew
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not _WRITING:
            return
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


class LazyCache(jinja2.BytecodeCache):
    """An environment's cache, resolved on first use (so that importing site_builder touches no folder)."""

    def __init__(self, kind: str):
        self.kind = kind  # one per environment whose compile options differ (escaping, undefined, ...)

    def _cache(self) -> _Cache | None:
        where = folder()
        return None if where is None else _Cache(str(where), f"{self.kind}-%s.cache")

    def load_bytecode(self, bucket: Bucket) -> None:
        if (cache := self._cache()) is not None:
            cache.load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if (cache := self._cache()) is not None:
            cache.dump_bytecode(bucket)
