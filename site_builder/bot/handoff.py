"""Handing a submitted request to the owner's systems, each way an outbox channel of its own (durable, retried with
growing backoff for three days, the owner told by e-mail when one keeps failing):

- `email`: a readable summary with the photos and documents attached, and for an appointment request an .ics
  proposal (RFC 5545, made with `icalendar`) the owner opens in any calendar; sent by notify.Notifier.
- `webhook`: the request as JSON, POSTed to [bot.requests] webhook_url, signed like Stripe's and GitHub's
  webhooks: `X-Site-Builder-Signature: sha256=<HMAC-SHA256(secret, "<timestamp>.<body>")>` with
  `X-Site-Builder-Timestamp` (Unix seconds): the receiver recomputes it and refuses a timestamp older than five
  minutes (a replay). `Idempotency-Key` is the request's id, so a retried delivery is recognised.

A hand-off waits while a file of the request is still being fetched (media.py). Once every hand-off went out, the
request is kept for the site's keep_days, then deleted (request_store.prune)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Callable, Mapping
from zoneinfo import ZoneInfo

import httpx
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..guided import RequestDef
from ..guided.answers import shown
from . import outbox, request_store, store
from .export import chat_name
from .filecrypt import decrypt
from .mail import plain_email
from .outbox import OutboxItem
from .prompts import answer_lines, change_message, flow_message, step_message, summary_message, words_text

if TYPE_CHECKING:
    from .runtime import Runtime, SiteRuntime

log = logging.getLogger("site_builder.bot")

FAILING_AFTER = 5  # attempts after which the owner hears that a hand-off keeps failing
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
SIGNATURE, TIMESTAMP = "X-Site-Builder-Signature", "X-Site-Builder-Timestamp"


# --- the customer's messages -----------------------------------------------------------------------------------

def request_content(engine: Engine, rt: "SiteRuntime", item: OutboxItem) -> dict[str, Any] | None:
    """A guided request's message to the customer, as prompts.py builds it (None: nothing to send any more)."""
    p, requests = item.payload, rt.site.model.requests
    lang = item.lang if item.lang in requests.words else rt.site.default_lang
    words = requests.words[lang]
    values = {**{k: str(v) for k, v in (p.get("values") or {}).items()},
              "landing_url": rt.site.reply_values(lang)["landing_url"]}
    note = words_text(words, p["note"], **values) if p.get("note") else ""
    show = p.get("show")
    if show == "note":
        request = requests.get(str(p.get("done") or ""))
        return {"text": request.done[lang] if request is not None else note} if (request or note) else None
    request = requests.get(str(p.get("rq", "")))
    if request is None:
        return None
    if show == "step" and (step := request.step(str(p.get("step", "")))) is not None:
        intro = request.intro[lang] if p.get("intro") else ""
        return step_message(request, step, p["pid"], lang, words, "\n\n".join(x for x in (intro, note) if x))
    if show == "change":
        return change_message(request, p["pid"], lang, words)
    if show == "flow":
        flow_id = requests.flow_id(request.name, lang)
        return flow_message(request, p["pid"], flow_id, lang) if flow_id else None
    row = request_store.by_id(engine, int(p.get("request_id", 0)))
    if row is None or row.state != "active":
        return None  # cancelled or expired meanwhile
    with engine.connect() as conn:
        counts = _counts(request_store.files(conn, row.id))
    return summary_message(request, row.public_id, row.answers, counts, lang, words, note)


