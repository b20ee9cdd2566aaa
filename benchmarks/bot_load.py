"""Load and fault runs of the consent bot, side by side with a floor (benchmarks/bot_floor.py: a minimal Starlette
app with the same signature check and the same durability, one committed row per delivery).

Run: python benchmarks/bot_load.py [--deliveries 1500] [--concurrency 1,10,50] [--backends sqlite,pg,pg2]
                                   [--kill] [--readonly] [--no-load]
- load: for each backend (SQLite with one process; PostgreSQL with one and with two processes) and each number of
  concurrent senders, the same signed consent deliveries go to the floor and to the bot (real uvicorn processes,
  the fake Graph API of the tests): deliveries acknowledged per second, p50/p99 time to acknowledge, the ratio to
  the floor (targets: rate >= 0.5 of the floor, p99 <= 3x), and loss (acknowledged but not stored: 0 expected).
- --kill: 1,000 consents at 50 senders while the bot is SIGKILLed 5 times (restarted at once); deliveries without
  a 200 are sent again, as Meta does. Loss = acknowledged but missing from the register; replies = customers with
  no confirmation, and with more than one.
- --readonly: 1,000 consents at 10 senders while the database refuses writes for 10 s (PostgreSQL:
  default_transaction_read_only; SQLite: another process holds an exclusive lock). Loss as above.
Figures depend on the machine; nothing here is a test."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import httpx  # noqa: E402

from bot_support import (SECRET, WEBHOOK, Msg, delivery, fake_graph, free_port, make_site,  # noqa: E402
                         postgres_cluster, signed, start_bot, wait_until)
from site_builder.bot import store  # noqa: E402
from site_builder.bot.load import load_bot_site  # noqa: E402
from site_builder.bot.settings import database_url  # noqa: E402

_run = iter(range(1, 1_000_000))


def consents(config: Path, n: int) -> list[Msg]:
    site, _ = load_bot_site(config)
    assert site is not None
    text = (f"Hallo Schreinerei Muster, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge. "
            f"(Einwilligung {site.languages['de'].consent_id}/p)")
    run = next(_run)
    return [Msg(f"49{run:03d}{i:08d}", f"Kunde {i}", text, id=f"wamid.load.{os.getpid()}.{run}.{i}")
            for i in range(n)]


async def fire(urls: list[str], bodies: list[tuple[bytes, dict[str, str]]], concurrency: int,
               retry: bool = False, progress: list[int] | None = None) -> tuple[list[int], list[float], float]:
    """Post every body, `concurrency` at a time (round-robin over `urls`); with `retry`, a delivery without 200 is
    sent again after a short wait, as Meta does. Returns the last status of each, the latencies of the 200s and the
    wall time."""
    codes = [0] * len(bodies)
    latencies: list[float] = []
    todo = list(range(len(bodies)))[::-1]

    async def worker(client: httpx.AsyncClient, n: int) -> None:
        turn = n
        while todo:
            i = todo.pop()
            body, headers = bodies[i]
            while True:
                turn += 1
                started = time.perf_counter()
                try:
                    codes[i] = (await client.post(urls[turn % len(urls)], content=body, headers=headers)).status_code
                except httpx.HTTPError:
                    codes[i] = 0
                if codes[i] == 200:
                    latencies.append(time.perf_counter() - started)
                    if progress is not None:
                        progress[0] += 1
                    break
                if not retry:
                    break
                await asyncio.sleep(0.2)

    t0 = time.perf_counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(worker(client, n) for n in range(concurrency)))
    return codes, latencies, time.perf_counter() - t0


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else float("nan")


@contextlib.contextmanager
def floor_processes(db: str, count: int) -> Iterator[list[str]]:
    procs, urls = [], []
    for _ in range(count):
        port = free_port()
        procs.append(subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "bot_floor.py"), "--db", db,
                                       "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        urls.append(f"http://127.0.0.1:{port}")
    for url in urls:
        wait_until(lambda: _up(url), timeout=30)
    try:
        yield [u + WEBHOOK for u in urls]
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(20)


def _up(url: str) -> bool:
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(url + "/healthz", timeout=2).status_code == 200
    return False


def stored_ids(engine: Any, table: str = "inbound") -> set[str]:
    from sqlalchemy import text
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(text(f"SELECT message_id FROM {table}"))}


def load(args: argparse.Namespace, backend: str, cluster: Any) -> list[str]:
    rows = []
    processes = 2 if backend == "pg2" else 1
    with contextlib.ExitStack() as stack:
        graph = stack.enter_context(fake_graph())
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bot-load-")))
        if backend == "sqlite":
            bot_db, floor_db = None, f"sqlite:///{folder / 'floor.sqlite3'}"
        else:
            bot_db, floor_db = cluster.new_database(), database_url(cluster.new_database(), folder)
        config = make_site(folder / "site", graph, bot_db, queue_limit=1024)
        bots = [start_bot(config) for _ in range(processes)]
        for bot in bots:
            stack.callback(bot.stop)
        engine = store.open_engine(database_url(bot_db or "consent-register.sqlite3", config.parent))
        floor_engine = store.open_engine(floor_db)
        stack.callback(engine.dispose)
        stack.callback(floor_engine.dispose)
        floor_urls = stack.enter_context(floor_processes(floor_db, processes))
        for concurrency in args.concurrency:
            n = args.deliveries if concurrency > 1 else min(args.deliveries, 400)
            figures = {}
            for who, urls in (("floor", floor_urls), ("bot", [b.url + WEBHOOK for b in bots])):
                msgs = consents(config, n)
                bodies = [signed(delivery(m)) for m in msgs]
                codes, lat, wall = asyncio.run(fire(urls, bodies, concurrency))
                acked = {m.id for m, c in zip(msgs, codes) if c == 200}
                have = stored_ids(engine if who == "bot" else floor_engine,
                                  "inbound" if who == "bot" else "floor_deliveries")
                figures[who] = (len(acked) / wall, p(lat, 0.5), p(lat, 0.99), len(acked - have), n - len(acked))
            (fr, f50, f99, _, _), (br, b50, b99, lost, refused) = figures["floor"], figures["bot"]
            name = {"sqlite": "SQLite, 1 process", "pg": "PostgreSQL, 1 process", "pg2": "PostgreSQL, 2 processes"}
            rows.append(f"| {name[backend]} | {concurrency} | {fr:.0f} | {br:.0f} | {br / fr:.2f} | {f99:.1f} | "
                        f"{b99:.1f} | {b99 / f99:.2f} | {lost} | {refused} |")
            print(rows[-1], flush=True)
        # the replies of everything acknowledged go out afterwards
        try:
            wait_until(lambda: store.counts(engine).get("replies_pending", 0) == 0, timeout=300, step=1)
        except TimeoutError:
            print(f"  replies still waiting: {store.counts(engine)}")
    return rows


def kill_run(backend: str, cluster: Any, kills: int = 5, n: int = 1000) -> str:
    with contextlib.ExitStack() as stack:
        graph = stack.enter_context(fake_graph())
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bot-kill-")))
        db = cluster.new_database() if backend == "pg" else None
        port = free_port()
        config = make_site(folder / "site", graph, db, send_timeout=5, unknown_wait=5, queue_limit=1024)
        graph.webhook = (f"http://127.0.0.1:{port}{WEBHOOK}", SECRET)
        engine = store.open_engine(database_url(db or "consent-register.sqlite3", config.parent))
        stack.callback(engine.dispose)
        msgs = consents(config, n)
        bodies = [signed(delivery(m)) for m in msgs]
        bot = start_bot(config, port=port)
        stop = threading.Event()
        progress = [0]
        killed = [0]

        def killer() -> None:
            # a SIGKILL after each sixth of the deliveries is acknowledged: all five while the load runs
            nonlocal bot
            for k in range(1, kills + 1):
                while progress[0] < k * n // (kills + 1):
                    if stop.wait(0.01):
                        return
                bot.kill()
                killed[0] += 1
                bot = start_bot(config, port=port)

        thread = threading.Thread(target=killer)
        url = f"http://127.0.0.1:{port}{WEBHOOK}"
        codes_all: list[int] = []

        async def track() -> None:
            codes, _, _ = await fire([url], bodies, 50, retry=True, progress=progress)
            codes_all.extend(codes)
        t0 = time.perf_counter()
        thread.start()
        asyncio.run(track())
        stop.set()
        thread.join()
        wall = time.perf_counter() - t0
        acked = {m.id for m, c in zip(msgs, codes_all) if c == 200}
        lost = len(acked - stored_ids(engine))
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: all(graph.texts_to(m.wa_id) for m in msgs), timeout=180, step=1)
        time.sleep(6)
        none = sum(1 for m in msgs if not graph.texts_to(m.wa_id))
        double = sum(1 for m in msgs if len(graph.texts_to(m.wa_id)) > 1)
        bot.stop()
        name = "SQLite" if backend == "sqlite" else "PostgreSQL"
        return (f"| {name} | {killed[0]} SIGKILLs | {n} in {wall:.1f} s | {len(acked)} | {lost} | "
                f"{none} | {double} |")


def readonly_run(backend: str, cluster: Any, n: int = 1000, seconds: float = 10.0) -> str:
    with contextlib.ExitStack() as stack:
        graph = stack.enter_context(fake_graph())
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bot-ro-")))
        db = cluster.new_database() if backend == "pg" else None
        config = make_site(folder / "site", graph, db, queue_limit=1024)
        engine = store.open_engine(database_url(db or "consent-register.sqlite3", config.parent))
        stack.callback(engine.dispose)
        bot = start_bot(config)
        stack.callback(bot.stop)
        msgs = consents(config, n)
        bodies = [signed(delivery(m)) for m in msgs]

        def fault() -> None:
            time.sleep(1.0)
            if backend == "pg":
                import psycopg
                with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres",
                                     autocommit=True) as admin:
                    admin.execute("ALTER SYSTEM SET default_transaction_read_only = on")
                    admin.execute("SELECT pg_reload_conf()")
                    time.sleep(seconds)
                    admin.execute("ALTER SYSTEM RESET default_transaction_read_only")
                    admin.execute("SELECT pg_reload_conf()")
            else:
                import sqlite3
                lock = sqlite3.connect(config.parent / "consent-register.sqlite3", timeout=30)
                lock.execute("BEGIN EXCLUSIVE")
                time.sleep(seconds)
                lock.rollback()
                lock.close()

        thread = threading.Thread(target=fault)
        thread.start()
        url = bot.url + WEBHOOK

        async def go() -> list[int]:
            codes, _, _ = await fire([url], bodies, 10, retry=True)
            return codes
        t0 = time.perf_counter()
        codes = asyncio.run(go())
        thread.join()
        wall = time.perf_counter() - t0
        acked = {m.id for m, c in zip(msgs, codes) if c == 200}
        lost = len(acked - stored_ids(engine))
        fault_name = "read-only" if backend == "pg" else "locked"
        name = "SQLite" if backend == "sqlite" else "PostgreSQL"
        return f"| {name} | {fault_name} {seconds:.0f} s | {n} in {wall:.1f} s | {len(acked)} | {lost} | | |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1500)
    parser.add_argument("--concurrency", default="1,10,50")
    parser.add_argument("--backends", default="sqlite,pg,pg2")
    parser.add_argument("--kill", action="store_true")
    parser.add_argument("--readonly", action="store_true")
    parser.add_argument("--no-load", action="store_true")
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    backends = args.backends.split(",")
    with contextlib.ExitStack() as stack:
        cluster = stack.enter_context(postgres_cluster()) if any(b.startswith("pg") for b in backends) else None
        if not args.no_load:
            print("| backend | senders | floor /s | bot /s | bot/floor | floor p99 ms | bot p99 ms | p99 ratio | "
                  "lost | refused |")
            print("|---|---|---|---|---|---|---|---|---|---|")
            for backend in backends:
                load(args, backend, cluster)
        if args.kill or args.readonly:
            print("\n| database | fault | deliveries | acknowledged | acknowledged but lost | no reply | "
                  "more than one reply |")
            print("|---|---|---|---|---|---|---|")
            for backend in [b for b in ("sqlite", "pg") if b in backends or (b == "pg" and "pg2" in backends)]:
                if args.kill:
                    print(kill_run(backend, cluster), flush=True)
                if args.readonly:
                    print(readonly_run(backend, cluster), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
