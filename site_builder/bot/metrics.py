"""/metrics in Prometheus' text format (prometheus_client): counters of this process, and gauges read from the
database when scraped (replies by state, the age of the oldest waiting item), so they agree across processes."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from . import outbox, store

if TYPE_CHECKING:
    from .graph import SendOutcome
    from .record import Effects

log = logging.getLogger("site_builder.bot")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.deliveries = Counter("bot_deliveries", "Webhook deliveries by what the bot answered", ["result"],
                                  registry=r)
        self.events = Counter("bot_recorded_events", "Register events recorded", ["event"], registry=r)
        self.replies_queued = Counter("bot_replies_queued", "Replies queued in the outbox", registry=r)
        self.duplicates = Counter("bot_duplicate_messages", "Messages delivered again and dropped", registry=r)
        self.sends = Counter("bot_send_attempts", "Graph API send attempts by outcome", ["result"], registry=r)
        self.retries = Counter("bot_send_retries", "Sends to be tried again (rate limits, Meta-side errors)",
                               registry=r)
        self.errors = Counter("bot_graph_errors", "Graph API errors by Meta's error code", ["code"], registry=r)
        self.write_errors = Counter("bot_database_write_errors", "Failed database writes", registry=r)

    def recorded(self, effects: "Effects") -> None:
        for event, n in effects.recorded.items():
            self.events.labels(event).inc(n)
        if effects.replies:
            self.replies_queued.inc(effects.replies)
        if effects.duplicates:
            self.duplicates.inc(effects.duplicates)

    def sent(self, outcome: "SendOutcome") -> None:
        self.sends.labels(outcome.result).inc()
        if outcome.result == "retry":
            self.retries.inc()
        if outcome.code or (outcome.status and outcome.status >= 400):
            self.errors.labels(str(outcome.code or f"http_{outcome.status}")).inc()

    def watch(self, engine: Engine, waiting: Callable[[], int], healthy: Callable[[], bool],
              clock: Callable[[], dt.datetime]) -> None:
        """Gauges read when scraped."""
        self.registry.register(_DatabaseGauges(engine, waiting, healthy, clock))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _DatabaseGauges:
    def __init__(self, engine: Engine, waiting: Callable[[], int], healthy: Callable[[], bool],
                 clock: Callable[[], dt.datetime]):
        self.engine, self.waiting, self.healthy, self.clock = engine, waiting, healthy, clock

    def collect(self) -> Iterator[Any]:
        queue = GaugeMetricFamily("bot_queue_waiting", "Deliveries waiting for the database in this process")
        queue.add_metric([], self.waiting())
        yield queue
        up = GaugeMetricFamily("bot_healthy", "1 when /healthz is green")
        up.add_metric([], 1 if self.healthy() else 0)
        yield up
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(select(store.outbox.c.channel, store.outbox.c.state, func.count())
                                    .group_by(store.outbox.c.channel, store.outbox.c.state)).all()
            age = outbox.oldest_pending_age(self.engine, self.clock())
        except Exception:  # noqa: BLE001 (a scrape must answer even when the database does not)
            return
        items = GaugeMetricFamily("bot_outbox_items", "Outbox items (replies, owner e-mails) by state",
                                  labels=["channel", "state"])
        for channel, state, n in rows:
            items.add_metric([channel, state], int(n))
        yield items
        oldest = GaugeMetricFamily("bot_outbox_oldest_waiting_seconds", "Age of the oldest item not yet sent")
        oldest.add_metric([], age)
        yield oldest