def _counts(files: list[request_store.FileRow]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in files:
        if f.state in ("pending", "stored"):
            out[f.step] = out.get(f.step, 0) + 1
    return out


# --- what the owner gets ---------------------------------------------------------------------------------------

def _files(rt: "SiteRuntime", request_id: int, engine: Engine) -> list[tuple[request_store.FileRow, bytes, str]]:
    """The request's stored files, decrypted, each with the name it is attached under (never the customer's)."""
    out, counts = [], {}
    for row, blob in request_store.file_data(engine, request_id):
        counts[row.step] = counts.get(row.step, 0) + 1
        name = f"{row.step}-{counts[row.step]}.{EXTENSIONS.get(row.mime_type, 'bin')}"
        out.append((row, decrypt(rt.settings.requests_key, blob, request_id, row.id), name))
    return out


def _values(rt: "SiteRuntime", request: RequestDef, row: request_store.RequestRow, lang: str,
            files: list[request_store.FileRow]) -> dict[str, str]:
    zone = ZoneInfo(rt.settings.timezone)
    requests = rt.site.model.requests
    at = (row.submitted_at or row.updated_at).astimezone(zone)
    return {"business": rt.site.business["short_name"], "title": request.title[lang],
            "name": row.profile_name or chat_name(row.wa_id), "customer": chat_name(row.wa_id),
            "at": at.strftime("%d.%m.%Y %H:%M"), "id": row.public_id,
            "answers": answer_lines(request, row.answers, _counts(files), lang, requests.words[lang], 4000),
            "delete_on": (at + dt.timedelta(days=requests.keep_days)).strftime("%d.%m.%Y")}


def _ics(request: RequestDef, row: request_store.RequestRow, values: Mapping[str, str], summary: str) -> bytes | None:
    """An appointment request's proposal: an all-day, tentative event on the day the customer asked for."""
    day = next((row.answers.get(s.id) for s in request.steps if s.type == "date" and row.answers.get(s.id)), None)
    if request.kind != "appointment" or not day:
        return None
    calendar = Calendar()
    calendar.add("prodid", "-//site-builder//guided requests//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    start = dt.date.fromisoformat(day)
    event.add("uid", f"{row.public_id}@site-builder")
    event.add("dtstamp", row.submitted_at or row.updated_at)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", values["answers"])
    event.add("status", "TENTATIVE")
    calendar.add_component(event)
    return calendar.to_ical()


def request_email(engine: Engine, rt: "SiteRuntime", request_id: int, sender: str) -> EmailMessage | None:
    """The e-mail of one submitted request, in the site's first language (None: nothing left to send)."""
    row = request_store.by_id(engine, request_id)
    requests = rt.site.model.requests
    request = requests.get(row.name) if row is not None else None
    if row is None or request is None:
        return None
    lang = rt.site.default_lang
    words = requests.words[lang]
    with engine.connect() as conn:
        listed = request_store.files(conn, request_id)
    attached = _files(rt, request_id, engine)
    values = _values(rt, request, row, lang, listed)
    names = ", ".join(name for _, _, name in attached)
    missing = len([f for f in listed if f.state in ("failed", "refused")])
    values["files"] = (f"{words_text(words, 'photos_count', count=len(attached))}: {names}" if attached else "") + \
        (f"\n({missing} ✗)" if missing else "")
    message = plain_email(sender, requests.email or rt.owner_email, words_text(words, "email_subject", **values),
                          words_text(words, "email_body", **values) + "\n")
    for file, data, name in attached:
        main, _, sub = file.mime_type.partition("/")
        message.add_attachment(data, maintype=main or "application", subtype=sub or "octet-stream", filename=name)
    ics = _ics(request, row, values, words_text(words, "ics_summary", **values))
    if ics is not None:
        message.add_attachment(ics, maintype="text", subtype="calendar", filename=f"{row.public_id}.ics",
                               params={"method": "PUBLISH"})
    return message


def failing_email(rt: "SiteRuntime", payload: Mapping[str, Any], sender: str) -> EmailMessage:
    """The owner's notice that a hand-off keeps failing."""
    requests = rt.site.model.requests
    words = requests.words[rt.site.default_lang]
    values = {k: str(v) for k, v in payload.items()}
    return plain_email(sender, requests.email or rt.owner_email, words_text(words, "failing_subject", **values),
                       words_text(words, "failing_body", **values) + "\n")


def webhook_body(engine: Engine, rt: "SiteRuntime", request_id: int) -> bytes | None:
    """The request as the webhook's JSON (files base64-encoded), or None when it is gone."""
    row = request_store.by_id(engine, request_id)
    request = rt.site.model.requests.get(row.name) if row is not None else None
    if row is None or request is None:
        return None
    lang = row.lang
    answers = {s.id: {"label": s.label[lang], "type": s.type, "value": row.answers.get(s.id, ""),
                      "text": shown(s, row.answers.get(s.id, ""), lang) if row.answers.get(s.id) else ""}
               for s in request.steps if not s.media}
    with engine.connect() as conn:
        listed = request_store.files(conn, request_id)
    files = [{"step": f.step, "filename": name, "mime_type": f.mime_type, "size": len(data),
              "sha256": hashlib.sha256(data).hexdigest(), "content_base64": base64.b64encode(data).decode("ascii")}
             for f, data, name in _files(rt, request_id, engine)]
    body = {"event": "request.submitted", "id": row.public_id, "site": rt.settings.phone_number_id,
            "business": rt.site.business["name"],
            "request": {"name": request.name, "title": request.title[lang], "kind": request.kind},
            "customer": {"wa_id": row.wa_id, "name": row.profile_name, "lang": lang},
            "submitted_at": (row.submitted_at or row.updated_at).isoformat(), "answers": answers, "files": files,
            "files_missing": len([f for f in listed if f.state in ("failed", "refused")])}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                                hashlib.sha256).hexdigest()


# --- the outbox's bookkeeping ----------------------------------------------------------------------------------

def files_pending(engine: Engine, item: OutboxItem) -> bool:
    return request_store.pending_files(engine, int(item.payload["request_id"])) > 0


def delivered(engine: Engine, rt: "SiteRuntime", item: OutboxItem, now: dt.datetime) -> None:
    """A hand-off went out; the last one starts the request's keep_days."""
    request_id = int(item.payload["request_id"])
    with store.writing(engine) as conn:
        conn.execute(store.outbox.update().where(store.outbox.c.id == item.id)
                     .values(state="sent", lease_until=None))
        states = conn.execute(select(store.outbox.c.state).where(
            store.outbox.c.claim.like(f"request:{request_id}:%"))).scalars().all()
        if all(state == "sent" for state in states):
            request_store.handed_off(conn, request_id, rt.site.model.requests.keep_days, now)


def failed_attempt(engine: Engine, rt: "SiteRuntime", item: OutboxItem, now: dt.datetime, error: str) -> None:
    """A hand-off failed once: tried again later; from the FAILING_AFTER-th attempt on the owner is told (once)."""
    later = now + outbox.backoff(item.attempts, base=30.0, cap=3600.0)
    state = "pending" if later < item.deadline else "failed"
    with store.writing(engine) as conn:
        conn.execute(store.outbox.update().where(store.outbox.c.id == item.id)
                     .values(state=state, next_at=later, lease_until=None))
        if item.attempts >= FAILING_AFTER or state == "failed":
            row = request_store.by_id(conn, int(item.payload["request_id"]))
            request = rt.site.model.requests.get(row.name) if row else None
            since = store.utc(conn.execute(select(store.outbox.c.created_at).where(store.outbox.c.id == item.id))
                              .scalar()).astimezone(ZoneInfo(rt.settings.timezone))
            payload = {"id": item.payload.get("pid", ""), "channel": "e-mail" if item.channel == "email" else
                       "webhook", "since": since.strftime("%d.%m.%Y %H:%M"), "attempts": item.attempts,
                       "title": request.title[rt.site.default_lang] if request else ""}
            if rt.settings.deployment.smtp is not None and (rt.site.model.requests.email or rt.owner_email):
                outbox.enqueue(conn, f"notice:{item.site}:failing:{item.id}", "email", item.site, "request_failing",
                               "request_failing", now, now + dt.timedelta(days=3), rt.site.default_lang, payload)
    log.warning("handoff_failed", extra={"channel": item.channel, "attempts": item.attempts, "error_type": error})


class WebhookSender:
    """Takes the `webhook` jobs of the outbox and POSTs each submitted request, signed."""

    def __init__(self, engine: Engine, runtime: "Runtime", clock: Callable[[], dt.datetime]):
        self.engine, self.runtime, self.clock = engine, runtime, clock
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0), follow_redirects=False)
        self.stopping = False

    async def run(self) -> None:
        try:
            while not self.stopping:
                try:
                    items = await asyncio.to_thread(outbox.take, self.engine, "webhook", self.clock(), 4,
                                                    dt.timedelta(minutes=2), dt.timedelta(0))
                except Exception:  # noqa: BLE001 (the database is away; the recorder reports it)
                    items = []
                for item in items:
                    await self._post(item)
                if not items:
                    await asyncio.sleep(0.5)
        finally:
            await self.client.aclose()

    async def _post(self, item: OutboxItem) -> None:
        rt = self.runtime.sites.get(item.site)
        if rt is None:
            await asyncio.to_thread(outbox.finish, self.engine, item.id, "failed")
            return
        if await asyncio.to_thread(files_pending, self.engine, item):  # a photo is still on its way: wait for it
            await asyncio.to_thread(outbox.finish, self.engine, item.id, "pending",
                                    next_at=self.clock() + dt.timedelta(seconds=2),
                                    attempts=store.outbox.c.attempts - 1)
            return
        body = await asyncio.to_thread(webhook_body, self.engine, rt, int(item.payload["request_id"]))
        if body is None:
            await asyncio.to_thread(outbox.finish, self.engine, item.id, "failed")
            return
        timestamp = str(int(time.time()))
        headers = {"content-type": "application/json", TIMESTAMP: timestamp,
                   SIGNATURE: sign(rt.settings.webhook_secret, timestamp, body),
                   "X-Site-Builder-Event": "request.submitted", "Idempotency-Key": str(item.payload.get("pid", ""))}
        try:
            response = await self.client.post(rt.site.model.requests.webhook_url, content=body, headers=headers)
            ok, error = 200 <= response.status_code < 300, f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            ok, error = False, type(exc).__name__
        if ok:
            await asyncio.to_thread(delivered, self.engine, rt, item, self.clock())
            log.info("handoff_sent", extra={"channel": "webhook"})
        else:
            await asyncio.to_thread(failed_attempt, self.engine, rt, item, self.clock(), error)
