"""Golden output: the example site's text files must match tests/golden/ byte for byte.

After an intended change, regenerate with `UPDATE_GOLDEN=1 scripts/test.sh tests/test_golden.py`
and review the diff in git before committing it."""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
TEXT_SUFFIXES = {".html", ".vcf", ".svg", ".txt", ".conf", ".css", ".js", ".csv", ".htaccess", ""}


def text_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in TEXT_SUFFIXES and "preview" not in p.parts}


def test_example_output_matches_golden(built_example):
    actual = text_files(built_example)
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = text_files(GOLDEN)
    assert sorted(actual) == sorted(expected), "files added or removed (UPDATE_GOLDEN=1 to accept)"
    for rel, data in expected.items():
        if actual[rel] != data:
            diff = "\n".join(difflib.unified_diff(data.decode(errors="replace").splitlines(),
                                                  actual[rel].decode(errors="replace").splitlines(),
                                                  f"golden/{rel}", f"output/{rel}", lineterm="", n=1))
            raise AssertionError(f"{rel} changed (UPDATE_GOLDEN=1 to accept):\n{diff[:4000]}")
