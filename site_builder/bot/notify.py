"""Telling the owner by e-mail: withdrawals, unclear stop-like messages, failed sends, an expired token or a
restricted account at once (queued in the outbox by the transaction that saw it), and a daily digest of new
consents. Texts: bot/<lang>/owner.toml in the site's first language (overridable like every wording file).
SMTP: [bot.smtp]; the login comes from the environment."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Callable
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..placeholders import render_placeholders
from ..problems import Problem
from . import handoff, outbox, store
from .export import chat_name
from .mail import plain_email
from .outbox import OutboxItem
from .record import NOTICE_DAYS
from .settings import Smtp

if TYPE_CHECKING:
    from .runtime import Runtime, SiteRuntime

log = logging.getLogger("site_builder.bot")

def compose(rt: "SiteRuntime", kind: str, values: dict[str, Any], sender: str) -> EmailMessage | None:
    """The e-mail of one notice (None if its text is missing or cannot be filled)."""
    problems: list[Problem] = []
    text = rt.replies.owner_texts(problems).get(kind)
    if not text:
        return None
    zone = ZoneInfo(rt.settings.timezone)
    context = {"business": rt.site.business.get("short_name", ""), "customer": "", "name": "", "at": "",
               "reply": "", "code": "", "event": "", "detail": "", "count": 0, "lines": ""}
    context.update({k: v for k, v in values.items() if v is not None})
    if context["customer"]:
        context["customer"] = chat_name(str(context["customer"]))
    if context["at"]:
        context["at"] = dt.datetime.fromisoformat(str(context["at"])).astimezone(zone).strftime("%d.%m.%Y %H:%M")
    context["name"] = context["name"] or context["customer"]
    context = {k: Markup(v) if isinstance(v, str) else v for k, v in context.items()}  # plain text, not HTML
    subject = render_placeholders(text.get("subject", ""), context, "owner.toml", 1, problems)
    body = render_placeholders(text.get("body", ""), context, "owner.toml", 1, problems)
    if subject is None or body is None:
        return None
    return plain_email(sender, rt.owner_email, subject, body.strip() + "\n")


def deliver(smtp: Smtp, message: EmailMessage, timeout: float = 20.0) -> None:
    """Hand one e-mail to the SMTP server (raises on any failure: the outbox retries)."""
    context = ssl.create_default_context()
    if smtp.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=context)
        if smtp.user:
            client.login(smtp.user, smtp.password)
        client.send_message(message)


def digest_values(engine: Engine, site: str, since: dt.datetime, until: dt.datetime, zone: ZoneInfo,
                  labels: Callable[[tuple[str, ...]], str]) -> dict[str, Any]:
    e = store.events
    with engine.connect() as conn:
        rows = conn.execute(select(e.c.wa_id, e.c.profile_name, e.c.at, e.c.purposes).where(e.c.event == "consent")
                            .where(e.c.site.in_((site, ""))).where(e.c.version_status != "unknown")
                            .where(e.c.at >= since).where(e.c.at < until).order_by(e.c.at)).all()
    lines = [f"- {store.utc(at).astimezone(zone):%d.%m. %H:%M} {name or chat_name(who)} ({chat_name(who)}): "
             f"{labels(tuple(p for p in purposes.split(';') if p))}" for who, name, at, purposes in rows]
    return {"count": len(rows), "lines": "\n".join(lines)}


class Notifier:
    """Sends the e-mail items of the outbox, and queues each site's daily digest."""

    def __init__(self, engine: Engine, runtime: "Runtime", clock: Callable[[], dt.datetime]):
        self.engine, self.runtime, self.clock = engine, runtime, clock
        self.smtp = runtime.deployment.smtp
        self.stopping = False
        self.lease = dt.timedelta(minutes=2)
        self.queued: dict[str, str] = {}  # site -> the local date whose digest is queued (saves a write a second)

    async def run(self) -> None:
        if self.smtp is None:
            return
        while not self.stopping:
            try:
                await asyncio.to_thread(self._queue_digests)
                items = await asyncio.to_thread(outbox.take, self.engine, "email", self.clock(), 8, self.lease,
                                                dt.timedelta(0))
            except Exception:  # noqa: BLE001 (the database is away; the recorder reports it)
                items = []
            for item in items:
                await self._send(item)
            if not items:
                await asyncio.sleep(1.0)

    def _queue_digests(self) -> None:
        now = self.clock()
        for rt in self.runtime.sites.values():
            if not rt.notices:
                continue
            local = now.astimezone(ZoneInfo(rt.settings.timezone))
            if local.hour < self.runtime.deployment.digest_hour or self.queued.get(rt.settings.phone_number_id) == \
                    local.date().isoformat():
                continue
            self.queued[rt.settings.phone_number_id] = local.date().isoformat()
            with store.writing(self.engine) as conn:
                outbox.enqueue(conn, f"notice:{rt.settings.phone_number_id}:digest:{local.date().isoformat()}",
                               "email", rt.settings.phone_number_id, "digest", "digest", now, now + NOTICE_DAYS,
                               rt.site.default_lang, {"until": now.isoformat()})

    async def _send(self, item: OutboxItem) -> None:
        assert self.smtp is not None
        rt = self.runtime.sites.get(item.site)
        if rt is not None and item.kind == "request":
            await self._handoff(rt, item)
            return
        values = dict(item.payload)
        if rt is not None and item.kind == "digest":
            until = dt.datetime.fromisoformat(values["until"])
            lang = rt.site.default_lang

            def labels(ids: tuple[str, ...]) -> str:
                return rt.replies.purposes_text(lang, ids)  # type: ignore[union-attr]
            values.update(digest_values(self.engine, item.site, until - dt.timedelta(days=1), until,
                                        ZoneInfo(rt.settings.timezone), labels))
            if not values["count"]:  # nothing new: no e-mail
                await asyncio.to_thread(outbox.finish, self.engine, item.id, "sent")
                return
        if rt is not None and item.kind == "request_failing":
            message: EmailMessage | None = handoff.failing_email(rt, item.payload, self.smtp.sender)
        else:
            message = compose(rt, item.kind, values, self.smtp.sender) if rt is not None else None
        if message is None:
            await asyncio.to_thread(outbox.finish, self.engine, item.id, "failed")
            log.error("owner_notice_unrenderable", extra={"kind": item.kind})
            return
        try:
            await asyncio.to_thread(deliver, self.smtp, message)
        except (OSError, smtplib.SMTPException) as exc:
            later = self.clock() + outbox.backoff(item.attempts, base=30.0, cap=3600.0)
            state = "pending" if later < item.deadline else "failed"
            await asyncio.to_thread(outbox.finish, self.engine, item.id, state, next_at=later)
            log.warning("owner_notice_retry" if state == "pending" else "owner_notice_failed",
                        extra={"kind": item.kind, "error_type": type(exc).__name__, "attempts": item.attempts})
            return
        await asyncio.to_thread(outbox.finish, self.engine, item.id, "sent")
        log.info("owner_notified", extra={"kind": item.kind})

    async def _handoff(self, rt: "SiteRuntime", item: OutboxItem) -> None:
        """A submitted request by e-mail, with its files attached, once every file is fetched."""
        assert self.smtp is not None
        if await asyncio.to_thread(handoff.files_pending, self.engine, item):
            await asyncio.to_thread(outbox.finish, self.engine, item.id, "pending",
                                    next_at=self.clock() + dt.timedelta(seconds=2),
                                    attempts=store.outbox.c.attempts - 1)
            return
        message = await asyncio.to_thread(handoff.request_email, self.engine, rt, int(item.payload["request_id"]),
                                          self.smtp.sender)
        if message is None:
            await asyncio.to_thread(outbox.finish, self.engine, item.id, "failed")
            return
        try:
            await asyncio.to_thread(deliver, self.smtp, message)
        except (OSError, smtplib.SMTPException) as exc:
            await asyncio.to_thread(handoff.failed_attempt, self.engine, rt, item, self.clock(), type(exc).__name__)
            return
        await asyncio.to_thread(handoff.delivered, self.engine, rt, item, self.clock())
        log.info("handoff_sent", extra={"channel": "email"})
