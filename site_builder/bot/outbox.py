"""The outbox: what must go out later (a reply, an owner's e-mail), queued in the same transaction as what caused
it, taken by one sender at a time (a lease), retried with growing backoff until its deadline, kept across
restarts. A channel (whatsapp, email, and later others) is a sender that claims its own rows.

A row whose send was started but whose outcome is unknown (the answer timed out, or the process died while it
was `sending`) is never sent again at once: it waits as `unknown` for a status webhook to settle it (WhatsApp
echoes our outbox id as biz_opaque_callback_data), and only when none came within `unknown_wait` is it sent once
more; a second unknown gives up and tells the owner."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection, Engine

from . import store
from .store import outbox



@dataclass(frozen=True)
class OutboxItem:
    id: int
    claim: str
    channel: str
    site: str
    target: str
    kind: str
    lang: str
    payload: Mapping[str, Any]
    attempts: int
    unknowns: int
    created_at: dt.datetime
    deadline: dt.datetime


def enqueue(conn: Connection, claim: str, channel: str, site: str, target: str, kind: str, now: dt.datetime,
            deadline: dt.datetime, lang: str = "", payload: Mapping[str, Any] | None = None) -> bool:
    """Queue one item, once per claim; False if the claim was taken before (a repeated cause)."""
    return store.insert_ignore(conn, outbox, {
        "claim": claim[:240], "channel": channel, "site": site, "target": target, "kind": kind, "lang": lang,
        "payload": json.dumps(dict(payload or {}), sort_keys=True), "state": "pending", "attempts": 0,
        "unknowns": 0, "last_code": 0, "created_at": now, "next_at": now, "deadline": deadline,
        "lease_until": None, "graph_message_id": "", "delivery": ""}) == 1


def take(engine: Engine, channel: str, now: dt.datetime, limit: int, lease: dt.timedelta,
         unknown_wait: dt.timedelta) -> list[OutboxItem]:
    """Lease up to `limit` due items of a channel to this process (other processes skip them)."""
    with store.writing(engine) as conn:
        _settle_abandoned(conn, channel, now, unknown_wait)
        query = (select(outbox).where(outbox.c.channel == channel)
                 .where(or_(and_(outbox.c.state == "pending", outbox.c.next_at <= now),
                            and_(outbox.c.state == "unknown", outbox.c.next_at <= now)))
                 .order_by(outbox.c.next_at, outbox.c.id).limit(limit))
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = conn.execute(query).mappings().all()
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        conn.execute(update(outbox).where(outbox.c.id.in_(ids)).values(
            state="sending", lease_until=now + lease, attempts=outbox.c.attempts + 1))
    return [OutboxItem(row["id"], row["claim"], row["channel"], row["site"], row["target"], row["kind"], row["lang"],
                 json.loads(row["payload"] or "{}"), int(row["attempts"]) + 1, int(row["unknowns"]),
                 store.utc(row["created_at"]),
                 store.utc(row["deadline"])) for row in rows]


def _settle_abandoned(conn: Connection, channel: str, now: dt.datetime, unknown_wait: dt.timedelta) -> None:
    # a lease ran out: its process died (or hung) while sending, so the send may or may not have happened: wait
    # for a status webhook as for a timed-out answer
    conn.execute(update(outbox).where(outbox.c.channel == channel).where(outbox.c.state == "sending")
                 .where(outbox.c.lease_until < now).values(state="unknown", next_at=now + unknown_wait,
                                                           unknowns=outbox.c.unknowns + 1, lease_until=None))


def finish(engine: Engine, item_id: int, state: str, **values: Any) -> None:
    """Record what became of a send: sent, failed, expired, unknown (with `next_at`) or pending again."""
    with store.writing(engine) as conn:
        conn.execute(update(outbox).where(outbox.c.id == item_id).where(outbox.c.state == "sending")
                     .values(state=state, lease_until=None, **values))


def backoff(attempts: int, base: float = 2.0, cap: float = 900.0) -> dt.timedelta:
    """Growing waits (2 s, 4 s, 8 s ... up to 15 min) with jitter, so several processes do not retry in step."""
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)) * (0.75 + random.random() / 2))


def settle_by_status(conn: Connection, site: str, graph_message_id: str, callback: str, status: str,
                     error_code: int) -> dict[str, Any] | None:
    """Apply a status webhook to the reply it is about; returns the row as it was (None: not ours)."""
    query = select(outbox).where(outbox.c.site == site)
    if callback.startswith("outbox:") and callback[7:].isdigit():
        query = query.where(outbox.c.id == int(callback[7:]))
    elif graph_message_id:
        query = query.where(outbox.c.graph_message_id == graph_message_id)
    else:
        return None
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    values: dict[str, Any] = {}
    if graph_message_id and not row["graph_message_id"]:
        values["graph_message_id"] = graph_message_id
    if status == "failed":
        values.update(state="failed", last_code=error_code, lease_until=None)
    elif status in ("sent", "delivered", "read"):
        if row["state"] in ("unknown", "sending", "pending"):
            values.update(state="sent", lease_until=None)  # Meta took it: never send it again
        if status != "sent":
            values["delivery"] = status
    if values:
        conn.execute(update(outbox).where(outbox.c.id == row["id"]).values(**values))
    return dict(row)


def oldest_pending_age(engine: Engine, now: dt.datetime) -> float:
    with engine.connect() as conn:
        oldest = conn.execute(select(outbox.c.created_at).where(outbox.c.state.in_(("pending", "sending", "unknown")))
                              .order_by(outbox.c.created_at).limit(1)).scalar()
    return (now - store.utc(oldest)).total_seconds() if oldest is not None else 0.0
