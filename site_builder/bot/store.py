"""The consent register database (SQLAlchemy Core): SQLite by default, PostgreSQL for several bot processes.

Every guarantee against double work is a database constraint, so it holds across processes and machines:
- `inbound.message_id` is the primary key: a message id is processed by whoever inserts it first; a repeated
  delivery (Meta retries, or another process got the same batch) inserts nothing and is dropped.
- `replies.claim` is the primary key: a reply is sent by whoever claims it. A message's reply is claimed in the
  same transaction as the message, and the greeting to someone without consent is claimed once per day.
Only what the register needs is stored: wa_id, profile name, time, event, consent id, source, purposes and
message id; never a message's text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import (Column, DateTime, Integer, MetaData, String, Table, UniqueConstraint, create_engine, delete,
                        event, func, insert, select, text, update)
from sqlalchemy.engine import Connection, Engine

SCHEMA_VERSION = 1

metadata = MetaData()

schema_version = Table("bot_schema_version", metadata, Column("version", Integer, primary_key=True))

inbound = Table(
    "inbound", metadata,
    Column("message_id", String(200), primary_key=True),
    Column("wa_id", String(32), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),  # the message's own time (Meta's timestamp)
    Column("received_at", DateTime(timezone=True), nullable=False),
)

events = Table(
    "consent_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(200), nullable=False),
    Column("wa_id", String(32), nullable=False, index=True),
    Column("profile_name", String(200), nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("event", String(32), nullable=False),
    Column("consent_id", String(16), nullable=False, default=""),
    Column("source", String(16), nullable=False, default=""),
    Column("purposes", String(200), nullable=False, default=""),
    Column("version_status", String(64), nullable=False, default=""),
    Column("lang", String(8), nullable=False, default=""),
    UniqueConstraint("message_id", "event", name="consent_events_message_event"),
)

replies = Table(
    "replies", metadata,
    Column("claim", String(240), primary_key=True),
    Column("message_id", String(200), nullable=False),
    Column("wa_id", String(32), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    Column("state", String(16), nullable=False, default="claimed"),  # claimed, sent, failed, expired
    Column("attempts", Integer, nullable=False, default=0),
    Column("graph_message_id", String(200), nullable=False, default=""),
)


@dataclass(frozen=True)
class EventRow:
    """One register event as stored (see `events`)."""

    message_id: str
    wa_id: str
    profile_name: str
    at: dt.datetime
    event: str
    consent_id: str = ""
    source: str = ""
    purposes: str = ""
    version_status: str = ""
    lang: str = ""


@dataclass(frozen=True)
class ConsentState:
    """Where a customer stands, from their events: consented (and to what), and their last language."""

    consented: bool
    purposes: tuple[str, ...] = ()
    lang: str = ""


def utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes: they were stored as UTC
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def open_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL and a busy timeout so the web and worker threads share it."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)


def migrate(engine: Engine) -> int:
    """Create or upgrade the schema; returns its version. Safe when several processes start at once."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # one process migrates at a time; the others wait here and then find the tables made
            conn.execute(text("SELECT pg_advisory_xact_lock(815015)"))
        metadata.create_all(conn, checkfirst=True)
        current = conn.execute(select(func.max(schema_version.c.version))).scalar()
        if current is None:
            conn.execute(insert(schema_version).values(version=SCHEMA_VERSION))
            current = SCHEMA_VERSION
        if current > SCHEMA_VERSION:
            raise RuntimeError(f"database schema {current} is newer than this bot ({SCHEMA_VERSION})")
        # later versions: `if current < 2: ...; conn.execute(update(schema_version)...)`
    return int(current)


def _insert_ignore(conn: Connection, table: Table, values: dict[str, Any] | list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; the number of rows inserted (RETURNING tells, where rowcount may not)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(table).on_conflict_do_nothing()
    if isinstance(values, list):
        conn.execute(statement, values)
        return len(values)
    key = list(table.primary_key.columns)[0]
    return 1 if conn.execute(statement.values(values).returning(key)).first() is not None else 0


def claim_message(conn: Connection, message_id: str, wa_id: str, at: dt.datetime, now: dt.datetime) -> bool:
    """Whether this process is the first to see the message (False: a repeated delivery)."""
    return _insert_ignore(conn, inbound, {"message_id": message_id, "wa_id": wa_id, "at": at,
                                          "received_at": now}) == 1


def add_events(conn: Connection, rows: Iterable[EventRow]) -> None:
    values = [row.__dict__ for row in rows]
    if values:
        _insert_ignore(conn, events, values)


def claim_reply(conn: Connection, claim: str, message_id: str, wa_id: str, kind: str, now: dt.datetime) -> bool:
    """Whether this process may send the reply named by `claim` (only one ever may)."""
    return _insert_ignore(conn, replies, {"claim": claim, "message_id": message_id, "wa_id": wa_id, "kind": kind,
                                          "claimed_at": now, "state": "claimed", "attempts": 0,
                                          "graph_message_id": ""}) == 1


def finish_reply(engine: Engine, claim: str, state: str, attempts: int, graph_message_id: str = "") -> None:
    with engine.begin() as conn:
        conn.execute(update(replies).where(replies.c.claim == claim).values(
            state=state, attempts=attempts, graph_message_id=graph_message_id))


def consent_state(conn: Connection, wa_id: str) -> ConsentState:
    """The customer's standing after all their events, in the order they wrote them."""
    rows = conn.execute(select(events.c.event, events.c.purposes, events.c.version_status, events.c.lang)
                        .where(events.c.wa_id == wa_id).order_by(events.c.at, events.c.id)).all()
    consented, purposes, lang = False, (), ""
    for event_name, row_purposes, status, row_lang in rows:
        lang = row_lang or lang
        if event_name == "consent" and status != "unknown":
            consented, purposes = True, tuple(p for p in row_purposes.split(";") if p)
        elif event_name == "withdrawal":
            consented, purposes = False, ()
        elif event_name == "marketing_opt_out":
            purposes = tuple(p for p in purposes if p != "marketing")
    return ConsentState(consented, purposes, lang)


# Meta retries failed deliveries with backoff (REFERENCE.md §2, no duration given; checked 2026-12-02): 30 days is
# taken as far beyond any retry. After that the ids of ordinary messages and sent replies serve no purpose (the
# register rows in consent_events are kept: they are the proof), so they are deleted (storage limitation,
# GDPR Art. 5(1)(e)).
KEEP_DAYS = 30


def prune(engine: Engine, now: dt.datetime, days: int = KEEP_DAYS) -> int:
    """Delete the dedup and reply rows older than `days`; returns how many went."""
    cutoff = now - dt.timedelta(days=days)
    with engine.begin() as conn:
        gone = conn.execute(delete(inbound).where(inbound.c.received_at < cutoff)).rowcount or 0
        gone += conn.execute(delete(replies).where(replies.c.claimed_at < cutoff)).rowcount or 0
    return int(gone)


def all_events(engine: Engine) -> list[EventRow]:
    """Every register event, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(events).order_by(events.c.at, events.c.id)).mappings().all()
    return [EventRow(**{key: value for key, value in row.items() if key != "id"}) for row in rows]


def counts(engine: Engine) -> dict[str, int]:
    """Rows per table (for health checks, tests and the load benchmark)."""
    with engine.connect() as conn:
        out = {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
               for t in (inbound, events, replies)}
        out["replies_sent"] = int(conn.execute(select(func.count()).select_from(replies)
                                               .where(replies.c.state == "sent")).scalar() or 0)
    return out
