"""Guided requests on the real servers: the bot under uvicorn, the fake Graph API (Meta's documented interactive,
image and nfm_reply payloads, and its media API), a real SMTP server (aiosmtpd) and a webhook receiver, all on
127.0.0.1. The painter's quote request with two photos goes from the customer's first tap to the owner's inbox.
Replies to one customer are paced (Meta's pair rate, one per 6 s by default): these tests set the gap to 0.3 s, and
tests/e2e/bot/test_meta.py shows the gap is kept."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import select

from conftest import run_cli
from bot_support import (ACCESS_TOKEN, Bot, FakeGraph, Msg, delivery, flow_completed, image, make_site,
                         messages_delivery, pick, start_bot, tap, text, wait_until)
from handoff_servers import Mailbox, Receiver, smtp_table, webhook_receiver
from site_builder.bot import store
from site_builder.bot.load import load_bot_site
from site_builder.bot.filecrypt import decrypt
from site_builder.bot.settings import database_url

ANNA = "4915123456789"
KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()  # a fixed key: the test decrypts what is stored
HOOK_SECRET = "hook-secret-for-tests"
ENV = {"REQUESTS_KEY": KEY, "REQUESTS_WEBHOOK_SECRET": HOOK_SECRET}
# two small but real JPEG files (Pillow-made), as a customer's phone sends them
PHOTOS = {}


def _photo(colour: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as box:
        yield box


def requests_table(receiver: Receiver | None = None, extra: str = "") -> str:
    table = '\n[bot.requests]\noffer = ["angebot"]\nkey_env = "REQUESTS_KEY"\nkeep_days = 30\n'
    if receiver is not None:
        table += f'webhook_url = "{receiver.url}"\nwebhook_secret_env = "REQUESTS_WEBHOOK_SECRET"\n'
    return table + extra


class Chat:
    """One customer talking to the bot: what they send, and the bot's messages to them, in order."""

    def __init__(self, tmp_path: Path, graph: FakeGraph, extra: str, database: str | None = None, **options: Any):
        self.graph = graph
        options.setdefault("pair_gap_ms", 300)  # the pacing itself is shown in e2e/bot/test_meta.py
        self.config = make_site(tmp_path / "site", graph, database, extra=extra, **options)
        self.bot: Bot = start_bot(self.config, env=ENV)
        site, problems = load_bot_site(self.config)
        assert site is not None, problems
        self.site = site
        self.engine = store.open_engine(database_url(database or "consent-register.sqlite3", self.config.parent))
        self.seen = 0

    def send(self, *messages: dict[str, Any]) -> None:
        assert self.bot.post(messages_delivery(*messages)) == 200

    def consent(self) -> None:
        language = self.site.languages["de"]
        labels = ", ".join(self.site.purpose_labels("de").values())
        body = (f"Hallo Schreinerei Muster, ich willige in WhatsApp-Kontakt ein für: {labels}. "
                f"(Einwilligung {language.consent_id}/r)")
        assert self.bot.post(delivery(Msg(ANNA, "Anna Muster", body).with_id())) == 200

    def next(self, timeout: float = 40) -> dict[str, Any]:
        """The bot's next message to the customer (as the Graph API got it)."""
        wait_until(lambda: len(self.graph.to(ANNA)) > self.seen, timeout=timeout)
        self.seen += 1
        return self.graph.to(ANNA)[self.seen - 1]

    def nothing_more(self, seconds: float = 2.0) -> None:
        time.sleep(seconds)
        assert len(self.graph.to(ANNA)) == self.seen, self.graph.to(ANNA)[self.seen:]

    def rows(self, table: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(table)).mappings()]

    def close(self) -> None:
        self.bot.stop()
        self.engine.dispose()


