"""`site-builder consents --db URL`: the bot's database as register rows, in the format of the chat exports."""

from __future__ import annotations

from pathlib import Path

from zoneinfo import ZoneInfo

import phonenumbers

from ..register import RegisterRow
from . import store
from ..config import load_settings
from .settings import database_url


def chat_name(wa_id: str) -> str:
    """The customer's number as WhatsApp names an unsaved chat ("+49 151 23456789"); a customer known only by
    a business-scoped user id (a WhatsApp username, no number shared) keeps that id."""
    if not wa_id.isdigit():
        return wa_id
    try:
        return phonenumbers.format_number(phonenumbers.parse("+" + wa_id),
                                          phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return "+" + wa_id


def register_row(row: store.EventRow, zone: ZoneInfo) -> RegisterRow:
    """A stored event as a register row: local date and minute like a chat export; `file` holds the message id,
    the proof's address in the WhatsApp Business account."""
    local = store.utc(row.at).astimezone(zone)
    chat = chat_name(row.wa_id)
    return RegisterRow(chat=chat, sender=row.profile_name or chat, date=local.date().isoformat(),
                       time=local.strftime("%H:%M"), event=row.event, consent_id=row.consent_id, source=row.source,
                       purposes=row.purposes, version_status=row.version_status, lang=row.lang,
                       file=row.message_id, line=0, message=row.text)


def database_rows(db: str, timezone: str = "Europe/Berlin", root: Path | None = None,
                  site: str | None = None) -> list[RegisterRow]:
    """Every register row of the bot's database (a URL, or an SQLite file path relative to `root`) of one
    business: `site` (its phone_number_id), else the one root/site.toml's [bot] names. Several businesses may share
    one database; each register holds only its own rows."""
    if site is None and root is not None:
        settings, _ = load_settings(root / "site.toml")
        table = settings.data.get("bot") if settings is not None else None
        site = str(table.phone_number_id) if table else None
    engine = store.open_engine(database_url(db, root or Path.cwd()))
    try:
        return [register_row(row, ZoneInfo(timezone)) for row in store.all_events(engine, site)]
    finally:
        engine.dispose()
