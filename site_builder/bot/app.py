"""The web service: Meta's webhook (verification and deliveries) and /healthz, as a Starlette ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import json
import logging
from typing import AsyncIterator

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import store
from .graph import GraphClient
from .replies import Replies
from .settings import BotSettings
from .site import BotSite
from .webhook import customer_messages, signature_ok
from .worker import Processor, Queues

log = logging.getLogger("site_builder.bot")


def build_app(settings: BotSettings, site: BotSite, replies: Replies) -> Starlette:
    """The ASGI app; its lifespan opens the database and the Graph API client and drains the queue on shutdown."""
    engine = store.open_engine(settings.database)
    state: dict[str, object] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        version = await asyncio.to_thread(store.migrate, engine)
        graph = GraphClient(settings.messages_url, settings.access_token, attempts=settings.send_attempts)
        processor = Processor(engine, site, replies, graph, settings.phone_number_id)
        queues = Queues(processor, settings.workers)
        queues.start()
        state["queues"] = queues
        pruning = asyncio.create_task(_prune_daily(engine))
        log.info("started", extra={"schema": version, "workers": settings.workers,
                                   "database": engine.dialect.name})
        try:
            yield
        finally:
            # uvicorn has stopped taking requests: finish what was accepted (Meta got its 200 for it)
            log.info("draining", extra={"pending": queues.pending})
            pruning.cancel()
            await queues.drain()
            await graph.close()
            engine.dispose()
            log.info("stopped")

    async def verify(request: Request) -> Response:
        params = request.query_params
        token = params.get("hub.verify_token", "")
        if params.get("hub.mode") == "subscribe" and hmac.compare_digest(token.encode(), settings.verify_token.encode()):
            return PlainTextResponse(params.get("hub.challenge", ""))
        log.warning("verification_refused")
        return PlainTextResponse("forbidden", status_code=403)

    async def deliver(request: Request) -> Response:
        body = await request.body()
        if not signature_ok(body, request.headers.get("x-hub-signature-256"), settings.app_secret):
            log.warning("signature_refused")
            return PlainTextResponse("invalid signature", status_code=401)
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            log.warning("bad_json")
            return PlainTextResponse("invalid JSON", status_code=400)
        messages, skipped = customer_messages(payload, dt.datetime.now(dt.timezone.utc))
        queues = state["queues"]
        if not isinstance(queues, Queues):  # only before the lifespan started, which uvicorn never allows
            return PlainTextResponse("starting", status_code=503)
        for message in messages:
            queues.put(message)
        log.info("delivery", extra={"messages": len(messages), **skipped})
        return PlainTextResponse("ok")  # at once: Meta retries slow answers; the workers do the rest

    async def healthz(request: Request) -> Response:
        try:
            await asyncio.to_thread(_ping, engine)
        except Exception:
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        queues = state.get("queues")
        return JSONResponse({"status": "ok", "pending": queues.pending if isinstance(queues, Queues) else 0})

    routes = [Route(settings.webhook_path, verify, methods=["GET"]),
              Route(settings.webhook_path, deliver, methods=["POST"]),
              Route("/healthz", healthz, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)


async def _prune_daily(engine: object) -> None:
    while True:
        try:
            gone = await asyncio.to_thread(store.prune, engine, dt.datetime.now(dt.timezone.utc))
            log.info("pruned", extra={"messages": gone})
        except Exception:  # noqa: BLE001 (tried again tomorrow)
            log.warning("prune_failed", exc_info=True)
        await asyncio.sleep(24 * 3600)


def _ping(engine: object) -> None:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text("SELECT 1"))
