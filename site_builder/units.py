"""A unit of output: files made by one function from inputs summarised by a digest.

The build reuses a unit's files from the previous output while its digest is unchanged; nothing else
decides. A stage returns its units; the digest must cover everything `render` reads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Unit:
    name: str  # unique in the build, e.g. "records/de/risk-assessment" or "print/poster-a4-de"
    digest: str  # hex digest of everything render() reads (see `digest`)
    render: Callable[[], dict[str, bytes]]  # path below output/ -> bytes; may raise problems.InputError
    paths: tuple[str, ...] = ()  # the files render() makes, where known without rendering (`check` counts them)


def digest(*parts: Any) -> str:
    """A stable digest of plain values (str, bytes, numbers, lists, dicts, dataclasses via repr)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            h.update(b"b" + len(part).to_bytes(8, "big") + part)
        else:
            text = json.dumps(part, sort_keys=True, default=repr, ensure_ascii=False)
            h.update(b"j" + text.encode("utf-8") + b"\0")
    return h.hexdigest()
