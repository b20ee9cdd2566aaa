"""The web service: Meta's webhook (verification and deliveries), /healthz and /metrics, as a Starlette ASGI app.

A delivery is answered 200 only after what it carries is committed (recorder.py); replies and owner e-mails go
out later from the outbox (sender.py, notify.py), so a slow or failing Graph API never slows recording."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import json
import logging
import time
from typing import AsyncIterator, Callable

from sqlalchemy import update
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import request_store, store
from .handoff import WebhookSender
from .media import MediaFetcher
from .metrics import CONTENT_TYPE, Metrics
from .notify import Notifier
from .record import prepare, record
from .recorder import Busy, NotStored, Recorder
from .runtime import Runtime
from .sender import Sender
from .webhook import parse_delivery, signature_ok

log = logging.getLogger("site_builder.bot")

SEND_DRAIN = 10.0  # seconds a stop gives the replies being sent (well within systemd's TimeoutStopSec=60)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def build_app(runtime: Runtime, clock: Callable[[], dt.datetime] = _utcnow) -> Starlette:
    """The ASGI app; its lifespan opens the database, starts the recorder, the sender and the e-mail notifier."""
    d = runtime.deployment
    engine = store.open_engine(d.database)
    metrics = Metrics()
    state: dict[str, object] = {"receiving": 0, "delivery_at": 0.0}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        version = await asyncio.to_thread(store.migrate, engine)
        await asyncio.to_thread(_forget_bad_tokens, engine, list(runtime.sites))
        recorder = Recorder(engine, d.queue_limit, clock)
        sender = Sender(engine, runtime, metrics, clock)
        sender.recording = lambda: int(state["receiving"]) + recorder.waiting  # type: ignore[call-overload]
        sender.last_delivery = lambda: float(state["delivery_at"])  # type: ignore[arg-type]
        notifier = Notifier(engine, runtime, clock)
        recorder.start()
        tasks = [asyncio.create_task(sender.run()), asyncio.create_task(notifier.run()),
                 asyncio.create_task(_prune_daily(engine, clock))]
        helpers: list[MediaFetcher | WebhookSender] = []
        if any(rt.site.model.requests for rt in runtime.sites.values()):  # guided requests: files, hand-offs
            helpers = [MediaFetcher(engine, runtime, clock), WebhookSender(engine, runtime, clock)]
            tasks += [asyncio.create_task(helper.run()) for helper in helpers]
            tasks.append(asyncio.create_task(_prune_requests(engine, clock)))
        metrics.watch(engine, lambda: recorder.waiting, lambda: recorder.health.ok, clock)
        state.update(recorder=recorder, sender=sender)
        log.info("started", extra={"schema": version, "workers": d.workers, "database": engine.dialect.name,
                                   "sites": len(runtime.sites), "owner_email": d.smtp is not None})
        try:
            yield
        finally:
            # uvicorn has stopped taking requests and answered the ones under way
            log.info("stopping", extra={"waiting": recorder.waiting, "sending": len(sender.inflight)})
            notifier.stopping = True
            for helper in helpers:
                helper.stopping = True
            await sender.stop(SEND_DRAIN)
            await recorder.drain()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            engine.dispose()
            log.info("stopped")

    async def verify(request: Request) -> Response:
        params = request.query_params
        token = params.get("hub.verify_token", "")
        if params.get("hub.mode") == "subscribe" and hmac.compare_digest(token.encode(), d.verify_token.encode()):
            return PlainTextResponse(params.get("hub.challenge", ""))
        log.warning("verification_refused")
        return PlainTextResponse("forbidden", status_code=403)

    async def deliver(request: Request) -> Response:
        state["delivery_at"] = time.monotonic()
        body = await request.body()
        header = request.headers.get("x-hub-signature-256")
        signed_by = {secret for secret in runtime.secrets if signature_ok(body, header, secret)}
        if not signed_by:
            metrics.deliveries.labels("signature_refused").inc()
            log.warning("signature_refused")
            return PlainTextResponse("invalid signature", status_code=401)
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            metrics.deliveries.labels("bad_json").inc()
            log.warning("bad_json")
            return PlainTextResponse("invalid JSON", status_code=400)
        delivery = parse_delivery(payload, clock())
        unknown = sorted(n for n in delivery.numbers if n not in runtime.sites)
        if unknown:
            # nothing is stored: Meta keeps retrying, so once the site is added its messages still arrive
            metrics.deliveries.labels("unknown_number").inc()
            log.warning("unknown_number", extra={"phone_number_ids": unknown})
            return PlainTextResponse("unknown phone_number_id", status_code=403)
        if any(runtime.sites[n].settings.app_secret not in signed_by for n in delivery.numbers):
            metrics.deliveries.labels("signature_refused").inc()
            log.warning("signature_refused", extra={"reason": "another app's secret"})
            return PlainTextResponse("invalid signature", status_code=401)
        job = prepare(delivery, dict(runtime.sites), runtime.accounts(delivery, signed_by))
        counts = {"messages": len(job.messages), "statuses": len(job.statuses), "preferences": len(job.preferences),
                  "accounts": len(job.accounts), **delivery.skipped}
        if job.messages or job.statuses or job.preferences or job.accounts:
            recorder: Recorder = state["recorder"]  # type: ignore[assignment]
            state["receiving"] = int(state["receiving"]) + 1  # type: ignore[call-overload]
            try:
                effects = await recorder.submit(lambda conn, now: record(conn, job, now))
            except Busy:
                metrics.deliveries.labels("busy").inc()
                log.warning("busy", extra={"waiting": recorder.waiting})
                return PlainTextResponse("busy, try again", status_code=503, headers={"retry-after": "5"})
            except NotStored as exc:
                metrics.deliveries.labels("not_stored").inc()
                metrics.write_errors.inc()
                log.error("not_stored", extra={"error_type": str(exc)})
                return PlainTextResponse("not stored, try again", status_code=503)
            finally:
                state["receiving"] = int(state["receiving"]) - 1  # type: ignore[call-overload]
            metrics.recorded(effects)
            counts.update(recorded=sum(effects.recorded.values()), duplicates=effects.duplicates,
                          replies=effects.replies, notices=effects.notices)
            if effects.replies:
                state["sender"].wake.set()  # type: ignore[attr-defined]
        metrics.deliveries.labels("stored").inc()
        log.debug("delivery", extra=counts)  # /metrics counts them; a line per delivery only when asked for
        return PlainTextResponse("ok")

    async def healthz(request: Request) -> Response:
        recorder: Recorder | None = state.get("recorder")  # type: ignore[assignment]
        if recorder is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        writes = await asyncio.to_thread(recorder.probe)
        try:
            sites = await asyncio.to_thread(_site_states, engine)
        except Exception:  # noqa: BLE001 (the database is away: the write probe said so already)
            sites = {}
        now = clock()
        token_bad = sorted(s for s, v in sites.items() if v["token_bad_at"] is not None and s in runtime.sites)
        restricted = sorted(s for s, v in sites.items() if v["restricted"] and s in runtime.sites and (
            v["restricted_until"] is None or store.utc(v["restricted_until"]) > now))
        healthy = writes and not token_bad and not restricted
        body = {"status": "ok" if healthy else "unhealthy",
                "database": "ok" if writes else f"write failed ({recorder.health.last_error})",
                "waiting": recorder.waiting, "token_bad": token_bad, "restricted": restricted}
        return JSONResponse(body, status_code=200 if healthy else 503)

    async def metrics_page(request: Request) -> Response:
        return Response(await asyncio.to_thread(metrics.render), media_type=CONTENT_TYPE)

    routes = [Route(d.webhook_path, verify, methods=["GET"]), Route(d.webhook_path, deliver, methods=["POST"]),
              Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics_page, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)


def _site_states(engine: object) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return store.site_states(conn)


def _forget_bad_tokens(engine: object, sites: list[str]) -> None:
    # a start is how a new access token comes in: the next send finds out whether it works
    with store.writing(engine) as conn:  # type: ignore[arg-type]
        conn.execute(update(store.site_state).where(store.site_state.c.site.in_(sites)).values(token_bad_at=None))


async def _prune_requests(engine: object, clock: Callable[[], dt.datetime]) -> None:
    """Guided requests left for a day expire; requests past their keep_days are deleted with their files."""
    while True:
        try:
            gone = await asyncio.to_thread(request_store.prune, engine, clock())  # type: ignore[arg-type]
            if gone:
                log.info("requests_pruned", extra={"rows": gone})
        except Exception:  # noqa: BLE001 (tried again within the hour)
            log.warning("requests_prune_failed", exc_info=True)
        await asyncio.sleep(600)


async def _prune_daily(engine: object, clock: Callable[[], dt.datetime]) -> None:
    while True:
        try:
            gone = await asyncio.to_thread(store.prune, engine, clock())  # type: ignore[arg-type]
            log.info("pruned", extra={"rows": gone})
        except Exception:  # noqa: BLE001 (tried again tomorrow)
            log.warning("prune_failed", exc_info=True)
        await asyncio.sleep(24 * 3600)
