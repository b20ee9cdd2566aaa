"""The consent register database (SQLAlchemy Core): SQLite by default, PostgreSQL for several bot processes.

Every guarantee against double work is a database constraint, so it holds across processes and machines:
- `inbound.message_id` is the primary key: a message is recorded by whoever inserts it first; a repeated delivery
  (Meta retries, or another process got the same batch) inserts nothing and is dropped.
- `outbox.claim` is unique: a reply (or an owner notice) is queued once; the greeting to someone without consent
  once per day. A message, its register rows and its reply are committed in one transaction, before the webhook
  answers 200 (see recorder.py); sending happens later, from the outbox (outbox.py, sender.py).
Only what the register needs is stored: the customer's id (number, or business-scoped user id), profile name,
time, event, consent id, source, purposes and message id; of a message's text only that of a consent, withdrawal
or opt-out itself, which is the proof in the customer's own words (issue 23, point 7), never any other. Every row names its business
(`site`: the WhatsApp phone_number_id), so several businesses share one database and keep their own registers."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from sqlalchemy import (Column, DateTime, bindparam, Index, Integer, LargeBinary, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, delete, event, func, insert, inspect, or_, select, text,
                        update)
from sqlalchemy.engine import Connection, Engine

SCHEMA_VERSION = 4
ID = 160  # a phone number, or a business-scoped user id ("DE." + up to 128 characters)

metadata = MetaData()

schema_version = Table("bot_schema_version", metadata, Column("version", Integer, primary_key=True))

inbound = Table(
    "inbound", metadata,
    Column("message_id", String(200), primary_key=True),
    Column("wa_id", String(ID), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),  # the message's own time (Meta's timestamp)
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("site", String(20), nullable=False, default=""),
)

events = Table(
    "consent_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(200), nullable=False),
    Column("wa_id", String(ID), nullable=False, index=True),
    Column("profile_name", String(200), nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("event", String(32), nullable=False),
    Column("consent_id", String(16), nullable=False, default=""),
    Column("source", String(16), nullable=False, default=""),
    Column("purposes", String(200), nullable=False, default=""),
    Column("version_status", String(64), nullable=False, default=""),
    Column("lang", String(8), nullable=False, default=""),
    Column("site", String(20), nullable=False, default=""),
    Column("text", Text, nullable=False, default=""),  # the consent or withdrawal message as the customer wrote it
    UniqueConstraint("message_id", "event", name="consent_events_message_event"),
)

# The same person under two ids: a phone number and a business-scoped user id seen together, or an old and a new
# number (a `system` message). The consent follows the person (REFERENCE.md §2).
aliases = Table(
    "customer_aliases", metadata,
    Column("site", String(20), primary_key=True),
    Column("a", String(ID), primary_key=True),
    Column("b", String(ID), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

# What happened that is not a register event: a number change, a marketing resume in WhatsApp, an account
# restriction. Kept as proof next to the register (a resume is recorded, but it is not a consent).
notes = Table(
    "bot_notes", metadata,
    Column("key", String(240), primary_key=True),
    Column("site", String(20), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("wa_id", String(ID), nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("detail", String(240), nullable=False, default=""),
)

# Per business: the access token known bad (190), the account restricted (account_update).
site_state = Table(
    "bot_site_state", metadata,
    Column("site", String(20), primary_key=True),
    Column("token_bad_at", DateTime(timezone=True), nullable=True),
    Column("restricted", String(240), nullable=False, default=""),
    Column("restricted_until", DateTime(timezone=True), nullable=True),
)

# Everything that must go out later, durable and retried (sender.py for WhatsApp, notify.py for e-mail).
outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim", String(240), nullable=False, unique=True),
    Column("channel", String(16), nullable=False),  # whatsapp, email
    Column("site", String(20), nullable=False),
    Column("target", String(ID), nullable=False),  # the customer, or the owner's notice kind
    Column("kind", String(64), nullable=False),
    Column("lang", String(8), nullable=False, default=""),
    Column("payload", Text, nullable=False, default="{}"),  # ids and flags to render with: never a message text
    Column("state", String(16), nullable=False),  # pending, sending, sent, unknown, failed, expired
    Column("attempts", Integer, nullable=False, default=0),
    Column("unknowns", Integer, nullable=False, default=0),
    Column("last_code", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_at", DateTime(timezone=True), nullable=False),
    Column("deadline", DateTime(timezone=True), nullable=False),  # for WhatsApp: the end of the 24-hour window
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("graph_message_id", String(200), nullable=False, default=""),
    Column("delivery", String(16), nullable=False, default=""),  # delivered, read (status webhooks)
    Index("outbox_due", "channel", "state", "next_at"),
    Index("outbox_graph_id", "graph_message_id"),
)


# Guided requests (bot/guide.py): one row per request a customer started, its answers, and the files it took.
# `active_key` is "<site>:<customer>" while the request runs and NULL after: unique, so a customer has one
# request at a time whichever process records the message (NULLs never collide, in SQLite and PostgreSQL).
guided_requests = Table(
    "guided_requests", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("public_id", String(16), nullable=False, unique=True),  # named to the owner, the Flow token
    Column("site", String(20), nullable=False),
    Column("wa_id", String(ID), nullable=False),
    Column("profile_name", String(200), nullable=False, default=""),
    Column("name", String(40), nullable=False),  # the request file
    Column("lang", String(8), nullable=False),
    Column("mode", String(8), nullable=False),  # steps, flow
    Column("state", String(16), nullable=False),  # active, submitted (others are deleted)
    Column("step", String(40), nullable=False, default=""),  # the step asked, "summary", "change"
    Column("answers", Text, nullable=False, default="{}"),  # step id -> value (JSON)
    Column("active_key", String(200), nullable=True, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),  # a day after the customer's last answer
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    Column("delete_at", DateTime(timezone=True), nullable=True),  # the site's keep_days after the hand-off
    Index("guided_requests_site", "site", "state"),
)

request_files = Table(
    "request_files", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Integer, nullable=False, index=True),
    Column("step", String(40), nullable=False),
    Column("media_id", String(200), nullable=False),
    Column("mime_type", String(100), nullable=False, default=""),
    Column("sha256", String(100), nullable=False, default=""),  # as Meta gave it
    Column("filename", String(200), nullable=False, default=""),  # the customer's, for display only
    Column("state", String(16), nullable=False),  # pending, stored, failed, refused
    Column("size", Integer, nullable=False, default=0),
    Column("data", LargeBinary, nullable=True),  # AES-GCM: nonce + ciphertext (bot/media.py)
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("request_id", "media_id", name="request_files_once"),
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
    site: str = ""
    text: str = ""  # the customer's own words of a consent, withdrawal or opt-out message ("" from a webhook event)


@dataclass(frozen=True)
class ConsentState:
    """Where a customer stands, from their events: consented (and to what), and their last language."""

    consented: bool
    purposes: tuple[str, ...] = ()
    lang: str = ""


def utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes: they were stored as UTC
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


_locks: dict[int, threading.Lock] = {}


def open_engine(url: str) -> Engine:
    """An engine for the URL. SQLite: WAL, and one writer at a time in this process (a lock, not SQLite's busy
    loop, which sleeps up to 100 ms a try); a lock held elsewhere fails after 5 s, so the webhook answers 503."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives the process being killed (the OS has the WAL pages); only
            # a power loss may cost the last commits. The floor in benchmarks/ uses the same setting.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
        _locks[id(engine)] = threading.Lock()
        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True, pool_timeout=5)


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction (serialised per process for SQLite)."""
    lock = _locks.get(id(engine))
    with lock if lock is not None else contextlib.nullcontext():
        with engine.begin() as conn:
            yield conn


def sqlite_file(engine: Engine) -> str | None:
    return engine.url.database if engine.dialect.name == "sqlite" else None


def file_identity(path: str) -> tuple[int, int] | None:
    """The SQLite file's device and inode: a file removed or replaced under the bot is noticed (writes to an
    unlinked file would succeed and be lost)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def migrate(engine: Engine) -> int:
    """Create or upgrade the schema; returns its version. Safe when several processes start at once."""
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            # one process migrates at a time; the others wait here and then find the tables made
            conn.execute(text("SELECT pg_advisory_xact_lock(815015)"))
        had_tables = inspect(conn).has_table("inbound")
        metadata.create_all(conn, checkfirst=True)
        current = conn.execute(select(func.max(schema_version.c.version))).scalar()
        if current is None:
            current = 1 if had_tables else SCHEMA_VERSION
            conn.execute(insert(schema_version).values(version=current))
        if current > SCHEMA_VERSION:
            raise RuntimeError(f"database schema {current} is newer than this bot ({SCHEMA_VERSION})")
        if current < 2:
            _to_v2(conn)
            conn.execute(update(schema_version).values(version=2))
            current = 2
        if current < 3:  # the guided requests' tables, made by create_all above
            conn.execute(update(schema_version).values(version=3))
            current = 3
        if current < 4:
            _to_v4(conn)
            conn.execute(update(schema_version).values(version=4))
            current = 4
    return int(current)