@pytest.fixture
def chats(tmp_path: Path, graph: FakeGraph) -> Iterator[Any]:
    made: list[Chat] = []

    def factory(extra: str, **options: Any) -> Chat:
        made.append(Chat(tmp_path, graph, extra, **options))
        return made[-1]
    yield factory
    for chat in made:
        chat.close()


def body(message: dict[str, Any]) -> str:
    return message["interactive"]["body"]["text"] if message["type"] == "interactive" else message["text"]["body"]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    action = message["interactive"]["action"]
    if "buttons" in action:
        return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
    return [(r["id"], r["title"]) for s in action["sections"] for r in s["rows"]]


def test_a_painters_quote_request_with_two_photos_reaches_the_owners_inbox(chats: Any, graph: FakeGraph,
                                                                           mailbox: Mailbox, receiver: Receiver) -> None:
    chat = chats(smtp_table(mailbox) + requests_table(receiver))
    photos = {"media.anna.1": _photo((200, 40, 40)), "media.anna.2": _photo((40, 40, 200))}
    graph.media.update({key: (data, "image/jpeg") for key, data in photos.items()})
    chat.consent()
    confirmation = chat.next()
    # the consent confirmation carries the request's button, as WhatsApp draws reply buttons
    assert confirmation["type"] == "interactive" and confirmation["interactive"]["type"] == "button"
    assert "Einwilligung" in body(confirmation)
    assert buttons(confirmation) == [("start:angebot", "Angebot anfragen")]

    chat.send(tap(ANNA, "start:angebot", "Angebot anfragen", context="wamid.out.1"))
    first = chat.next()
    assert body(first).startswith("Gern machen wir Ihnen ein Angebot.")
    assert "Was sollen wir streichen: innen, außen oder beides?" in body(first)
    choices = buttons(first)
    assert [title for _, title in choices] == ["Innen", "Außen", "Beides"]
    assert first["interactive"]["footer"]["text"] == "„abbrechen“ beendet die Anfrage"
    public_id = choices[0][0].split(":")[1]

    chat.send(tap(ANNA, choices[0][0], "Innen"))
    assert body(chat.next()).startswith("Wie groß ist die Fläche ungefähr")
    chat.send(text(ANNA, "etwa hundert"))  # refused, not guessed
    assert body(chat.next()).startswith("Bitte eine Zahl von 1 bis 10000 m²")
    chat.send(text(ANNA, "120,5"))
    photo_step = chat.next()
    assert body(photo_step).startswith("Schicken Sie uns gern bis zu 5 Fotos")
    assert buttons(photo_step) == [(f"r:{public_id}:fotos:~done", "Fertig")]

    chat.send(image(ANNA, "media.anna.1", photos["media.anna.1"]), image(ANNA, "media.anna.2", photos["media.anna.2"]))
    wait_until(lambda: sorted(graph.downloads) == ["media.anna.1", "media.anna.2"])
    chat.nothing_more(1.0)  # photos are taken without a message each
    chat.send(tap(ANNA, f"r:{public_id}:fotos:~done", "Fertig"))
    period = chat.next()
    assert period["interactive"]["type"] == "list"
    assert period["interactive"]["action"]["button"] == "Zeitraum wählen"
    chat.send(pick(ANNA, f"r:{public_id}:zeitraum:monat", "In den nächsten 4 Wochen"))
    assert body(chat.next()).startswith("In welcher Postleitzahl")
    chat.send(text(ANNA, "1067"))
    assert body(chat.next()).startswith("Bitte die fünfstellige Postleitzahl")
    chat.send(text(ANNA, "01067"))
    note = chat.next()
    assert buttons(note) == [(f"r:{public_id}:hinweis:~skip", "Überspringen")]
    chat.send(tap(ANNA, f"r:{public_id}:hinweis:~skip", "Überspringen"))

    summary = chat.next()
    assert body(summary) == ("Bitte prüfen Sie Ihre Anfrage „Angebot anfragen“:\n\nBereich: Innen\nFläche: 120,5 m²\n"
                             "Fotos: 2 Datei(en)\nZeitraum: In den nächsten 4 Wochen\nPostleitzahl: 01067\n"
                             "Hinweis: –\n\nStimmt alles?")
    assert [title for _, title in buttons(summary)] == ["Absenden", "Ändern", "Abbrechen"]
    # stored encrypted: the bytes at rest are not the photo, the site's key opens them
    stored = sorted(chat.rows(store.request_files), key=lambda r: r["id"])
    assert [r["state"] for r in stored] == ["stored", "stored"]
    assert all(photos["media.anna.1"] not in r["data"] and r["data"] != photos["media.anna.2"] for r in stored)
    assert decrypt(base64.urlsafe_b64decode(KEY), stored[0]["data"], stored[0]["request_id"], stored[0]["id"]) == \
        photos["media.anna.1"]

    chat.send(tap(ANNA, f"r:{public_id}:summary:~send", "Absenden"))
    assert body(chat.next()).startswith("Danke, Ihre Anfrage ist bei uns angekommen.")
    wait_until(lambda: mailbox.messages, timeout=40)
    mail = mailbox.messages[0]
    assert mail["Subject"] == "Neue Anfrage „Angebot anfragen“ von Anna Muster"
    assert mail["To"] == "info@schreinerei-muster.de"
    text_part = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Bereich: Innen\nFläche: 120,5 m²\nFotos: 2 Datei(en)" in text_part
    assert f"Nummer: {public_id}" in text_part and "Von: Anna Muster (+49 1512 3456789)" in text_part
    attached = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    assert attached == {"fotos-1.jpg": photos["media.anna.1"], "fotos-2.jpg": photos["media.anna.2"]}

    wait_until(lambda: receiver.posts, timeout=40)
    headers, raw = receiver.posts[0]
    stamp = headers["x-site-builder-timestamp"]
    expected = "sha256=" + hmac.new(HOOK_SECRET.encode(), stamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-site-builder-signature"], expected)
    assert abs(int(stamp) - time.time()) < 120 and headers["idempotency-key"] == public_id
    sent = json.loads(raw)
    assert sent["request"] == {"name": "angebot", "title": "Angebot anfragen", "kind": "quote"}
    assert sent["answers"]["flaeche"]["value"] == "120.5" and sent["answers"]["plz"]["value"] == "01067"
    assert [base64.b64decode(f["content_base64"]) for f in sent["files"]] == list(photos.values())
    # handed off twice: the request is kept for keep_days, then deleted
    wait_until(lambda: all(r["delete_at"] is not None for r in chat.rows(store.guided_requests)))
    # and exported as the register is
    result = run_cli("requests", "-o", "requests.xlsx", cwd=chat.config.parent)
    assert result.returncode == 0 and "requests.xlsx: 1 request(s) written" in result.stdout, result.stderr
    from openpyxl import load_workbook
    rows = [[cell.value for cell in row] for row in load_workbook(chat.config.parent / "requests.xlsx").active.iter_rows()]
    exported = dict(zip(rows[0], rows[1]))
    assert rows[0][:7] == ["id", "date", "time", "request", "chat", "sender", "lang"]
    # a cell starting with "+" is guarded against formula injection as in the register (register/write.py)
    assert (exported["id"], exported["request"], exported["chat"]) == (public_id, "Angebot anfragen",
                                                                       "'+49 1512 3456789")
    assert (exported["Bereich"], exported["Fläche"], exported["Fotos"], exported["Postleitzahl"]) == \
        ("Innen", "120,5 m²", "2", "01067")


def test_a_request_survives_a_restart_in_the_middle(chats: Any, graph: FakeGraph) -> None:
    chat = chats(requests_table())
    chat.consent()
    chat.next()
    chat.send(tap(ANNA, "start:angebot", "Angebot anfragen"))
    public_id = buttons(chat.next())[0][0].split(":")[1]
    chat.send(tap(ANNA, f"r:{public_id}:bereich:aussen", "Außen"))
    assert body(chat.next()).startswith("Wie groß ist die Fläche")
    chat.bot.kill()  # no goodbye: the state was committed with each answer
    chat.bot = start_bot(chat.config, env=ENV)
    chat.send(text(ANNA, "80"))
    assert body(chat.next()).startswith("Schicken Sie uns gern bis zu 5 Fotos")
    row = chat.rows(store.guided_requests)[0]
    assert json.loads(row["answers"]) == {"bereich": "aussen", "flaeche": "80"} and row["step"] == "fotos"
    chat.send(text(ANNA, "STOP"))  # the withdrawal ends the request too, and deletes it
    assert body(chat.next()).startswith("Ihr Widerruf ist angekommen.")
    assert chat.rows(store.guided_requests) == []


def test_a_customer_who_cancels_leaves_nothing_behind(chats: Any, graph: FakeGraph) -> None:
    chat = chats(requests_table())
    chat.consent()
    chat.next()
    chat.send(text(ANNA, "Angebot"))  # a keyword of the request starts it too
    public_id = buttons(chat.next())[0][0].split(":")[1]
    chat.send(tap(ANNA, f"r:{public_id}:bereich:innen", "Innen"))
    chat.next()
    chat.send(text(ANNA, "Abbrechen"))
    assert body(chat.next()) == "Ihre Anfrage ist abgebrochen; was Sie bis hierher angegeben haben, ist gelöscht."
    assert chat.rows(store.guided_requests) == [] and chat.rows(store.request_files) == []
    chat.send(tap(ANNA, f"r:{public_id}:bereich:aussen", "Außen"))  # an old button
    assert body(chat.next()).startswith("Diese Anfrage ist beendet oder abgelaufen")


def test_without_consent_no_request_starts(chats: Any, graph: FakeGraph) -> None:
    chat = chats(requests_table())
    chat.send(tap(ANNA, "start:angebot", "Angebot anfragen"))  # a button of a forwarded or old message
    answer = body(chat.next())
    assert answer.startswith("Anfragen über diesen Chat sind möglich, sobald Sie eingewilligt haben")
    assert "https://www.schreinerei-muster.de/whatsapp/" in answer
    assert chat.rows(store.guided_requests) == []


def test_a_request_with_a_photo_runs_on_postgresql(chats: Any, graph: FakeGraph, pg: Any) -> None:
    """Several bot processes share PostgreSQL: the request's row is locked per message, the photo is bytea."""
    chat = chats(requests_table(), database=pg.new_database())
    photo = _photo((90, 90, 90))
    graph.media["media.pg.1"] = (photo, "image/png")
    chat.consent()
    chat.next()
    chat.send(tap(ANNA, "start:angebot", "Angebot anfragen"))
    public_id = buttons(chat.next())[0][0].split(":")[1]
    chat.send(tap(ANNA, f"r:{public_id}:bereich:innen", "Innen"))
    chat.next()
    chat.send(text(ANNA, "12"))
    chat.next()
    chat.send(image(ANNA, "media.pg.1", photo, mime="image/png"))
    wait_until(lambda: [r["state"] for r in chat.rows(store.request_files)] == ["stored"])
    stored = chat.rows(store.request_files)[0]
    assert decrypt(base64.urlsafe_b64decode(KEY), bytes(stored["data"]), stored["request_id"], stored["id"]) == photo
    chat.send(text(ANNA, "abbrechen"))
    assert body(chat.next()).startswith("Ihre Anfrage ist abgebrochen")
    assert chat.rows(store.guided_requests) == [] and chat.rows(store.request_files) == []


def test_a_photo_that_cannot_be_fetched_is_asked_for_again(chats: Any, graph: FakeGraph) -> None:
    chat = chats(requests_table())
    chat.consent()
    chat.next()
    chat.send(tap(ANNA, "start:angebot", "Angebot anfragen"))
    public_id = buttons(chat.next())[0][0].split(":")[1]
    chat.send(tap(ANNA, f"r:{public_id}:bereich:innen", "Innen"))
    chat.next()
    chat.send(text(ANNA, "40"))
    chat.next()
    chat.send(image(ANNA, "media.gone", b"\xff\xd8\xffnot-at-meta"))  # Meta answers 404 for this media id
    again = chat.next()
    assert body(again).startswith("Eine Datei ließ sich leider nicht laden. Bitte senden Sie sie noch einmal.")
    assert buttons(again) == [(f"r:{public_id}:fotos:~done", "Fertig")]
    assert [r["state"] for r in chat.rows(store.request_files)] == ["failed"]
    assert all(r["data"] is None for r in chat.rows(store.request_files))


def test_the_request_as_a_whatsapp_flow_comes_back_into_the_same_request(chats: Any, graph: FakeGraph,
                                                                         mailbox: Mailbox) -> None:
    chat = chats(smtp_table(mailbox) + requests_table(extra='[bot.requests.flows]\nangebot = "1234567890123"\n'))
    photo = _photo((10, 160, 10))
    graph.media["media.flow.1"] = (photo, "image/jpeg")
    chat.consent()
    chat.next()
    chat.send(tap(ANNA, "start:angebot", "Angebot anfragen"))
    opened = chat.next()
    assert opened["interactive"]["type"] == "flow"
    parameters = opened["interactive"]["action"]["parameters"]
    assert parameters["flow_id"] == "1234567890123" and parameters["flow_cta"] == "Angebot anfragen"
    assert parameters["flow_message_version"] == "3" and parameters["flow_action_payload"] == {"screen": "SCREEN_A"}
    token = parameters["flow_token"]
    response = {"flow_token": token, "request": "angebot", "bereich": "beides", "flaeche": "75", "zeitraum": "bald",
                "plz": "80331", "hinweis": "Altbau, hohe Decken",
                "fotos": [{"file_name": "IMG_0001.jpg", "mime_type": "image/jpeg", "id": "media.flow.1",
                           "sha256": hashlib.sha256(photo).hexdigest()}]}
    chat.send(flow_completed(ANNA, response, context="wamid.out.2"))
    summary = chat.next()
    assert "Bereich: Beides\nFläche: 75 m²\nFotos: 1 Datei(en)\nZeitraum: So bald wie möglich\n" in body(summary)
    chat.send(tap(ANNA, f"r:{token}:summary:~send", "Absenden"))
    chat.next()
    wait_until(lambda: mailbox.messages, timeout=40)
    attached = {p.get_filename(): p.get_content() for p in mailbox.messages[0].iter_attachments()}
    assert attached == {"fotos-1.jpg": photo}
    assert "Hinweis: Altbau, hohe Decken" in mailbox.messages[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert graph.requests[0]["auth"] == f"Bearer {ACCESS_TOKEN}"


# --- the parts that need no server: the same database, settings and wording the bot uses ----------------------

def _runtime(tmp_path: Path, extra: str) -> tuple[Any, Any]:
    from site_builder.bot.runtime import load_runtime
    from bot_support import BOT_ENV

    config = make_site(tmp_path / "site", FakeGraph(port=9), extra=extra)
    runtime, problems = load_runtime(config, None, environ={**BOT_ENV, **ENV})
    assert runtime is not None, problems
    engine = store.open_engine(runtime.deployment.database)
    store.migrate(engine)
    return runtime, engine


def _submitted(engine: Any, name: str, answers: dict[str, str], now: Any) -> Any:
    from site_builder.bot import request_store

    with store.writing(engine) as conn:
        row = request_store.start(conn, "106540352242922", ANNA, "Anna Muster", name, "de", "steps", "x", now)
        request_store.save(conn, row.id, now, answers=answers)
        request_store.submit(conn, row.id, now)
    return request_store.by_id(engine, row.id)


def test_a_running_request_expires_after_a_day_and_is_deleted(tmp_path: Path) -> None:
    import datetime as dt

    from site_builder.bot import request_store

    runtime, engine = _runtime(tmp_path, requests_table())
    now = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone.utc)
    with store.writing(engine) as conn:
        row = request_store.start(conn, "106540352242922", ANNA, "Anna", "angebot", "de", "steps", "bereich", now)
        assert request_store.start(conn, "106540352242922", ANNA, "Anna", "angebot", "de", "steps", "x", now) is None
        request_store.save(conn, row.id, now + dt.timedelta(hours=20), answers={"bereich": "innen"})
    with store.writing(engine) as conn:  # a day after the last answer, not after the start
        assert request_store.active(conn, "106540352242922", ANNA, now + dt.timedelta(hours=43)) is not None
        assert request_store.active(conn, "106540352242922", ANNA, now + dt.timedelta(hours=44, minutes=1)) is None
    with engine.connect() as conn:
        assert conn.execute(select(store.guided_requests)).all() == []
    engine.dispose()


def test_an_appointment_request_brings_an_ics_proposal(tmp_path: Path) -> None:
    import datetime as dt

    from icalendar import Calendar

    from site_builder.bot.handoff import request_email

    runtime, engine = _runtime(tmp_path, requests_table().replace('["angebot"]', '["termin"]'))
    rt = next(iter(runtime.sites.values()))
    now = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone.utc)
    row = _submitted(engine, "termin", {"anliegen": "beratung", "tag": "2027-01-14", "tageszeit": "vormittag",
                                        "hinweis": ""}, now)
    mail = request_email(engine, rt, row.id, "bot@schreinerei-muster.de")
    assert mail is not None and mail["Subject"] == "Neue Anfrage „Termin anfragen“ von Anna Muster"
    ics = next(p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.date(2027, 1, 14) and str(event["status"]) == "TENTATIVE"
    assert str(event["summary"]) == "Termin anfragen: Anna Muster"
    assert "Tageszeit: Vormittags" in str(event["description"])
    engine.dispose()


def test_the_owner_is_told_when_a_hand_off_keeps_failing(tmp_path: Path) -> None:
    import datetime as dt

    from site_builder.bot import outbox
    from site_builder.bot.handoff import FAILING_AFTER, failed_attempt, failing_email

    runtime, engine = _runtime(tmp_path, smtp_table(Mailbox(9)) + requests_table(Receiver(9)))
    rt = next(iter(runtime.sites.values()))
    now = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone.utc)
    row = _submitted(engine, "angebot", {"bereich": "innen"}, now)
    with store.writing(engine) as conn:
        outbox.enqueue(conn, f"request:{row.id}:webhook", "webhook", "106540352242922", "request", "request", now,
                       now + dt.timedelta(days=3), "de", {"request_id": row.id, "pid": row.public_id})
    for attempt in range(1, FAILING_AFTER + 1):
        item = outbox.take(engine, "webhook", now + dt.timedelta(hours=attempt), 1, dt.timedelta(minutes=2),
                           dt.timedelta(0))[0]
        failed_attempt(engine, rt, item, now + dt.timedelta(hours=attempt), "HTTP 500")
        with engine.connect() as conn:
            notices = [dict(r) for r in conn.execute(select(store.outbox).where(
                store.outbox.c.kind == "request_failing")).mappings()]
        assert len(notices) == (1 if attempt >= FAILING_AFTER else 0)
    mail = failing_email(rt, json.loads(notices[0]["payload"]), "bot@schreinerei-muster.de")
    assert mail["Subject"] == f"Anfrage {row.public_id} erreicht webhook nicht"
    assert "nach 5 Versuchen" in mail.get_content()
    engine.dispose()
