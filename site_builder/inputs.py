"""One digest of everything a build reads, computed without the text or drawing libraries.

A rebuild whose digest equals the previous build's has nothing to do. The digest covers the settings
file, every file under content/, wording/, themes/ and consent-versions/ next to it, every file the settings name
(logos), the tool's own code and built-in themes (by size and time, so an upgrade or an edit rebuilds),
the date (texts show it) and the environment that changes output (SOURCE_DATE_EPOCH, the message language).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any, Iterator

from . import gate, tomlparse
from .messages import current_language

PACKAGE = Path(__file__).parent
SOURCE_FOLDERS = ("content", "wording", "themes", "consent-versions")
MAX_INPUT_BYTES = 64 * 1024 * 1024  # past this, no fast path: the build reads (and limits) the files itself
MAX_SETTINGS_BYTES = 1_000_000  # as config/load.py


def _files(folder: Path) -> Iterator[Path]:
    """Every entry below `folder` but folders, in a stable order, not descending into linked folders (a link
    to a file is listed: the gate decides whether it may be read)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in ("__pycache__", "node_modules") and not entry.name.startswith("."):
                yield from _files(Path(entry.path))
        elif not entry.is_dir():
            yield Path(entry.path)


def strings(value: Any) -> Iterator[str]:
    """Every string in a nest of dicts and lists (parsed TOML), depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def _package_stamp(h: Any) -> None:
    for path in _files(PACKAGE):
        st = path.stat()
        h.update(f"{path.relative_to(PACKAGE)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())


def input_digest(config: Path) -> str:
    """The digest of every input of a build of `config`; '' when it cannot be made (the build then reads
    everything and reports what is wrong). Every file passes the gate (gate.py) and is streamed into the
    digest, never read whole: a file the gate refuses, or more than MAX_INPUT_BYTES in all, gives ''."""
    h = hashlib.sha256()
    try:
        raw = gate.read_or_refuse(config, root=None, limit=MAX_SETTINGS_BYTES)
        h.update(raw)
        root = config.resolve().parent
        try:
            settings = tomlparse.loads(raw.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):  # TOMLDecodeError, TooDeep
            return ""
        # every settings value that names a file inside the site (the logo); others are no input
        named = {root / s for s in strings(settings) if 0 < len(s) < 300 and "\n" not in s and "\0" not in s
                 and not os.path.isabs(s) and ".." not in Path(s).parts}
        paths = [p for p in sorted(named) if gate.present(p)]
        for folder in SOURCE_FOLDERS:
            paths += list(_files(root / folder))
        total = 0
        for path in paths:
            h.update(f"\0{path.relative_to(root) if root in path.parents else path}\0".encode())
            total += gate.digest_into(h, path, root=root, limit=MAX_INPUT_BYTES - total)
    except (gate.Refused, OSError, ValueError):
        return ""
    _package_stamp(h)
    h.update(f"\0{dt.date.today()}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}\0{current_language()}".encode())
    return h.hexdigest()
