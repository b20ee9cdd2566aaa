"""`site-builder requests`: the submitted guided requests still kept in the bot's database, as a table written
the way the consent register is (register/write.py: CSV for German Excel with BOM and semicolons, or .xlsx;
cells guarded against formula injection; replaced in one rename). One row per request; one column per question
(by its label in the site's first language); the files are counted, not exported (they went out by e-mail or
webhook, and stay encrypted in the database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from ..guided.answers import shown
from ..problems import Problem, report
from ..register.write import write_table
from . import request_store, store
from .export import chat_name
from .settings import DEFAULT_DB_FILE, database_url

FIXED = ("id", "date", "time", "request", "chat", "sender", "lang")


def export_requests(model: Any, db: str | None, out: Path) -> tuple[int, list[Problem]]:
    """Write the site's requests to `out`; (rows written, problems)."""
    bot = model.settings.data.get("bot")
    requests = model.requests
    lang = model.default_lang
    zone = ZoneInfo(str(bot.timezone) if bot else "Europe/Berlin")
    source = db or (str(bot.database) if bot else DEFAULT_DB_FILE)
    if "://" not in source and not (model.root / source).is_file():
        return 0, [report(source, "--db", "bot.db_unavailable", error="no such file")]
    engine = store.open_engine(database_url(source, model.root))
    try:
        found = request_store.all_requests(engine, str(bot.phone_number_id) if bot else None)
    except SQLAlchemyError as exc:
        return 0, [report(source.split("@")[-1], "--db", "bot.db_unavailable", error=type(exc).__name__)]
    finally:
        engine.dispose()
    labels: list[str] = []
    for request in requests.requests:
        labels += [s.label[lang] for s in request.steps if s.label[lang] not in labels]
    rows = []
    for row, files in found:
        request = requests.get(row.name)
        at = (row.submitted_at or row.updated_at).astimezone(zone)
        cells = {"id": row.public_id, "date": at.date().isoformat(), "time": at.strftime("%H:%M"),
                 "request": request.title[lang] if request else row.name, "chat": chat_name(row.wa_id),
                 "sender": row.profile_name or chat_name(row.wa_id), "lang": row.lang}
        for step in request.steps if request else ():
            if step.media:
                cells[step.label[lang]] = str(len([f for f in files if f.step == step.id and f.state == "stored"]))
            elif row.answers.get(step.id):
                cells[step.label[lang]] = shown(step, row.answers[step.id], lang)
        rows.append(cells)
    write_table([*FIXED, *labels], rows, out, "requests", {"chat": 20, "sender": 24, "request": 22})
    return len(rows), []
