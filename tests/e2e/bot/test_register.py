"""The register stays one tool: the bot's database exports to the same CSV rows as the chat exports of the same
conversation, and both merge without double rows."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot_support import ROOT, Msg, fake_graph, make_site, start_bot, wait_until
from site_builder.bot import store
from site_builder.bot.export import chat_name
from site_builder.bot.settings import database_url
from site_builder.bot.load import load_bot_site

BERLIN = ZoneInfo("Europe/Berlin")
ANNA, BERND = "4915123456789", "4916098765432"


def _ts(day: str, hhmm: str) -> int:
    return int(dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=BERLIN).timestamp())


def _conversation(consent_id: str) -> list[tuple[str, str, str, str, str]]:
    """(wa_id, name, ISO day, HH:MM, text) of two customers' chats."""
    consent = (f"Hallo Schreinerei Muster, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge, Werbung. "
               f"(Einwilligung {consent_id}/r)")
    return [
        (ANNA, "Anna Beispiel", "2026-11-20", "09:14", consent),
        (ANNA, "Anna Beispiel", "2026-11-21", "10:02", "Danke, bis Samstag!"),
        (BERND, "Bernd", "2026-11-22", "08:00", "Hallo, was kostet ein Regal?"),
        (BERND, "Bernd", "2026-11-22", "08:05", "STOPP"),
        (ANNA, "Anna Beispiel", "2026-11-25", "18:30", "STOP Werbung"),
    ]


def _write_exports(folder: Path, conversation: list[tuple[str, str, str, str, str]]) -> list[Path]:
    """Android exports (German), one per chat, named as WhatsApp names a chat with an unsaved number."""
    files = []
    for wa_id in (ANNA, BERND):
        lines = ["20.11.26, 09:00 - Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt."]
        for who, name, day, hhmm, text in conversation:
            if who == wa_id:
                d = dt.date.fromisoformat(day)
                lines.append(f"{d:%d.%m.%y}, {hhmm} - {name}: {text}")
                lines.append(f"{d:%d.%m.%y}, {hhmm} - Schreinerei Muster: Danke für Ihre Nachricht!")
        path = folder / f"WhatsApp Chat mit {chat_name(wa_id)}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))  # the register is written for German Excel


def _without_origin(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    # the one difference by design: an export row names its file and line, a database row the message id
    return [{k: v for k, v in row.items() if k not in ("file", "line")} for row in rows]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, timeout=120)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_database_register_equals_the_export_register(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    db = request.getfixturevalue("pg").new_database() if backend == "postgresql" else None
    with fake_graph() as graph:
        config = make_site(tmp_path / "site", graph, db)
        site, _ = load_bot_site(config)
        assert site is not None
        conversation = _conversation(site.languages["de"].consent_id)
        bot = start_bot(config)
        try:
            for wa_id, name, day, hhmm, text in conversation:
                assert bot.post(_delivery(Msg(wa_id, name, text, ts=_ts(day, hhmm)).with_id())) == 200
            engine = store.open_engine(database_url(db or "consent-register.sqlite3", config.parent))
            wait_until(lambda: store.counts(engine)["inbound"] == len(conversation))
            engine.dispose()
        finally:
            bot.stop()
    exports = _write_exports(tmp_path, conversation)
    site_dir = config.parent
    # the export-based register as `site-builder consents` makes it, from the same site (its [bot] table names the
    # bot in the first layer, so its consent text and id are the bot site's own: issue 23)
    from_exports = _cli("-m", "site_builder", "consents", *map(str, exports), "-c", str(config),
                        "-o", str(tmp_path / "exports.csv"), cwd=site_dir)
    assert from_exports.returncode == 0, from_exports.stderr
    db_arg = db or "consent-register.sqlite3"
    from_db = _cli("-m", "site_builder.bot", "consents", "--db", db_arg, "-c", str(config),
                   "-o", str(tmp_path / "db.csv"), cwd=site_dir)
    assert from_db.returncode == 0, from_db.stderr
    export_rows, db_rows = _read(tmp_path / "exports.csv"), _read(tmp_path / "db.csv")
    assert [r["event"] for r in db_rows] == ["consent", "marketing_opt_in", "withdrawal", "marketing_opt_out"]
    # the export register lists chat by chat, the database in time order: the same rows
    in_time_order = sorted(export_rows, key=lambda r: (r["date"], r["time"]))
    assert _without_origin(db_rows) == _without_origin(in_time_order)
    assert all(r["file"].startswith("wamid.") for r in db_rows)
    # a chat named by a number starts with '+': a spreadsheet would read it as a formula, so it gets a '
    assert db_rows[0]["chat"] == "'" + chat_name(ANNA) and db_rows[0]["sender"] == "Anna Beispiel"
    assert (db_rows[0]["date"], db_rows[0]["time"]) == ("2026-11-20", "09:14")  # local time, as in the export

    # merging both: each message once, the database's row kept
    merged = _cli("-m", "site_builder.bot", "consents", "--db", db_arg, *map(str, exports), "-c", str(config),
                  "-o", str(tmp_path / "merged.csv"), cwd=site_dir)
    assert merged.returncode == 0, merged.stderr
    assert _read(tmp_path / "merged.csv") == db_rows
    # and the same through the product's own verb
    verb = _cli("-m", "site_builder", "consents", "--db", db_arg, "-c", str(config),
                "-o", str(tmp_path / "verb.csv"), cwd=site_dir)
    assert verb.returncode == 0, verb.stderr
    assert _read(tmp_path / "verb.csv") == db_rows


def _delivery(msg: Msg) -> dict:
    from bot_support import delivery
    return delivery(msg)


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    from conftest import copy_example

    site = copy_example(tmp_path / "site")
    result = _cli("-m", "site_builder.bot", "consents", "--db", "missing.sqlite3", "-o", str(tmp_path / "x.csv"),
                  cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[0] == (
        "missing.sqlite3: --db: the database cannot be opened (no such file) (check [bot] database (or --db) and "
        "that the database server is running)")
    assert not (tmp_path / "x.csv").exists()
