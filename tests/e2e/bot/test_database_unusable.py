"""`[bot] database` naming a file that is no SQLite database (a typo: the settings file, a text): the bot says so
and does not start, instead of a traceback in its JSON log; the file is left as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT

CASE = ROOT / "tests" / "invalid_sites" / "requests-out-is-a-folder"  # a site with [bot] and [bot.requests]


def test_a_database_that_is_no_database_is_a_message(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(CASE, site)
    shutil.copytree(EXAMPLE / "content", site / "content")
    settings = site / "site.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'phone_number_id = "106540352242922"', 'phone_number_id = "106540352242922"\ndatabase = "content/de/index.md"'),
        encoding="utf-8")
    text = (site / "content/de/index.md").read_bytes()
    key = subprocess.run([sys.executable, "-m", "site_builder", "requests", "--new-key"], capture_output=True,
                         text=True, cwd=site, timeout=60).stdout.strip()
    env = {**os.environ, "LANG": "C", "LC_ALL": "", "LANGUAGE": "", "REQUESTS_KEY": key,
           "REQUESTS_WEBHOOK_SECRET": "s", "WHATSAPP_APP_SECRET": "a", "WHATSAPP_VERIFY_TOKEN": "v",
           "WHATSAPP_ACCESS_TOKEN": "t"}
    result = subprocess.run([sys.executable, "-m", "site_builder", "bot", "--port", "0"], capture_output=True,
                            text=True, cwd=site, env=env, timeout=60)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{(site / 'content/de/index.md').resolve()}: [bot] database: the database cannot be opened (file is not a "
        "database) (check [bot] database (or --db) and that the database server is running)",
        "1 problem(s) found; the bot did not start"]
    assert (site / "content/de/index.md").read_bytes() == text
