"""What happens to one customer message: recorded once, then answered once (see store.py for how)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import zlib
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.engine import Engine

from ..register import EVENT_CONSENT, EVENT_MARKETING_OPT_IN, EVENT_MARKETING_OPT_OUT, EVENT_WITHDRAWAL, \
    MARKETING_PURPOSE, Recognition
from . import store
from .graph import GraphClient, within_window
from .replies import Replies
from .site import BotSite
from .webhook import Inbound

log = logging.getLogger("site_builder.bot")

RECORD_ATTEMPTS = 4  # a failed transaction is rolled back whole, so trying again cannot double anything
REPLY_OF_EVENT = {EVENT_WITHDRAWAL: "withdrawal_confirmed", EVENT_MARKETING_OPT_OUT: "marketing_stopped"}


def ref(message_id: str) -> str:
    """A short stand-in for a message id in logs: lets lines be matched up without naming anyone."""
    return hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class Outgoing:
    claim: str
    wa_id: str
    kind: str
    lang: str
    extra: dict[str, object]


def event_rows(msg: Inbound, found: Recognition, status: str) -> list[store.EventRow]:
    """The register rows of a recognised message: as `register.classify` makes them from an export."""
    common = dict(message_id=msg.message_id, wa_id=msg.wa_id, profile_name=msg.profile_name, at=msg.at,
                  lang=found.lang)
    if found.event == EVENT_CONSENT:
        rows = [store.EventRow(event=EVENT_CONSENT, consent_id=found.consent_id, source=found.source,
                               purposes=";".join(found.purposes), version_status=status, **common)]
        if MARKETING_PURPOSE in found.purposes:
            rows.append(store.EventRow(event=EVENT_MARKETING_OPT_IN, consent_id=found.consent_id,
                                       source=found.source, purposes=MARKETING_PURPOSE, version_status=status,
                                       **common))
        return rows
    return [store.EventRow(event=found.event, purposes=";".join(found.purposes), **common)]


class Processor:
    """Records and answers customer messages; several processes may share one database."""

    def __init__(self, engine: Engine, site: BotSite, replies: Replies, graph: GraphClient, phone_number_id: str,
                 clock: Callable[[], dt.datetime] | None = None):
        self.engine = engine
        self.site = site
        self.replies = replies
        self.graph = graph
        self.phone_number_id = phone_number_id
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    def decide(self, msg: Inbound) -> list[Outgoing]:
        """Record the message in one transaction and claim the reply it gets (none for a repeated delivery)."""
        now = self.clock()
        recognizer = self.site.recognizer
        found = recognizer.recognize(msg.text) if msg.text else None
        with self.engine.begin() as conn:
            if not store.claim_message(conn, msg.message_id, msg.wa_id, msg.at, now):
                log.info("duplicate", extra={"ref": ref(msg.message_id)})
                return []
            before = store.consent_state(conn, msg.wa_id)
            status = recognizer.version_status(found.consent_id) if found and found.event == EVENT_CONSENT else ""
            if found is not None:
                store.add_events(conn, event_rows(msg, found, status))
            lang = (found.lang if found else "") or before.lang or self.site.default_lang
            if lang not in self.site.languages:
                lang = self.site.default_lang
            kind, claim, extra = self._reply_for(msg, found, status, before, lang, now)
            if kind is None:
                log.info("recorded", extra={"ref": ref(msg.message_id), "event": found.event if found else "chat"})
                return []
            if not within_window(msg.at, now):
                log.info("window_closed", extra={"ref": ref(msg.message_id), "kind": kind})
                return []
            if not store.claim_reply(conn, claim, msg.message_id, msg.wa_id, kind, now):
                log.info("reply_claimed_elsewhere", extra={"ref": ref(msg.message_id), "kind": kind})
                return []
        log.info("recorded", extra={"ref": ref(msg.message_id), "event": found.event if found else "chat",
                                    "kind": kind})
        return [Outgoing(claim, msg.wa_id, kind, lang, extra)]

    def _reply_for(self, msg: Inbound, found: Recognition | None, status: str, before: store.ConsentState,
                   lang: str, now: dt.datetime) -> tuple[str | None, str, dict[str, object]]:
        claim = f"{msg.message_id}:reply"
        if found is not None and found.event == EVENT_CONSENT:
            if status == "unknown":
                return "unknown_version", claim, {"version": found.consent_id}
            return "consent_confirmed", claim, {"version": found.consent_id,
                                                "purposes": self.replies.purposes_text(lang, found.purposes),
                                                "marketing": MARKETING_PURPOSE in found.purposes}
        if found is not None:
            return REPLY_OF_EVENT.get(found.event), claim, {}
        if before.consented:
            # the owner answers ordinary chat; the bot only the questions configured as keywords
            return self.replies.keyword_answer(lang, msg.text) if msg.text else None, claim, {}
        # someone without consent gets the neutral greeting, once a day at most, and nothing else
        return "greeting", f"greeting:{msg.wa_id}:{now.date().isoformat()}", {}

    async def handle(self, msg: Inbound) -> None:
        if self.phone_number_id and msg.phone_number_id and msg.phone_number_id != self.phone_number_id:
            log.info("other_number", extra={"ref": ref(msg.message_id)})
            return
        outgoing: list[Outgoing] | None = None
        for attempt in range(RECORD_ATTEMPTS):
            try:
                outgoing = await asyncio.to_thread(self.decide, msg)
                break
            except Exception:  # noqa: BLE001 (a database blip must not stop the worker: try again, then give up)
                level = logging.ERROR if attempt + 1 == RECORD_ATTEMPTS else logging.WARNING
                log.log(level, "record_failed", exc_info=True, extra={"ref": ref(msg.message_id),
                                                                       "attempts": attempt + 1})
                await asyncio.sleep(0.5 * 2 ** attempt)
        if outgoing is None:
            return
        for reply in outgoing:
            text = self.replies.render(reply.lang, reply.kind, **reply.extra)
            if text is None:
                log.error("reply_unrenderable", extra={"kind": reply.kind})
                continue
            result = await self.graph.send_text(reply.wa_id, text)
            state = "sent" if result.ok else "failed"
            await asyncio.to_thread(store.finish_reply, self.engine, reply.claim, state, result.attempts,
                                    result.message_id)
            log.log(logging.INFO if result.ok else logging.WARNING, "reply_" + state,
                    extra={"ref": ref(msg.message_id), "kind": reply.kind, "status": result.status,
                           "attempts": result.attempts})


class Queues:
    """One queue per worker; a customer's messages always go to the same worker, so they are handled in order."""

    def __init__(self, processor: Processor, workers: int):
        self.processor = processor
        self.queues: list[asyncio.Queue[Inbound]] = [asyncio.Queue() for _ in range(workers)]
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self._run(q)) for q in self.queues]

    def put(self, msg: Inbound) -> None:
        self.queues[zlib.crc32(msg.wa_id.encode("utf-8")) % len(self.queues)].put_nowait(msg)

    @property
    def pending(self) -> int:
        return sum(q.qsize() for q in self.queues)

    async def _run(self, queue: asyncio.Queue[Inbound]) -> None:
        while True:
            msg = await queue.get()
            try:
                await self.processor.handle(msg)
            except Exception:
                log.exception("handle_failed", extra={"ref": ref(msg.message_id)})
            finally:
                queue.task_done()

    async def drain(self) -> None:
        """Finish every queued message, then stop the workers (graceful shutdown)."""
        for queue in self.queues:
            await queue.join()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
