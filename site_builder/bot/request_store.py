"""The guided requests in the database (tables `guided_requests` and `request_files` in store.py): a customer's
running request, its answers and files, read and changed inside the transaction that records a message, so that a
restart in the middle of a request loses nothing and two processes never run one request twice.

A request runs for a day after the customer's last answer (`EXPIRES`); then it expires and is deleted with its
answers and files, as a cancelled one is at once. A submitted request is kept for the site's keep_days after
every hand-off succeeded, then deleted too (storage limitation, GDPR Art. 5(1)(e))."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from . import store
from .store import guided_requests as requests_table, request_files

EXPIRES = dt.timedelta(days=1)


@dataclass(frozen=True)
class RequestRow:
    """One request as stored."""

    id: int
    public_id: str
    site: str
    wa_id: str
    profile_name: str
    name: str
    lang: str
    mode: str
    state: str
    step: str
    answers: Mapping[str, str]
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None

    @staticmethod
    def of(row: Mapping[str, Any]) -> "RequestRow":
        return RequestRow(row["id"], row["public_id"], row["site"], row["wa_id"], row["profile_name"], row["name"],
                          row["lang"], row["mode"], row["state"], row["step"], json.loads(row["answers"] or "{}"),
                          store.utc(row["created_at"]), store.utc(row["updated_at"]),
                          store.utc(row["submitted_at"]) if row["submitted_at"] else None)


@dataclass(frozen=True)
class FileRow:
    id: int
    request_id: int
    step: str
    media_id: str
    mime_type: str
    sha256: str
    filename: str
    state: str
    size: int


def _file(row: Mapping[str, Any]) -> FileRow:
    return FileRow(row["id"], row["request_id"], row["step"], row["media_id"], row["mime_type"], row["sha256"],
                   row["filename"], row["state"], int(row["size"] or 0))


def active(conn: Connection, site: str, wa_id: str, now: dt.datetime) -> RequestRow | None:
    """The customer's running request (one expired meanwhile is ended here, its data deleted)."""
    query = select(requests_table).where(requests_table.c.active_key == f"{site}:{wa_id}")
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()  # two processes recording two answers of one customer: one after the other
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    if store.utc(row["expires_at"]) <= now:
        end(conn, row["id"], "expired", now)
        return None
    return RequestRow.of(row)


def by_public_id(conn: Connection, site: str, public_id: str) -> RequestRow | None:
    row = conn.execute(select(requests_table).where(requests_table.c.site == site)
                       .where(requests_table.c.public_id == public_id)).mappings().first()
    return RequestRow.of(row) if row else None


def by_id(engine_or_conn: Engine | Connection, request_id: int) -> RequestRow | None:
    query = select(requests_table).where(requests_table.c.id == request_id)
    if isinstance(engine_or_conn, Connection):
        row = engine_or_conn.execute(query).mappings().first()
    else:
        with engine_or_conn.connect() as conn:
            row = conn.execute(query).mappings().first()
    return RequestRow.of(row) if row else None


def start(conn: Connection, site: str, wa_id: str, profile_name: str, name: str, lang: str, mode: str, step: str,
          now: dt.datetime) -> RequestRow | None:
    """A new running request; None if the customer has one already (the unique active_key says so)."""
    public_id = secrets.token_hex(5).upper()
    inserted = store.insert_ignore(conn, requests_table, {
        "public_id": public_id, "site": site, "wa_id": wa_id, "profile_name": profile_name[:200], "name": name,
        "lang": lang, "mode": mode, "state": "active", "step": step, "answers": "{}",
        "active_key": f"{site}:{wa_id}", "created_at": now, "updated_at": now, "expires_at": now + EXPIRES,
        "submitted_at": None, "delete_at": None})
    return by_public_id(conn, site, public_id) if inserted else None


def save(conn: Connection, request_id: int, now: dt.datetime, *, step: str | None = None,
         answers: Mapping[str, str] | None = None, mode: str | None = None) -> None:
    values: dict[str, Any] = {"updated_at": now, "expires_at": now + EXPIRES}
    if step is not None:
        values["step"] = step
    if answers is not None:
        values["answers"] = json.dumps(dict(answers), ensure_ascii=False, sort_keys=True)
    if mode is not None:
        values["mode"] = mode
    conn.execute(update(requests_table).where(requests_table.c.id == request_id).values(**values))


