"""A customer's name or answer with a control character: `requests -o x.xlsx` says which request and column an
Excel workbook cannot hold (never openpyxl's traceback), writes nothing, and the CSV export keeps the text."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT

CASE = ROOT / "tests" / "invalid_sites" / "requests-out-is-a-folder"  # a site with [bot.requests]
ENV = {**os.environ, "LANG": "C", "LC_ALL": "", "LANGUAGE": "", "REQUESTS_KEY": "x"}


def test_a_control_character_in_a_request_is_named_not_a_traceback(tmp_path: Path) -> None:
    from site_builder.bot import request_store, store

    site = tmp_path / "site"
    shutil.copytree(CASE, site)
    shutil.copytree(EXAMPLE / "content", site / "content")
    engine = store.open_engine(f"sqlite:///{site / 'consent-register.sqlite3'}")
    store.migrate(engine)
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        row = request_store.start(conn, "106540352242922", "4915123456789", "Anna\x07", "angebot", "de", "chat",
                                  "bereich", now)
        assert row is not None
        request_store.save(conn, row.id, now, answers={"bereich": "innen"})
        request_store.submit(conn, row.id, now)
    engine.dispose()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "site_builder", "requests", *args], cwd=site, env=ENV,
                              capture_output=True, text=True, timeout=60)

    result = run("-o", "requests.xlsx")
    assert "Traceback" not in result.stderr and result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"requests.xlsx: -o/--out: request {row.public_id}: sender holds a control character (U+0007) that an "
        "Excel workbook cannot store; nothing was written (export as CSV (-o requests.csv), which keeps every "
        "character)")
    assert not (site / "requests.xlsx").exists()
    result = run("-o", "requests.csv")
    assert result.returncode == 0, result.stderr
    assert "Anna\x07" in (site / "requests.csv").read_text(encoding="utf-8-sig")
