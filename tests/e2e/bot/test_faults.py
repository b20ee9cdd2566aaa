"""The consent bot under faults, against a real uvicorn, the fake Graph API and a real PostgreSQL: what was
acknowledged is stored (SIGKILL, a read-only or vanished database, a full queue), replies are neither lost nor
doubled (an outage, late answers, a kill during a hang)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from bot_support import (SECRET, WEBHOOK, Bot, FakeGraph, Msg, delivery, free_port, make_site,
                         postgres_bin, postgres_cluster, signed, start_bot, wait_until)
from site_builder.bot import store
from site_builder.bot.load import load_bot_site
from site_builder.bot.settings import database_url


@pytest.fixture(scope="module")
def pg() -> Iterator[object]:
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (scripts/install.sh --test installs it)")
    with postgres_cluster() as cluster:
        yield cluster


def _consent(config: Path) -> str:
    site, _ = load_bot_site(config)
    assert site is not None
    return (f"Hallo Schreinerei Muster, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge. "
            f"(Einwilligung {site.languages['de'].consent_id}/p)")


def _engine(config: Path, db: str | None) -> object:
    return store.open_engine(database_url(db or "consent-register.sqlite3", config.parent))


async def _fire(url: str, bodies: list[tuple[bytes, dict[str, str]]], concurrency: int) -> list[int]:
    """Post every body, `concurrency` at a time; the HTTP status of each (0: no answer, e.g. the bot died)."""
    codes = [0] * len(bodies)
    queue = list(range(len(bodies)))

    async def worker(client: httpx.AsyncClient) -> None:
        while queue:
            i = queue.pop()
            body, headers = bodies[i]
            try:
                codes[i] = (await client.post(url, content=body, headers=headers)).status_code
            except httpx.HTTPError:
                codes[i] = 0
    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return codes


def _stored(engine: object) -> set[str]:
    from sqlalchemy import select
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return {row[0] for row in conn.execute(select(store.inbound.c.message_id))}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_no_acknowledged_consent_is_lost_over_sigkills(tmp_path: Path, graph: FakeGraph, backend: str,
                                                        request: pytest.FixtureRequest) -> None:
    """The kill test at a small scale: 300 signed consents, 16 at a time, the bot SIGKILLed twice while busy;
    every delivery answered 200 is in the register, and every consent is confirmed once (Meta retries the rest)."""
    db = request.getfixturevalue("pg").new_database() if backend == "postgresql" else None
    port = free_port()
    # unknown_wait: time for Meta's status of a reply the kill left `sending` to come back once the bot is up again
    # (2 s was too short when a loaded machine took longer than that to restart the bot: then it sent blindly again)
    config = make_site(tmp_path / "site", graph, db, send_timeout=2, unknown_wait=10)
    graph.webhook = (f"http://127.0.0.1:{port}{WEBHOOK}", SECRET)  # Meta's `sent` statuses settle unknown sends
    consent = _consent(config)
    msgs = [Msg(f"4916{i:09d}", f"Kunde {i}", consent).with_id() for i in range(300)]
    bodies = [signed(delivery(m)) for m in msgs]
    engine = _engine(config, db)
    acknowledged: set[str] = set()
    rest = list(range(len(msgs)))
    try:
        for kill in range(3):
            bot = start_bot(config, port=port)
            batch = rest[:120] if kill < 2 else rest
            url = bot.url + WEBHOOK
            if kill < 2:  # SIGKILL once deliveries are under way
                threading.Timer(0.6, bot.kill).start()
            codes = asyncio.run(_fire(url, [bodies[i] for i in batch], 16))
            acknowledged |= {msgs[i].id for i, code in zip(batch, codes) if code == 200}
            rest = [i for i in rest if msgs[i].id not in acknowledged]  # Meta retries what got no 200
            if kill == 2:
                break
            bot.proc.wait(10)
            assert not acknowledged - _stored(engine), "an acknowledged delivery is missing"
        assert rest == [] and acknowledged == {m.id for m in msgs}
        assert _stored(engine) == acknowledged
        assert len([e for e in store.all_events(engine) if e.event == "consent"]) == 300  # type: ignore[arg-type]
        # every customer gets exactly one confirmation: replies left `sending` by a kill are settled by Meta's
        # status webhook (it names our outbox id) instead of being sent blindly again
        wait_until(lambda: all(graph.texts_to(m.wa_id) for m in msgs), timeout=120)
        time.sleep(3)
        assert [m.wa_id for m in msgs if len(graph.texts_to(m.wa_id)) != 1] == []
    finally:
        bot.stop()
        engine.dispose()  # type: ignore[attr-defined]


def test_a_read_only_database_answers_503_and_recovers(tmp_path: Path, graph: FakeGraph, pg: object) -> None:
    import psycopg

    db = pg.new_database()  # type: ignore[attr-defined]
    config = make_site(tmp_path / "site", graph, db)
    bot = start_bot(config)
    admin = psycopg.connect(f"host=127.0.0.1 port={pg.port} user=postgres dbname=postgres",  # type: ignore[attr-defined]
                            autocommit=True)
    engine = _engine(config, db)
    try:
        admin.execute("ALTER SYSTEM SET default_transaction_read_only = on")
        admin.execute("SELECT pg_reload_conf()")
        time.sleep(0.5)
        first = Msg("4915123456789", "Anna", _consent(config)).with_id()
        assert bot.post(delivery(first)) == 503  # not stored: Meta will try again
        health = httpx.get(bot.url + "/healthz")
        assert health.status_code == 503 and health.json()["database"].startswith("write failed")
        admin.execute("ALTER SYSTEM RESET default_transaction_read_only")
        admin.execute("SELECT pg_reload_conf()")
        wait_until(lambda: httpx.get(bot.url + "/healthz").status_code == 200, timeout=20)
        assert bot.post(delivery(first)) == 200  # Meta's retry
        assert _stored(engine) == {first.id}
        wait_until(lambda: len(graph.texts_to(first.wa_id)) == 1)
        assert '"msg": "database_write_failed"' in bot.log_text()
        assert '"msg": "database_write_recovered"' in bot.log_text()
    finally:
        admin.execute("ALTER SYSTEM RESET default_transaction_read_only")
        admin.execute("SELECT pg_reload_conf()")
        admin.close()
        bot.stop()
        engine.dispose()  # type: ignore[attr-defined]


def test_a_removed_database_folder_is_noticed(tmp_path: Path, graph: FakeGraph) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    config = make_site(tmp_path / "site", graph, str(folder / "register.sqlite3"))
    bot = start_bot(config)
    try:
        assert bot.post(delivery(Msg("4915123456789", "Anna", "Hallo").with_id())) == 200
        shutil.rmtree(folder)  # an open SQLite file would take writes into the void
        assert bot.post(delivery(Msg("4915123456790", "Bernd", "Hallo").with_id())) == 503
        health = httpx.get(bot.url + "/healthz")
        assert health.status_code == 503 and "FileNotFoundError" in health.json()["database"]
    finally:
        bot.stop()


def test_a_full_disk_answers_503_and_the_bot_recovers_when_space_is_freed(tmp_path: Path, graph: FakeGraph) -> None:
    # a real full disk: a 3 MB tmpfs (the tests run as root, as CI does) holding the register
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True,
                             text=True)
    assert mounted.returncode == 0, f"this test mounts a small tmpfs and needs root: {mounted.stderr}"
    try:
        config = make_site(tmp_path / "site", graph, str(disk / "register.sqlite3"))
        bot = start_bot(config)
        try:
            first = Msg("4915123456789", "Anna", _consent(config)).with_id()
            assert bot.post(delivery(first)) == 200
            filler = disk / "filler"
            with open(filler, "wb") as fh:  # fill the disk to the last byte
                with contextlib.suppress(OSError):
                    while True:
                        fh.write(b"\0" * 65536)
                        fh.flush()
            later = [Msg(f"4916{i:09d}", f"Kunde {i}", _consent(config)).with_id() for i in range(30)]
            # /healthz asked right after each refused delivery: a write that finds a freed page a moment later
            # (the bot's own outbox updates) turns it green again, so it is red while writes fail, not forever
            codes, red = [], []
            for m in later:
                codes.append(bot.post(delivery(m)))
                if codes[-1] == 503:
                    health = httpx.get(bot.url + "/healthz")
                    red.append(health.status_code == 503 and health.json()["database"].startswith("write failed"))
            assert 503 in codes and set(codes) <= {200, 503}, codes
            assert any(red), red
            filler.unlink()  # space is freed: the bot recovers without a restart
            wait_until(lambda: httpx.get(bot.url + "/healthz").status_code == 200, timeout=20)
            assert [bot.post(delivery(m)) for m, c in zip(later, codes) if c != 200] == [200] * codes.count(503)
            engine = _engine(config, str(disk / "register.sqlite3"))
            assert _stored(engine) == {first.id, *(m.id for m in later)}
            engine.dispose()  # type: ignore[attr-defined]
        finally:
            bot.stop()
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_locked_database_fills_the_bounded_queue_and_it_pushes_back(tmp_path: Path, graph: FakeGraph) -> None:
    config = make_site(tmp_path / "site", graph, queue_limit=4)
    bot = start_bot(config)
    path = config.parent / "consent-register.sqlite3"
    msgs = [Msg(f"4917{i:09d}", f"Kunde {i}", "Hallo").with_id() for i in range(40)]
    lock = sqlite3.connect(path, timeout=10, check_same_thread=False)
    try:
        lock.execute("BEGIN EXCLUSIVE")  # another program holds the database for 3 s
        threading.Timer(3.0, lock.rollback).start()
        codes = asyncio.run(_fire(bot.url + WEBHOOK, [signed(delivery(m)) for m in msgs], 40))
        assert codes.count(503) >= 30 and set(codes) <= {200, 503}, codes
        engine = _engine(config, None)
        stored = _stored(engine)
        accepted = {m.id for m, code in zip(msgs, codes) if code == 200}
        assert accepted <= stored
        # Meta sends the refused ones again: now all go in
        again = asyncio.run(_fire(bot.url + WEBHOOK, [signed(delivery(m)) for m, c in zip(msgs, codes) if c != 200],
                                  4))
        assert set(again) == {200}
        assert _stored(engine) == {m.id for m in msgs}
        engine.dispose()  # type: ignore[attr-defined]
    finally:
        lock.close()
        bot.stop()


def test_a_graph_api_outage_delays_replies_but_loses_none(tmp_path: Path, graph: FakeGraph) -> None:
    config = make_site(tmp_path / "site", graph)
    bot = start_bot(config)
    try:
        graph.failing_until = time.time() + 8  # 500 for 8 s (the old bot gave up after 5 tries in about 5 s)
        msgs = [Msg(f"4915{i:09d}", f"Kunde {i}", _consent(config)).with_id() for i in range(20)]
        for m in msgs:
            assert bot.post(delivery(m)) == 200
        wait_until(lambda: all(graph.texts_to(m.wa_id) for m in msgs), timeout=90)
        time.sleep(1)
        assert all(len(graph.texts_to(m.wa_id)) == 1 for m in msgs)
        assert any(r["status"] == 500 for r in graph.requests)
    finally:
        bot.stop()


@pytest.mark.parametrize("statuses", [True, False])
def test_a_late_answer_is_not_blindly_sent_again(tmp_path: Path, graph: FakeGraph, statuses: bool) -> None:
    """Meta takes the request but answers after the bot stopped waiting: the outcome is unknown. With Meta's
    `sent` status webhook the reply counts as sent (one POST); without any status within unknown_wait it is
    sent once more, and never a third time."""
    port = free_port()
    config = make_site(tmp_path / "site", graph, send_timeout=1, unknown_wait=3)
    if statuses:
        graph.webhook = (f"http://127.0.0.1:{port}{WEBHOOK}", SECRET)
    bot = start_bot(config, port=port)
    try:
        graph.delay = 2.5
        anna = Msg("4915123456789", "Anna", _consent(config)).with_id()
        assert bot.post(delivery(anna)) == 200
        wait_until(lambda: '"msg": "reply_outcome_unknown"' in bot.log_text())
        graph.delay = 0
        time.sleep(8)
        assert len(graph.to(anna.wa_id)) == (1 if statuses else 2)
        engine = _engine(config, None)
        assert store.counts(engine)["replies_sent"] == 1  # type: ignore[arg-type]
        engine.dispose()  # type: ignore[attr-defined]
    finally:
        bot.stop()


def test_replies_hanging_when_the_bot_is_killed_are_settled_after_restart(tmp_path: Path, graph: FakeGraph) -> None:
    port = free_port()
    config = make_site(tmp_path / "site", graph, send_timeout=3, unknown_wait=10)  # as in the SIGKILL test above
    graph.webhook = (f"http://127.0.0.1:{port}{WEBHOOK}", SECRET)
    bot: Bot = start_bot(config, port=port)
    graph.delay = 6  # Meta takes the requests, answers late; the bot is killed meanwhile
    msgs = [Msg(f"4915{i:09d}", f"Kunde {i}", _consent(config)).with_id() for i in range(12)]
    for m in msgs:
        assert bot.post(delivery(m)) == 200
    wait_until(lambda: len(graph.requests) >= 4)
    bot.kill()
    graph.delay = 0
    bot = start_bot(config, port=port)
    try:
        # the old bot would have left them `claimed` for ever: 12 customers without an answer
        wait_until(lambda: all(graph.texts_to(m.wa_id) for m in msgs), timeout=90)
        time.sleep(4)
        assert all(len(graph.texts_to(m.wa_id)) == 1 for m in msgs)
    finally:
        bot.stop()
