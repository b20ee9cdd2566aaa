"""Load run of the consent bot: 2,000 signed webhook deliveries on loopback, then the figures and the loss.

Run: python benchmarks/bot_load.py [--deliveries 2000] [--concurrency 16] [--postgres] [--bots 1]
The bot runs as a real uvicorn process (`python -m site_builder.bot`) against the fake Graph API of the tests;
--postgres uses a private PostgreSQL cluster (Debian's postgresql), --bots N starts N processes on it and spreads
the deliveries over them. Loss is the number of deliveries answered 200 whose message the database does not hold
(0 expected), and of replies claimed but not sent. Not a timed test: figures depend on the machine."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import httpx  # noqa: E402

from bot_support import Msg, delivery, fake_graph, make_site, postgres_cluster, signed, start_bot, \
    wait_until  # noqa: E402
from site_builder.bot import store  # noqa: E402
from site_builder.bot.settings import database_url  # noqa: E402
from site_builder.bot.site import load_site  # noqa: E402


async def _send(urls: list[str], bodies: list[tuple[bytes, dict[str, str]]], concurrency: int) -> list[float]:
    latencies: list[float] = []
    failures = 0
    resent = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(bodies)):
        queue.put_nowait(i)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal failures, resent
        while not queue.empty():
            i = queue.get_nowait()
            body, headers = bodies[i]
            started = time.perf_counter()
            for attempt in range(3):
                try:
                    response = await client.post(urls[i % len(urls)], content=body, headers=headers)
                    break
                except httpx.TransportError:
                    # a keep-alive connection closed under the request: Meta sends such a delivery again
                    resent += 1
            else:
                failures += 1
                continue
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    if failures or resent:
        print(f"  {failures} deliveries were not answered 200; {resent} sent again after a connection error")
    return latencies


def run(deliveries: int, concurrency: int, postgres: bool, bots: int) -> int:
    with contextlib.ExitStack() as stack:
        graph = stack.enter_context(fake_graph())
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bot-load-")))
        db = stack.enter_context(postgres_cluster()).new_database() if postgres else None
        config = make_site(folder / "site", graph, db)
        site, _ = load_site(config)
        assert site is not None
        consent = (f"Hallo Schreinerei Muster, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge. "
                   f"(Einwilligung {site.languages['de'].consent_id}/p)")
        texts = [consent, "Hallo, haben Sie Samstag offen?", "STOP", "Danke!"]
        msgs = [Msg(f"4915{i:09d}", f"Kunde {i}", texts[i % len(texts)]).with_id() for i in range(deliveries)]
        bodies = [signed(delivery(m)) for m in msgs]
        started_bots = [start_bot(config) for _ in range(bots)]
        for bot in started_bots:
            stack.callback(bot.stop)
        engine = store.open_engine(database_url(db or "consent-register.sqlite3", config.parent))
        stack.callback(engine.dispose)
        urls = [bot.url + "/whatsapp/webhook" for bot in started_bots]

        t0 = time.perf_counter()
        latencies = asyncio.run(_send(urls, bodies, concurrency))
        accepted = time.perf_counter() - t0

        def settled() -> dict[str, int] | None:
            c = store.counts(engine)
            return c if c["inbound"] >= deliveries and c["replies_sent"] >= c["replies"] else None

        with contextlib.suppress(TimeoutError):
            wait_until(settled, timeout=600, step=0.2)
        done = time.perf_counter() - t0
        c = store.counts(engine)
        lat = sorted(latencies)
        backend = f"PostgreSQL, {bots} bot process(es)" if postgres else "SQLite, 1 bot process"
        print(f"consent bot load run: {deliveries} signed deliveries, {concurrency} at a time, {backend}")
        print(f"  accepted (200) in {accepted:.2f} s: {deliveries / accepted:.0f} deliveries/s; latency "
              f"p50 {statistics.median(lat) * 1000:.1f} ms, p99 {lat[int(len(lat) * 0.99) - 1] * 1000:.1f} ms, "
              f"max {lat[-1] * 1000:.1f} ms")
        print(f"  recorded and answered after {done:.2f} s: {c['inbound'] / done:.0f} messages/s")
        print(f"  database: {c['inbound']} messages, {c['consent_events']} register rows, {c['replies']} replies "
              f"claimed, {c['replies_sent']} sent; Graph API got {len(graph.requests)} requests")
        lost = deliveries - c["inbound"]
        unsent = c["replies"] - c["replies_sent"]
        print(f"  loss: {lost} messages, {unsent} replies (0 expected)")
        return 0 if lost == 0 and unsent == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--bots", type=int, default=1)
    args = parser.parse_args()
    return run(args.deliveries, args.concurrency, args.postgres, args.bots if args.postgres else 1)


if __name__ == "__main__":
    sys.exit(main())