def _to_v2(conn: Connection) -> None:
    """Version 1 (one business, replies sent from memory): a `site` column, wider customer ids, and the
    outbox instead of the claimed-replies table (its rows were only there to stop a second send)."""
    for table in ("inbound", "consent_events"):
        columns = {c["name"] for c in inspect(conn).get_columns(table)}
        if "site" not in columns:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN site VARCHAR(20) NOT NULL DEFAULT ''"))
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"ALTER TABLE {table} ALTER COLUMN wa_id TYPE VARCHAR({ID})"))
    conn.execute(text("DROP TABLE IF EXISTS replies"))


def _to_v4(conn: Connection) -> None:
    """Version 3: the register rows get the message's own words (empty for the rows recorded before)."""
    if "text" not in {c["name"] for c in inspect(conn).get_columns("consent_events")}:
        conn.execute(text("ALTER TABLE consent_events ADD COLUMN text TEXT NOT NULL DEFAULT ''"))


_statements: dict[tuple[str, str, bool], Any] = {}


def insert_ignore(conn: Connection, table: Table, values: dict[str, Any] | list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; the number of rows inserted (RETURNING tells, where rowcount may not).
    The statements are built once per dialect and table: building them per call cost more than the database."""
    many = isinstance(values, list)
    key = (conn.dialect.name, table.name, many)
    statement = _statements.get(key)
    if statement is None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        statement = dialect_insert(table).on_conflict_do_nothing()
        if not many:
            statement = statement.returning(list(table.primary_key.columns)[0])
        _statements[key] = statement
    if many:
        if values:
            conn.execute(statement, values)
        return len(values)
    return 1 if conn.execute(statement, values).first() is not None else 0


def claim_message(conn: Connection, site: str, message_id: str, wa_id: str, at: dt.datetime,
                  now: dt.datetime) -> bool:
    """Whether this is the first time the message is seen (False: a repeated delivery)."""
    return insert_ignore(conn, inbound, {"message_id": message_id, "wa_id": wa_id, "at": at, "received_at": now,
                                         "site": site}) == 1


def add_events(conn: Connection, rows: Iterable[EventRow]) -> None:
    insert_ignore(conn, events, [row.__dict__ for row in rows])


def add_alias(conn: Connection, site: str, a: str, b: str, now: dt.datetime) -> None:
    """Link two ids of one person. The links are kept closed (every id of the person linked to every other), so
    finding a customer's ids later takes one look-up; linking is rare (a number change, a user id first seen)."""
    if not a or not b or a == b:
        return
    ids = list(dict.fromkeys(_closure(conn, site, a) + _closure(conn, site, b)))
    insert_ignore(conn, aliases, [{"site": site, "a": x, "b": y, "at": now} for x in ids for y in ids if x < y])


_ONE_HOP = (select(aliases.c.a, aliases.c.b).where(aliases.c.site == bindparam("site"))
            .where(or_(aliases.c.a.in_(bindparam("ids", expanding=True)),
                       aliases.c.b.in_(bindparam("ids", expanding=True)))))


def _closure(conn: Connection, site: str, wa_id: str) -> list[str]:
    known, frontier = [wa_id], [wa_id]
    while frontier:
        rows = conn.execute(_ONE_HOP, {"site": site, "ids": frontier}).all()
        frontier = list(dict.fromkeys(x for row in rows for x in row if x not in known))
        known += frontier
    return known


# a customer's events under any of their ids, in one query (the hot path of every message)
_linked = (select(aliases.c.b).where(aliases.c.site == bindparam("site")).where(aliases.c.a == bindparam("id"))
           .union(select(aliases.c.a).where(aliases.c.site == bindparam("site"))
                  .where(aliases.c.b == bindparam("id"))))
_STATE = (select(events.c.event, events.c.purposes, events.c.version_status, events.c.lang)
          .where(or_(events.c.wa_id == bindparam("id"), events.c.wa_id.in_(_linked)))
          .where(events.c.site.in_(bindparam("sites", expanding=True))).order_by(events.c.at, events.c.id))


def consent_state(conn: Connection, site: str, wa_id: str) -> ConsentState:
    """The customer's standing after all their events (under any of their ids), in the order they wrote them."""
    rows = conn.execute(_STATE, {"id": wa_id, "site": site, "sites": [site, ""]}).all()
    consented, purposes, lang = False, (), ""
    for event_name, row_purposes, status, row_lang in rows:
        lang = row_lang or lang
        if event_name == "consent" and status != "unknown":
            consented, purposes = True, tuple(p for p in row_purposes.split(";") if p)
        elif event_name == "withdrawal":
            consented, purposes = False, ()
        elif event_name == "marketing_opt_out":
            purposes = tuple(p for p in purposes if p != "marketing")
        elif event_name == "marketing_opt_in" and consented and "marketing" not in purposes:
            purposes = (*purposes, "marketing")
    return ConsentState(consented, purposes, lang)


def add_note(conn: Connection, key: str, site: str, kind: str, wa_id: str, at: dt.datetime, detail: str) -> bool:
    return insert_ignore(conn, notes, {"key": key[:240], "site": site, "kind": kind, "wa_id": wa_id, "at": at,
                                       "detail": detail[:240]}) == 1


def set_site_state(conn: Connection, site: str, **values: Any) -> None:
    insert_ignore(conn, site_state, {"site": site, "token_bad_at": None, "restricted": "", "restricted_until": None})
    conn.execute(update(site_state).where(site_state.c.site == site).values(**values))


def site_states(conn: Connection) -> dict[str, dict[str, Any]]:
    return {row["site"]: dict(row) for row in conn.execute(select(site_state)).mappings()}


# Meta retries failed deliveries with backoff (REFERENCE.md §2, no duration given; checked 2026-12-07): 30 days is
# taken as far beyond any retry. After that the ids of ordinary messages and finished outbox rows serve no purpose
# (the register rows in consent_events are kept: they are the proof), so they are deleted (storage limitation,
# GDPR Art. 5(1)(e)).
KEEP_DAYS = 30
FINAL = ("sent", "failed", "expired")


def prune(engine: Engine, now: dt.datetime, days: int = KEEP_DAYS) -> int:
    """Delete the dedup rows and finished outbox rows older than `days`; returns how many went."""
    cutoff = now - dt.timedelta(days=days)
    with writing(engine) as conn:
        gone = conn.execute(delete(inbound).where(inbound.c.received_at < cutoff)).rowcount or 0
        gone += conn.execute(delete(outbox).where(outbox.c.created_at < cutoff)
                             .where(outbox.c.state.in_(FINAL))).rowcount or 0
    return int(gone)


def all_events(engine: Engine, site: str | None = None) -> list[EventRow]:
    """Every register event (of one business, if `site` is given), oldest first."""
    query = select(events).order_by(events.c.at, events.c.id)
    if site:
        query = query.where(events.c.site.in_((site, "")))
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [EventRow(**{key: value for key, value in row.items() if key != "id"}) for row in rows]


def counts(engine: Engine) -> dict[str, int]:
    """Rows per table and replies per state (for tests and the load benchmark)."""
    with engine.connect() as conn:
        out = {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
               for t in (inbound, events, outbox)}
        for state, n in conn.execute(select(outbox.c.state, func.count()).where(outbox.c.channel == "whatsapp")
                                     .group_by(outbox.c.state)).all():
            out[f"replies_{state}"] = int(n)
    out["replies"] = sum(v for k, v in out.items() if k.startswith("replies_"))
    out.setdefault("replies_sent", 0)
    return out
