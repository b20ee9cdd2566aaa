"""Sending the replies of the outbox through the Graph API, separate from recording: retried with growing backoff
within the 24-hour window, then by the site's approved template (or not at all, and the owner is told), paced
per number and per customer, judged by Meta's error codes (graph.py).

Pacing (REFERENCE.md §2, checked 2026-12-07 with Meta's throughput docs as quoted by pywa and several providers):
about 80 messages/s per number by default (20 under coexistence: `[bot] messages_per_second`), about one message
per 6 s to the same customer (pair rate, error 131056). The pace is kept per process; with several processes a
131056 or 130429 that still comes back is retried with backoff."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from typing import Any, Callable

from sqlalchemy import update
from sqlalchemy.engine import Engine

from . import outbox, store
from .graph import GraphClient, SendOutcome, message_payload
from .handoff import request_content
from .metrics import Metrics
from .outbox import OutboxItem
from .prompts import offer_message
from .record import NOTICE_DAYS, notify
from .runtime import Runtime, SiteRuntime

log = logging.getLogger("site_builder.bot")

# the replies whose loss the owner must hear of (a greeting or a keyword answer that did not go out is only logged)
TOLD = frozenset({"consent_confirmed", "withdrawal_confirmed", "marketing_stopped", "unknown_version"})
TOKEN_PAUSE = dt.timedelta(minutes=5)  # a site whose token was refused tries again after this


class Pace:
    """At most `rate` sends a second (a token bucket)."""

    def __init__(self, rate: int):
        self.rate, self.tokens, self.at = float(rate), float(rate), time.monotonic()
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self.lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
                self.at = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep((1 - self.tokens) / self.rate)


class Sender:
    """Takes due WhatsApp items from the outbox and sends them, `workers` at a time."""

    def __init__(self, engine: Engine, runtime: Runtime, metrics: Metrics, clock: Callable[[], dt.datetime]):
        self.engine, self.runtime, self.metrics, self.clock = engine, runtime, metrics, clock
        d = runtime.deployment
        self.graph = GraphClient(d.send_timeout)
        self.workers = d.workers
        self.lease = dt.timedelta(seconds=2 * d.send_timeout + 10)
        self.unknown_wait = dt.timedelta(seconds=d.unknown_wait)
        self.pace = {number: Pace(rt.settings.messages_per_second) for number, rt in runtime.sites.items()}
        self.last_to: dict[tuple[str, str], float] = {}
        self.token_bad: dict[str, float] = {}
        self.wake = asyncio.Event()
        self.inflight: dict[int, asyncio.Task[None]] = {}
        self.stopping = False
        self.recording: Callable[[], int] = lambda: 0  # deliveries being recorded right now
        self.last_delivery: Callable[[], float] = lambda: 0.0  # time.monotonic() of the last delivery
        self.last_round = 0.0

    async def _recording_first(self) -> None:
        """Acknowledging deliveries comes first: while deliveries are being recorded (or came in the last 50 ms),
        the sender waits, but at most a second between two rounds, so replies still flow under a long burst."""
        while not self.stopping:
            now = time.monotonic()
            busy = self.recording() > 0 or now - self.last_delivery() < 0.05
            if not busy or now - self.last_round >= 1.0:
                self.last_round = now
                return
            await asyncio.sleep(0.02)

    async def run(self) -> None:
        while not self.stopping:
            await self._recording_first()
            free = self.workers - len(self.inflight)
            items: list[OutboxItem] = []
            if free <= 0:  # every worker busy: go on as soon as one is free
                await asyncio.wait(list(self.inflight.values()), return_when=asyncio.FIRST_COMPLETED)
                continue
            if free > 0:
                try:
                    items = await asyncio.to_thread(outbox.take, self.engine, "whatsapp", self.clock(), free,
                                                    self.lease, self.unknown_wait)
                except Exception:  # noqa: BLE001 (the database is away: the recorder reports it; try again)
                    log.warning("outbox_unavailable", exc_info=True)
            for item in items:
                task = asyncio.create_task(self._send(item))
                self.inflight[item.id] = task
                task.add_done_callback(lambda _t, i=item.id: self.inflight.pop(i, None))
            if not items:
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=0.5)
                except asyncio.TimeoutError:
                    pass

    async def stop(self, timeout: float) -> None:
        """Stop taking items; give the sends under way `timeout` seconds, then mark the rest `unknown`."""
        self.stopping = True
        self.wake.set()
        pending = list(self.inflight.items())
        if pending:
            done, late = await asyncio.wait([t for _, t in pending], timeout=timeout)
            for item_id, task in pending:
                if task in late:
                    task.cancel()
                    await asyncio.to_thread(outbox.finish, self.engine, item_id, "unknown",
                                            next_at=self.clock() + self.unknown_wait,
                                            unknowns=store.outbox.c.unknowns + 1)
        await self.graph.close()

    async def _send(self, item: OutboxItem) -> None:
        try:
            await self._send_one(item)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 (one broken item must not stop the sender: it waits for its lease)
            log.exception("send_crashed", extra={"ref": item.payload.get("ref", "")})

    async def _send_one(self, item: OutboxItem) -> None:
        rt = self.runtime.sites.get(item.site)
        now = self.clock()
        if rt is None:
            await self._finish(item, "failed", last_code=0)
            return
        last = self.last_to.get((item.site, item.target), -1e9)
        wait = rt.settings.pair_gap - (time.monotonic() - last)
        if wait > 0:  # the same customer got (or is getting) a message moments ago: come back later (uncounted)
            await self._finish(item, "pending", next_at=now + dt.timedelta(seconds=wait),
                               attempts=store.outbox.c.attempts - 1)
            return
        if time.monotonic() - self.token_bad.get(item.site, -1e9) < TOKEN_PAUSE.total_seconds():
            await self._finish(item, "pending", next_at=now + TOKEN_PAUSE, attempts=store.outbox.c.attempts - 1)
            return
        # taken before the first await: a second item to the same customer in this round waits its turn, so a
        # guided request's messages arrive in the order they were queued
        self.last_to[(item.site, item.target)] = time.monotonic()
        as_template = bool(item.payload.get("template")) or now >= item.deadline
        payload = await asyncio.to_thread(self._payload, item, rt, as_template)
        if payload is None:
            await self._give_up(item, rt, "expired" if as_template else "failed", 0)
            return
        await self.pace[item.site].wait()
        self.last_to[(item.site, item.target)] = time.monotonic()
        outcome = await self.graph.send(rt.settings.messages_url, rt.settings.access_token, payload)
        self.metrics.sent(outcome)
        await self._judge(item, rt, outcome, as_template)

    def _payload(self, item: OutboxItem, rt: SiteRuntime, as_template: bool) -> dict[str, Any] | None:
        callback = f"outbox:{item.id}"
        if item.kind == "request":  # a guided request's message: never as a template (the customer just wrote)
            content = None if as_template else request_content(self.engine, rt, item)
            if content is None:
                return None
            return message_payload(item.target, content.get("text"), None, callback, content.get("interactive"))
        extra = dict(item.payload)
        purposes = tuple(extra.get("purposes") or ())
        offer = bool(extra.get("offer"))
        extra = {key: value for key, value in extra.items() if key in ("version", "marketing")}
        extra["purposes"] = rt.replies.purposes_text(item.lang, purposes) if purposes else ""
        lang = item.lang if item.lang in rt.site.languages else rt.site.default_lang
        if as_template:
            when = dt.datetime.fromisoformat(str(item.payload.get("customer_at") or self.clock().isoformat()))
            template = rt.replies.template(lang, item.kind, date=when.astimezone(
                dt.timezone.utc).strftime("%d.%m.%Y"), **extra)
            return None if template is None else message_payload(item.target, None, template, callback)
        text = rt.replies.render(lang, item.kind, **extra)
        if text is not None and offer and rt.site.model.requests:
            # the consent confirmation with a button per request: "Angebot anfragen"
            interactive = offer_message(text, list(rt.site.model.requests.requests), lang)["interactive"]
            return message_payload(item.target, None, None, callback, interactive)
        return None if text is None else message_payload(item.target, text, None, callback)

    async def _judge(self, item: OutboxItem, rt: SiteRuntime, outcome: SendOutcome, as_template: bool) -> None:
        now = self.clock()
        extra = {"ref": item.payload.get("ref", ""), "kind": item.kind, "status": outcome.status,
                 "code": outcome.code, "attempts": item.attempts}
        if outcome.result == "sent":
            await self._finish(item, "sent", graph_message_id=outcome.message_id, last_code=0)
            if self.token_bad.pop(item.site, None) is not None:  # the token works again
                await asyncio.to_thread(self._token_good, item.site)
            log.debug("reply_sent", extra=extra)
        elif outcome.result == "unknown":
            if item.unknowns >= 1:  # sent once more after a first unknown, and again no answer: give up
                await self._give_up(item, rt, "failed", 0)
            else:
                await self._finish(item, "unknown", next_at=now + self.unknown_wait, unknowns=item.unknowns + 1)
            log.warning("reply_outcome_unknown", extra=extra)
        elif outcome.result == "token":
            self.token_bad[item.site] = time.monotonic()
            await self._finish(item, "pending", next_at=now + TOKEN_PAUSE, last_code=outcome.code)
            await asyncio.to_thread(self._token_bad, rt, now)
            log.error("access_token_refused", extra=extra)
        elif outcome.result == "retry":
            later = now + max(outbox.backoff(item.attempts), dt.timedelta(seconds=outcome.retry_after))
            if later >= item.deadline and not as_template:
                await self._window_closed(item, rt, outcome.code)
            elif later >= item.deadline:
                await self._give_up(item, rt, "expired", outcome.code)
            else:
                await self._finish(item, "pending", next_at=later, last_code=outcome.code)
            log.warning("reply_retry", extra=extra)
        elif outcome.result == "window" and not as_template:
            await self._window_closed(item, rt, outcome.code)
            log.info("reply_window_closed", extra=extra)
        else:
            await self._give_up(item, rt, "failed", outcome.code)
            log.warning("reply_failed", extra=extra)

    async def _window_closed(self, item: OutboxItem, rt: SiteRuntime, code: int) -> None:
        """Past the 24-hour window: the template, if the site has one for this reply; else tell the owner."""
        if item.kind in rt.settings.templates:
            payload = json.dumps({**item.payload, "template": True}, sort_keys=True)
            now = self.clock()
            await self._finish(item, "pending", next_at=now, payload=payload, deadline=now + NOTICE_DAYS,
                               last_code=code)
        else:
            await self._give_up(item, rt, "expired", code)

    async def _give_up(self, item: OutboxItem, rt: SiteRuntime, state: str, code: int) -> None:
        def work() -> None:
            now = self.clock()
            with store.writing(self.engine) as conn:
                conn.execute(update(store.outbox).where(store.outbox.c.id == item.id)
                             .values(state=state, last_code=code, lease_until=None))
                if item.kind in TOLD:
                    notify(conn, rt, "failed_send" if state == "failed" else "unconfirmed", f"{state}:{item.id}", now,
                           customer=item.target, reply=item.kind, code=code)
        await asyncio.to_thread(work)

    def _token_bad(self, rt: SiteRuntime, now: dt.datetime) -> None:
        with store.writing(self.engine) as conn:
            store.set_site_state(conn, rt.settings.phone_number_id, token_bad_at=now)
            notify(conn, rt, "token", f"token:{now.date().isoformat()}", now)

    def _token_good(self, site: str) -> None:
        with store.writing(self.engine) as conn:
            store.set_site_state(conn, site, token_bad_at=None)

    async def _finish(self, item: OutboxItem, state: str, **values: Any) -> None:
        await asyncio.to_thread(outbox.finish, self.engine, item.id, state, **values)
