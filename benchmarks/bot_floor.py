"""The floor the consent bot is measured against: a minimal Starlette app that checks the same signature, commits
one row per delivery with the same durability (the bot's engine: SQLite WAL + synchronous=NORMAL and one writer
per process, or PostgreSQL), and answers 200. Nothing else: no recognising, no register, no replies.

Run: python benchmarks/bot_floor.py --db URL --port N [--secret S]   (benchmarks/bot_load.py starts it)"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402
from sqlalchemy import Column, MetaData, String, Table  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import PlainTextResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from site_builder.bot import store  # noqa: E402
from site_builder.bot.webhook import signature_ok  # noqa: E402

metadata = MetaData()
floor = Table("floor_deliveries", metadata, Column("message_id", String(200), primary_key=True))


def app(db: str, secret: str) -> Starlette:
    engine = store.open_engine(db)
    metadata.create_all(engine)

    def commit(message_id: str) -> None:
        with store.writing(engine) as conn:
            store.insert_ignore(conn, floor, {"message_id": message_id})

    async def deliver(request: Request) -> Response:
        body = await request.body()
        if not signature_ok(body, request.headers.get("x-hub-signature-256"), secret):
            return PlainTextResponse("invalid signature", status_code=401)
        payload = json.loads(body)
        message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
        try:
            await asyncio.to_thread(commit, message_id)
        except Exception:  # noqa: BLE001 (as the bot: not stored, Meta tries again)
            return PlainTextResponse("not stored", status_code=503)
        return PlainTextResponse("ok")

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/whatsapp/webhook", deliver, methods=["POST"]),
                             Route("/healthz", healthz, methods=["GET"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", default="test-app-secret")
    args = parser.parse_args()
    uvicorn.run(app(args.db, args.secret), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
