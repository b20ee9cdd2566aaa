"""Durable before acknowledged: the webhook hands each delivery's database work to the recorder and answers 200
only once it is committed; 503 when the database cannot take it (Meta retries), or when too many deliveries are
already waiting (a bounded queue pushes back instead of growing).

The recorder commits what is waiting together (group commit): one transaction for up to BATCH deliveries, so a
busy bot pays one commit for many. If a batch fails, each of its deliveries is tried alone, so one bad delivery
cannot fail the others. The health of writing is kept here: /healthz is red from a failed write until the next
good one, and the connection pool is thrown away after a failure, so it reconnects once the disk (or the server)
is back. An SQLite file removed or replaced under the bot is a write failure too (writes to the old file would
be lost), until it is back."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy.engine import Connection, Engine

from . import store

log = logging.getLogger("site_builder.bot")

BATCH = 64


PROBE_GRACE_S = 5.0


class Busy(Exception):
    """Too many deliveries are waiting for the database: answer 503, Meta tries again."""


class NotStored(Exception):
    """The database did not take the delivery: answer 503, Meta tries again."""


@dataclass
class WriteHealth:
    failing_since: float | None = None
    last_error: str = ""
    failures: int = 0
    last_failure: float = 0.0
    identity: tuple[int, int] | None = None
    sqlite_path: str | None = None

    @property
    def ok(self) -> bool:
        return self.failing_since is None

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        self.last_error = type(error).__name__
        self.last_failure = time.monotonic()
        if self.failing_since is None:
            self.failing_since = time.monotonic()
            log.error("database_write_failed", extra={"error_type": self.last_error})

    def succeeded(self) -> None:
        if self.failing_since is not None:
            log.info("database_write_recovered",
                     extra={"seconds": round(time.monotonic() - self.failing_since, 1)})
        self.failing_since = None
        self.last_error = ""

    def probe_passed(self) -> bool:
        """The health probe's one-row write went through: healthy again, unless a delivery's write failed within
        PROBE_GRACE_S (on a nearly full disk a one-page write can pass where a delivery's cannot)."""
        if self.failing_since is not None and time.monotonic() - self.last_failure < PROBE_GRACE_S:
            return False
        self.succeeded()
        return True

    def check_file(self) -> None:
        """Raise if the SQLite file is gone or another file now stands at its path."""
        if self.sqlite_path is None:
            return
        now = store.file_identity(self.sqlite_path)
        if now is None or (self.identity is not None and now != self.identity):
            raise FileNotFoundError("the SQLite register file was removed or replaced")


class Recorder:
    """One writer task per process; `submit` waits until its work is committed (or raises)."""

    def __init__(self, engine: Engine, limit: int, clock: Callable[[], dt.datetime]):
        self.engine = engine
        self.queue: asyncio.Queue[tuple[Callable[[Connection, dt.datetime], Any], asyncio.Future[Any]]] = \
            asyncio.Queue(maxsize=limit)
        self.clock = clock
        self.health = WriteHealth(sqlite_path=store.sqlite_file(engine))
        if self.health.sqlite_path:
            self.health.identity = store.file_identity(self.health.sqlite_path)
        self.task: asyncio.Task[None] | None = None
        self.commits = 0
        self.busy = False

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    @property
    def waiting(self) -> int:
        return self.queue.qsize()

    async def submit(self, work: Callable[[Connection, dt.datetime], Any]) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        try:
            self.queue.put_nowait((work, future))
        except asyncio.QueueFull:
            raise Busy from None
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            self.busy = True
            try:
                await self._write(batch)
            finally:
                self.busy = False

    async def _write(self, batch: list[tuple[Callable[[Connection, dt.datetime], Any], asyncio.Future[Any]]]) -> None:
        try:
            results = await asyncio.to_thread(self._commit, [work for work, _ in batch])
        except Exception as exc:  # noqa: BLE001 (the batch failed as a whole: each delivery alone)
            if len(batch) == 1:
                self._fail(batch[0][1], exc)
                return
            for work, future in batch:
                try:
                    result = await asyncio.to_thread(self._commit, [work])
                except Exception as alone:  # noqa: BLE001
                    self._fail(future, alone)
                else:
                    if not future.done():
                        future.set_result(result[0])
            return
        for (_, future), result in zip(batch, results):
            if not future.done():
                future.set_result(result)

    def _fail(self, future: asyncio.Future[Any], exc: BaseException) -> None:
        if not future.done():
            future.set_exception(NotStored(type(exc).__name__))

    def _commit(self, works: list[Callable[[Connection, dt.datetime], Any]], probe: bool = False) -> list[Any]:
        try:
            self.health.check_file()
            now = self.clock()
            with store.writing(self.engine) as conn:
                results = [work(conn, now) for work in works]
        except Exception as exc:
            self.health.failed(exc)
            # a connection that saw a full disk or a vanished server is not trusted again: reconnect next time
            self.engine.dispose()
            raise
        if not probe:  # the probe decides in probe() whether its small write says the database is well
            self.health.succeeded()
        self.commits += 1
        return results

    def probe(self) -> bool:
        """A real write (for /healthz): the health check must see a read-only or full database too."""
        from sqlalchemy import update

        try:
            self._commit([lambda conn, now: conn.execute(update(store.schema_version)
                                                         .values(version=store.schema_version.c.version))],
                         probe=True)
        except Exception:  # noqa: BLE001 (recorded in self.health)
            return False
        return self.health.probe_passed()

    async def drain(self, timeout: float = 10.0) -> None:
        """Commit what is waiting, then stop (shutdown: every waiting request gets its answer)."""
        deadline = time.monotonic() + timeout
        while (not self.queue.empty() or self.busy) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0)
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
