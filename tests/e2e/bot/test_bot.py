"""The consent bot as Meta and the customers see it: a real uvicorn server on 127.0.0.1, signed webhook deliveries
in Meta's shape, a fake Graph API recording the replies, against SQLite and a real PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from bot_support import (VERIFY_TOKEN, WEBHOOK, Bot, FakeGraph, Msg, delivery, echo_delivery,
                         make_site, signed, start_bot, statuses_delivery, wait_until)
from site_builder.bot import store
from site_builder.bot.settings import database_url
from site_builder.bot.load import load_bot_site

ANNA, BERND, CARLA = "4915123456789", "4916098765432", "4917711122233"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str | None:
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg").new_database()


class Running:
    def __init__(self, config: Path, bot: Bot, graph: FakeGraph):
        self.config, self.bot, self.graph = config, bot, graph
        site, problems = load_bot_site(config)
        assert site is not None, problems
        self.site = site
        text = config.read_text(encoding="utf-8")
        db = next((line.split('"')[1] for line in text.splitlines() if line.startswith("database =")),
                  "consent-register.sqlite3")
        self.engine = store.open_engine(database_url(db, config.parent))

    def consent(self, lang: str = "de", purposes: str = "", source: str = "r", version: str = "") -> str:
        version = version or self.site.languages[lang].consent_id
        labels = purposes or ", ".join(self.site.purpose_labels(lang).values())
        if lang == "de":
            return f"Hallo Schreinerei Muster, ich willige in WhatsApp-Kontakt ein für: {labels}. (Einwilligung {version}/{source})"
        return f"Hello Schreinerei Muster, I consent to WhatsApp contact for: {labels}. (consent {version}/{source})"

    def send(self, *msgs: Msg) -> list[Msg]:
        msgs = tuple(m.with_id() for m in msgs)
        assert self.bot.post(delivery(*msgs)) == 200
        return list(msgs)

    def counts(self) -> dict[str, int]:
        return store.counts(self.engine)

    def settle(self, inbound: int, replies: int | None = None) -> dict[str, int]:
        """Wait until the bot recorded `inbound` messages and finished every reply it queued."""
        def done() -> dict[str, int] | None:
            c = self.counts()
            finished = c["replies"] == sum(c.get(f"replies_{s}", 0) for s in ("sent", "failed", "expired"))
            ok = c["inbound"] >= inbound and finished and (replies is None or len(self.graph.sent()) >= replies)
            return c if ok else None
        try:
            return wait_until(done, timeout=30)
        except TimeoutError:
            raise AssertionError(f"bot did not settle: {self.counts()}, {len(self.graph.sent())} sent\n"
                                 + self.bot.log_text()[-3000:]) from None

    def events(self) -> list[store.EventRow]:
        return store.all_events(self.engine)


@pytest.fixture
def running(tmp_path: Path, graph: FakeGraph, backend: str | None) -> Iterator[Running]:
    config = make_site(tmp_path / "site", graph, backend)
    bot = start_bot(config)
    r = Running(config, bot, graph)
    try:
        yield r
    finally:
        bot.stop()
        r.engine.dispose()


def test_verification_handshake(running: Running) -> None:
    url = running.bot.url + WEBHOOK
    ok = httpx.get(url, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = httpx.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
    assert wrong.status_code == 403 and "1" not in wrong.text
    health = httpx.get(running.bot.url + "/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"


def test_unsigned_and_missigned_deliveries_are_refused_and_not_stored(running: Running) -> None:
    msg = Msg(ANNA, "Anna", running.consent()).with_id()
    body, headers = signed(delivery(msg))
    assert running.bot.post(body, {"content-type": "application/json"}) == 401  # unsigned
    _, wrong = signed(delivery(msg), secret="not-the-app-secret")
    assert running.bot.post(body, wrong) == 401  # signed with another secret
    tampered = body.replace(b"Anna", b"Mallory")
    assert running.bot.post(tampered, headers) == 401  # the body changed after signing
    assert running.bot.post(body, {**headers, "x-hub-signature-256": "sha1=" + "0" * 40}) == 401
    time.sleep(1.0)  # give a wrongly accepted delivery time to show up
    assert running.counts()["inbound"] == 0 and running.events() == [] and running.graph.requests == []
    assert running.bot.post(body, headers) == 200  # the genuine one goes through
    running.settle(1, replies=1)
    assert [e.event for e in running.events()] == ["consent", "marketing_opt_in"]


def test_the_consent_flow_records_and_answers(running: Running) -> None:
    de = running.site.languages["de"]
    # someone without consent gets the neutral greeting with the consent page and the alternatives, once
    running.send(Msg(BERND, "Bernd", "Hallo, haben Sie am Samstag geöffnet?"))
    running.settle(1, replies=1)
    running.send(Msg(BERND, "Bernd", "Hallo?? Öffnungszeiten bitte"))
    running.settle(2)
    greeting = running.graph.texts_to(BERND)
    assert len(greeting) == 1, greeting  # nothing else until they consent: no second greeting, no keyword answer
    assert de.urls["landing"] in greeting[0] and "+49 911 1234567" in greeting[0]
    assert "info@schreinerei-muster.de" in greeting[0] and "Einwilligung" in greeting[0]

    # consent with marketing: two rows, a confirmation naming purposes, version and privacy notice
    running.send(Msg(ANNA, "Anna Beispiel", running.consent("de")))
    running.settle(3, replies=2)
    confirmation = running.graph.texts_to(ANNA)[-1]
    assert "Anfragen & Aufträge, Werbung" in confirmation and de.consent_id in confirmation
    assert de.urls["privacy"] in confirmation and "STOP Werbung" in confirmation

    # a consented customer's keyword question gets the configured answer; other chat gets nothing
    running.send(Msg(ANNA, "Anna Beispiel", "Wie sind Ihre Öffnungszeiten?"))
    running.settle(4, replies=3)
    assert "Mo–Fr 7–17 Uhr" in running.graph.texts_to(ANNA)[-1]
    running.send(Msg(ANNA, "Anna Beispiel", "Danke, bis Samstag!"))
    running.settle(5)

    # STOP Werbung, then STOPP: opt-out and withdrawal, each confirmed
    running.send(Msg(ANNA, "Anna Beispiel", "STOP Werbung"))
    running.settle(6, replies=4)
    assert "keine Werbung mehr" in running.graph.texts_to(ANNA)[-1]
    running.send(Msg(BERND, "Bernd", "STOPP"))
    running.settle(7, replies=5)
    assert "Widerruf ist angekommen" in running.graph.texts_to(BERND)[-1]

    # an English consent naming a version this site never published: recorded as unknown, not confirmed
    running.send(Msg(CARLA, "Carla", running.consent("en", purposes="Enquiries & orders", version="deadbeef")))
    running.settle(8, replies=6)
    assert "deadbeef" in running.graph.texts_to(CARLA)[-1] and "consent on our page" in running.graph.texts_to(CARLA)[-1]

    rows = [(e.wa_id, e.profile_name, e.event, e.consent_id, e.source, e.purposes, e.version_status, e.lang)
            for e in running.events()]
    assert rows == [
        (ANNA, "Anna Beispiel", "consent", de.consent_id, "r", "service;marketing", "current", "de"),
        (ANNA, "Anna Beispiel", "marketing_opt_in", de.consent_id, "r", "marketing", "current", "de"),
        (ANNA, "Anna Beispiel", "marketing_opt_out", "", "", "marketing", "", "de"),
        (BERND, "Bernd", "withdrawal", "", "", "", "", ""),
        # an id of the shape before ids got their "v" is stored in today's shape: the same id
        (CARLA, "Carla", "consent", "vdeadbeef", "r", "service", "unknown", "en"),
    ]
    assert len(running.graph.sent()) == 6
    # every reply went to the configured number with the bearer token
    assert {r["path"] for r in running.graph.requests} == {"/v21.0/106540352242922/messages"}
    assert {r["auth"] for r in running.graph.requests} == {"Bearer test-access-token"}
    # no ordinary chat was stored; a consent's and a withdrawal's own words are, with their register rows only
    # (issue 23, point 7: the proof survives deleting the chat)
    dump = _dump(running)
    for text in ("Samstag", "Öffnungszeiten", "Danke"):
        assert text not in dump, text
    with running.engine.connect() as conn:
        from sqlalchemy import select
        texts = [(row.event, row.text) for row in conn.execute(select(store.events))]
    assert any(event == "consent" and text.startswith("Hallo Schreinerei Muster, ich willige") for event, text in texts)
    assert all(text for event, text in texts if event in ("consent", "withdrawal"))
    assert "wamid" not in running.bot.log_text() and ANNA not in running.bot.log_text()
    assert "Anna" not in running.bot.log_text()


def _dump(running: Running) -> str:
    from sqlalchemy import select
    with running.engine.connect() as conn:
        return repr([conn.execute(select(t)).all() for t in store.metadata.sorted_tables])


def test_a_repeated_delivery_is_recorded_and_answered_once(running: Running) -> None:
    msgs = [Msg(ANNA, "Anna", running.consent()).with_id(), Msg(BERND, "Bernd", "Hallo").with_id()]
    payload = delivery(*msgs)
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda _: running.bot.post(payload), range(6)))
    assert codes == [200] * 6
    running.settle(2, replies=2)
    time.sleep(0.5)
    c = running.counts()
    assert (c["inbound"], c["consent_events"], c["replies"]) == (2, 2, 2)
    assert len(running.graph.requests) == 2


def test_status_callbacks_and_the_owners_own_messages_are_ignored(running: Running) -> None:
    assert running.bot.post(statuses_delivery("wamid.out.1", ANNA)) == 200
    # under coexistence the owner pasted the consent text into a chat: it is never the customer's consent
    assert running.bot.post(echo_delivery(running.consent(), to=ANNA)) == 200
    assert running.bot.post({"object": "page", "entry": []}) == 200
    time.sleep(1.0)
    assert running.counts()["inbound"] == 0 and running.events() == [] and running.graph.requests == []
    metrics = httpx.get(running.bot.url + "/metrics").text
    assert 'bot_deliveries_total{result="stored"} 3.0' in metrics


def test_graph_api_429_then_200_gives_one_reply(running: Running) -> None:
    running.graph.script[:] = [429, 503]
    running.send(Msg(ANNA, "Anna", running.consent()))
    running.settle(1, replies=1)
    assert [r["status"] for r in running.graph.requests] == [429, 503, 200]
    assert len(running.graph.texts_to(ANNA)) == 1
    with running.engine.connect() as conn:
        from sqlalchemy import select
        state, attempts = conn.execute(select(store.outbox.c.state, store.outbox.c.attempts)).one()
    assert (state, attempts) == ("sent", 3)


def test_no_free_form_reply_outside_the_24_hour_window(running: Running) -> None:
    old = int(time.time()) - 25 * 3600
    running.send(Msg(ANNA, "Anna", running.consent(), ts=old))  # Meta delivering a day late
    running.settle(1)
    time.sleep(0.5)
    assert [e.event for e in running.events()] == ["consent", "marketing_opt_in"]  # still recorded
    assert running.graph.requests == []


def test_a_stop_during_a_hanging_graph_api_is_quick_and_loses_no_reply(tmp_path: Path, graph: FakeGraph) -> None:
    # systemd's TimeoutStopSec=60 (deploy/site-builder-bot.service): the stop must finish well within it even when
    # the Graph API takes requests and does not answer; what was not sent waits in the outbox for the next start
    config = make_site(tmp_path / "site", graph, send_timeout=30, unknown_wait=2)
    bot = start_bot(config)
    graph.delay = 40
    msgs = [Msg(f"49151000000{i:02d}", f"Kunde {i}", "Hallo").with_id() for i in range(40)]
    for i in range(0, 40, 10):
        assert bot.post(delivery(*msgs[i:i + 10])) == 200
    wait_until(lambda: len(graph.requests) >= 4)  # replies are being sent, and hang
    started = time.monotonic()
    assert bot.stop() == 0
    assert time.monotonic() - started < 30
    assert '"msg": "stopping"' in bot.log_text() and '"msg": "stopped"' in bot.log_text()
    hung = {r["json"]["to"] for r in graph.requests}
    graph.delay = 0
    bot = start_bot(config)
    try:
        # the replies that never left are sent; the hung ones (outcome unknown, no status webhook) once more
        wait_until(lambda: {r["json"]["to"] for r in graph.requests} == {m.wa_id for m in msgs}, timeout=60)
        wait_until(lambda: all(len(graph.to(m.wa_id)) >= (2 if m.wa_id in hung else 1) for m in msgs), timeout=60)
        time.sleep(1)
        assert all(len(graph.to(m.wa_id)) == (2 if m.wa_id in hung else 1) for m in msgs)
    finally:
        bot.stop()


def test_two_bots_on_one_postgresql_record_and_answer_once(tmp_path: Path, graph: FakeGraph, pg: object) -> None:
    db = pg.new_database()  # type: ignore[attr-defined]
    config = make_site(tmp_path / "site", graph, db)
    bots = [start_bot(config), start_bot(config)]
    try:
        r = Running(config, bots[0], graph)
        customers = [(f"49152000000{i:02d}", f"Kunde {i}") for i in range(30)]
        batches = []
        for i, (wa_id, name) in enumerate(customers):
            text = r.consent() if i % 3 == 0 else ("STOP" if i % 3 == 1 else "Guten Tag")
            batches.append(delivery(Msg(wa_id, name, text).with_id()))
        import concurrent.futures
        # Meta's retries may reach either process: every delivery goes to both, at the same time
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda job: job[0].post(job[1]), [(b, p) for p in batches for b in bots]))
        assert set(codes) == {200}
        c = r.settle(30, replies=30)
        time.sleep(1.0)
        c = r.counts()
        assert c["inbound"] == 30 and c["consent_events"] == 10 * 2 + 10 and c["replies_sent"] == 30
        assert len(graph.sent()) == 30
        assert sorted(req["json"]["to"] for req in graph.sent()) == sorted(w for w, _ in customers)
        assert all('"msg": "started"' in b.log_text() for b in bots)
        r.engine.dispose()
    finally:
        for b in bots:
            b.stop()