def submit(conn: Connection, request_id: int, now: dt.datetime) -> None:
    conn.execute(update(requests_table).where(requests_table.c.id == request_id).values(
        state="submitted", step="", active_key=None, submitted_at=now, updated_at=now))


def end(conn: Connection, request_id: int, state: str, now: dt.datetime) -> None:
    """Cancelled or expired (`state`, for the log): the request, its answers and files are deleted at once."""
    conn.execute(delete(request_files).where(request_files.c.request_id == request_id))
    conn.execute(delete(requests_table).where(requests_table.c.id == request_id))


def add_file(conn: Connection, request_id: int, step: str, media: Any, now: dt.datetime,
             state: str = "pending") -> int | None:
    """A file the customer sent (its download is queued by the caller); None if it came before (a repeat)."""
    inserted = store.insert_ignore(conn, request_files, {
        "request_id": request_id, "step": step, "media_id": media.media_id, "mime_type": media.mime_type,
        "sha256": media.sha256, "filename": media.filename, "state": state, "size": 0, "data": None,
        "created_at": now})
    if not inserted:
        return None
    return conn.execute(select(request_files.c.id).where(request_files.c.request_id == request_id)
                        .where(request_files.c.media_id == media.media_id)).scalar()


def files(conn: Connection, request_id: int, step: str | None = None) -> list[FileRow]:
    query = select(request_files.c.id, request_files.c.request_id, request_files.c.step, request_files.c.media_id,
                   request_files.c.mime_type, request_files.c.sha256, request_files.c.filename,
                   request_files.c.state, request_files.c.size).where(request_files.c.request_id == request_id)
    if step is not None:
        query = query.where(request_files.c.step == step)
    return [_file(row) for row in conn.execute(query.order_by(request_files.c.id)).mappings()]


def file_data(engine: Engine, request_id: int) -> list[tuple[FileRow, bytes]]:
    """The stored files of a request with their (encrypted) bytes, in the order they came."""
    with engine.connect() as conn:
        rows = conn.execute(select(request_files).where(request_files.c.request_id == request_id)
                            .where(request_files.c.state == "stored").order_by(request_files.c.id)).mappings().all()
    return [(_file(row), bytes(row["data"] or b"")) for row in rows]


def set_file(engine: Engine, file_id: int, state: str, size: int = 0, data: bytes | None = None) -> bool:
    """Record a download's result; False if the file is gone meanwhile (the request was cancelled)."""
    with store.writing(engine) as conn:
        done = conn.execute(update(request_files).where(request_files.c.id == file_id)
                            .values(state=state, size=size, data=data)).rowcount
    return bool(done)


def pending_files(engine: Engine, request_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(request_files)
                                .where(request_files.c.request_id == request_id)
                                .where(request_files.c.state == "pending")).scalar() or 0)


def handed_off(conn: Connection, request_id: int, keep_days: int, now: dt.datetime) -> None:
    """Every hand-off of a submitted request went out: its data is deleted after the site's keep_days."""
    conn.execute(update(requests_table).where(requests_table.c.id == request_id)
                 .values(delete_at=now + dt.timedelta(days=keep_days)))


def prune(engine: Engine, now: dt.datetime) -> int:
    """Expire requests left for a day; delete the answers and files whose time has come. Returns rows changed."""
    with store.writing(engine) as conn:
        stale = conn.execute(select(requests_table.c.id).where(requests_table.c.state == "active")
                             .where(requests_table.c.expires_at <= now)).scalars().all()
        for request_id in stale:
            end(conn, request_id, "expired", now)
        due = conn.execute(select(requests_table.c.id).where(requests_table.c.delete_at.is_not(None))
                           .where(requests_table.c.delete_at <= now)).scalars().all()
        for request_id in due:
            end(conn, request_id, "deleted", now)
    return len(stale) + len(due)


def all_requests(engine: Engine, site: str | None = None) -> list[tuple[RequestRow, list[FileRow]]]:
    """Every submitted request still kept (of one business, if `site` is given), oldest first, with its files."""
    query = select(requests_table).where(requests_table.c.state == "submitted").order_by(requests_table.c.id)
    if site:
        query = query.where(requests_table.c.site == site)
    with engine.connect() as conn:
        rows = [RequestRow.of(row) for row in conn.execute(query).mappings()]
        return [(row, files(conn, row.id)) for row in rows]
