"""What Meta sends and answers besides plain text, against a real uvicorn, the fake Graph API and a real SMTP server:
errors by code, templates outside the 24-hour window, usernames (business-scoped user ids), number changes,
marketing stops in WhatsApp itself, account restrictions, failed statuses; the owner told by e-mail; /metrics and
JSON logs. Payload shapes as in Meta's webhook references and pywa's fixtures (tests/data/updates/)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot_support import PHONE_NUMBER_ID, Bot, FakeGraph, Msg, delivery, make_site, start_bot, wait_until
from handoff_servers import Mailbox, smtp_table
from site_builder.bot import store
from site_builder.bot.graph import judge
from site_builder.bot.load import load_bot_site
from site_builder.bot.settings import database_url

ANNA, BERND = "4915123456789", "4916098765432"
ANNA_ID = "DE.13491208655302741918"  # her business-scoped user id
TEMPLATES = ('\n[bot.templates.consent_confirmed]\nname = "einwilligung_bestaetigt"\n'
             'language = { de = "de", en = "en_US" }\nparameters = ["business", "version", "date"]\n')


class Setup:
    def __init__(self, tmp_path: Path, graph: FakeGraph, extra: str = "", **options: Any):
        self.config = make_site(tmp_path / "site", graph, extra=extra, **options)
        self.graph = graph
        self.bot: Bot = start_bot(self.config)
        site, _ = load_bot_site(self.config)
        assert site is not None
        self.site = site
        self.engine = store.open_engine(database_url("consent-register.sqlite3", self.config.parent))

    def consent(self, source: str = "r") -> str:
        labels = ", ".join(self.site.purpose_labels("de").values())
        return (f"Hallo Schreinerei Muster, ich willige in WhatsApp-Kontakt ein für: {labels}. "
                f"(Einwilligung {self.site.languages['de'].consent_id}/{source})")

    def value(self, **value: Any) -> dict[str, Any]:
        return {"messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "4917012345670", "phone_number_id": PHONE_NUMBER_ID}, **value}

    def post(self, field: str, value: dict[str, Any], entry_id: str = "102290129340398") -> int:
        return self.bot.post({"object": "whatsapp_business_account",
                              "entry": [{"id": entry_id, "changes": [{"field": field, "value": value}]}]})

    def message(self, message: dict[str, Any], contacts: list[dict[str, Any]]) -> int:
        return self.post("messages", self.value(contacts=contacts, messages=[message]))

    def events(self) -> list[tuple[str, str]]:
        return [(e.wa_id, e.event) for e in store.all_events(self.engine)]

    def outbox(self) -> list[dict[str, Any]]:
        """The replies in the outbox (the owner's e-mails left out)."""
        from sqlalchemy import select
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(store.outbox).where(store.outbox.c.channel == "whatsapp")
                                                  .order_by(store.outbox.c.id)).mappings()]

    def health(self) -> httpx.Response:
        return httpx.get(self.bot.url + "/healthz")

    def close(self) -> None:
        self.bot.stop()
        self.engine.dispose()


@pytest.fixture
def make(tmp_path: Path, graph: FakeGraph) -> Iterator[Any]:
    made: list[Setup] = []

    def factory(extra: str = "", **options: Any) -> Setup:
        made.append(Setup(tmp_path, graph, extra, **options))
        return made[-1]
    yield factory
    for s in made:
        s.close()


def _text(wa_id: str, body: str, **more: Any) -> dict[str, Any]:
    return {"from": wa_id, "id": Msg(wa_id, "", "").with_id().id, "timestamp": str(int(time.time())), "type": "text",
            "text": {"body": body}, **more}


def test_errors_are_judged_by_metas_code_not_the_http_status() -> None:
    # codes from Meta's error-code page and pywa/errors.py (checked 2026-12-07); several arrive as HTTP 400
    for code in (4, 80007, 130429, 131056, 131000, 131016):
        assert judge(400, {"error": {"code": code}}).result == "retry", code
    assert judge(401, {"error": {"code": 190}}).result == "token"
    assert judge(400, {"error": {"code": 131047}}).result == "window"
    for code in (131026, 131050, 131048, 368, 132001):
        assert judge(400, {"error": {"code": code}}).result == "failed", code
    assert judge(503, None).result == "retry" and judge(429, {}).result == "retry"
    assert judge(200, {"messages": [{"id": "wamid.X"}]}).message_id == "wamid.X"


def test_rate_limit_codes_in_http_400_are_retried_into_one_reply(make: Any) -> None:
    s = make()
    s.graph.script[:] = [(400, 131056), (400, 80007), (400, 130429)]
    msg = Msg(ANNA, "Anna", s.consent()).with_id()
    assert s.bot.post(delivery(msg)) == 200
    wait_until(lambda: len(s.graph.texts_to(ANNA)) == 1, timeout=60)
    assert [r["status"] for r in s.graph.requests] == [400, 400, 400, 200]
    # the row is marked sent after Meta's 200 reaches the bot, a moment after the fake Graph API counted the text
    wait_until(lambda: s.outbox()[0]["state"] == "sent", timeout=10)
    assert '"code": 131056' in s.bot.log_text()


def test_an_expired_token_turns_the_bot_unhealthy_and_tells_the_owner(make: Any, mailbox: Mailbox) -> None:
    s = make(smtp_table(mailbox))
    s.graph.script[:] = [(401, 190)]
    assert s.bot.post(delivery(Msg(ANNA, "Anna", s.consent()).with_id())) == 200
    wait_until(lambda: s.health().status_code == 503)
    assert s.health().json()["token_bad"] == [PHONE_NUMBER_ID]
    wait_until(lambda: mailbox.messages)
    assert mailbox.subjects() == ["WhatsApp-Bot: Zugangstoken abgelaufen oder ungültig"]
    assert mailbox.messages[0]["To"] == "info@schreinerei-muster.de"
    # not a closed window: the reply waits, and goes out after a restart with a new token
    assert s.outbox()[0]["state"] == "pending" and s.outbox()[0]["last_code"] == 190
    assert '"msg": "access_token_refused"' in s.bot.log_text() and "131047" not in s.bot.log_text()
    s.bot.stop()
    s.bot = start_bot(s.config)
    s.engine.dispose()
    from sqlalchemy import update
    with store.writing(s.engine) as conn:  # as if the five minutes had passed
        conn.execute(update(store.outbox).values(next_at=store.outbox.c.created_at))
    wait_until(lambda: len(s.graph.texts_to(ANNA)) == 1, timeout=30)
    assert s.health().status_code == 200


def test_a_late_consent_is_confirmed_by_the_approved_template(make: Any) -> None:
    s = make(TEMPLATES)
    old = int(time.time()) - 25 * 3600  # Meta delivering a day late: free text is no longer allowed
    assert s.bot.post(delivery(Msg(ANNA, "Anna", s.consent(), ts=old).with_id())) == 200
    wait_until(lambda: s.graph.to(ANNA))
    sent = s.graph.to(ANNA)[0]
    assert sent["type"] == "template"
    assert sent["template"]["name"] == "einwilligung_bestaetigt" and sent["template"]["language"] == {"code": "de"}
    values = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert values[:2] == ["Schreinerei Muster", s.site.languages["de"].consent_id]
    assert values[2] == time.strftime("%d.%m.%Y", time.gmtime(old))
    assert [e for _, e in s.events()] == ["consent", "marketing_opt_in"]


def test_131047_switches_to_the_template_and_without_one_the_owner_is_told(make: Any, mailbox: Mailbox) -> None:
    s = make(TEMPLATES + smtp_table(mailbox))
    s.graph.script[:] = [(400, 131047)]
    assert s.bot.post(delivery(Msg(ANNA, "Anna", s.consent()).with_id())) == 200  # has a template
    wait_until(lambda: any(j["type"] == "template" for j in s.graph.to(ANNA)))
    s.graph.script[:] = [(400, 131047)]
    assert s.bot.post(delivery(Msg(BERND, "Bernd", "STOPP").with_id())) == 200  # no withdrawal template
    wait_until(lambda: "Bestätigung nicht gesendet: mehr als 24 Stunden vergangen" in mailbox.subjects())
    assert [r["state"] for r in s.outbox() if r["channel"] == "whatsapp"] == ["sent", "expired"]
    assert "Widerruf per WhatsApp: Bernd (+49 160 98765432)" in mailbox.subjects()


def test_a_failed_status_marks_the_reply_failed_and_tells_the_owner(make: Any, mailbox: Mailbox) -> None:
    s = make(smtp_table(mailbox))
    assert s.bot.post(delivery(Msg(ANNA, "Anna", s.consent()).with_id())) == 200
    wait_until(lambda: s.graph.to(ANNA))
    sent = s.graph.sent()[0]
    graph_id = f"wamid.out.{len(s.graph.requests)}"
    status = {"id": graph_id, "status": "failed", "timestamp": str(int(time.time())), "recipient_id": ANNA,
              "biz_opaque_callback_data": sent["json"]["biz_opaque_callback_data"],
              "errors": [{"code": 131026, "title": "Message undeliverable"}]}
    assert s.post("messages", s.value(statuses=[status])) == 200
    wait_until(lambda: s.outbox()[0]["state"] == "failed")
    assert s.outbox()[0]["last_code"] == 131026
    wait_until(lambda: mailbox.messages)
    assert mailbox.subjects() == ["Antwort des WhatsApp-Bots nicht zugestellt"]
    assert "131026" in mailbox.body(0) and "+49 1512 3456789" in mailbox.body(0)


def test_a_customer_known_only_by_a_user_id_is_recorded_and_answered(make: Any) -> None:
    s = make()
    # first with number and user id (Meta sends both while the number is shared), later the user id alone
    first = _text(ANNA, s.consent(), from_user_id=ANNA_ID)
    assert s.message(first, [{"profile": {"name": "Anna"}, "wa_id": ANNA, "user_id": ANNA_ID}]) == 200
    later = _text("", "Wie sind Ihre Öffnungszeiten?", from_user_id=ANNA_ID)
    del later["from"]
    assert s.message(later, [{"profile": {"name": "Anna", "username": "@anna"}, "user_id": ANNA_ID}]) == 200
    wait_until(lambda: s.graph.to(ANNA) and s.graph.to(ANNA_ID))
    answer = s.graph.to(ANNA_ID)[0]
    assert "to" not in answer and answer["recipient"] == ANNA_ID
    assert "Mo–Fr 7–17 Uhr" in answer["text"]["body"]  # she consented under her number: the keyword answer
    # a newcomer with a username only: recorded under the user id, greeted by `recipient`
    other = "DE.99887766554433221100"
    hello = _text("", "Hallo", from_user_id=other)
    del hello["from"]
    assert s.message(hello, [{"profile": {"name": "", "username": "@carla"}, "user_id": other}]) == 200
    wait_until(lambda: s.graph.to(other))
    assert "Einwilligung" in s.graph.to(other)[0]["text"]["body"]
    assert [e for e in s.events() if e[0] == other] == []  # a greeting is no register event


def test_a_number_change_carries_the_consent(make: Any) -> None:
    s = make()
    new = "4917699988877"
    assert s.bot.post(delivery(Msg(ANNA, "Anna", s.consent()).with_id())) == 200
    change = {"from": ANNA, "id": "wamid.system.1", "timestamp": str(int(time.time())), "type": "system",
              "system": {"body": f"User Anna changed from {ANNA} to {new}", "wa_id": new,
                         "type": "user_changed_number"}}
    assert s.post("messages", s.value(messages=[change])) == 200  # no contacts array in system messages
    assert s.bot.post(delivery(Msg(new, "Anna", "Öffnungszeiten?").with_id())) == 200
    wait_until(lambda: s.graph.to(new))
    assert "Mo–Fr 7–17 Uhr" in s.graph.to(new)[0]["text"]["body"]  # not the greeting: she has consented
    assert s.bot.post(delivery(Msg(new, "Anna", "STOPP").with_id())) == 200
    wait_until(lambda: len(s.graph.to(new)) == 2)
    assert s.events()[-1] == (new, "withdrawal")


def test_a_marketing_stop_in_whatsapp_is_a_register_row_and_a_resume_is_no_consent(make: Any) -> None:
    s = make()
    assert s.bot.post(delivery(Msg(ANNA, "Anna", s.consent()).with_id())) == 200
    for value, ts in (("stop", int(time.time()) + 1), ("resume", int(time.time()) + 2)):
        pref = {"wa_id": ANNA, "detail": f"User requested to {value} marketing messages",
                "category": "marketing_messages", "value": value, "timestamp": ts}
        body = s.value(contacts=[{"profile": {"name": "Anna"}, "wa_id": ANNA, "user_id": ANNA_ID}],
                       user_preferences=[pref])
        assert s.post("user_preferences", body) == 200
        assert s.post("user_preferences", body) == 200  # Meta's retry: recorded once
    assert s.events() == [(ANNA, "consent"), (ANNA, "marketing_opt_in"), (ANNA, "marketing_opt_out")]
    from sqlalchemy import select
    with s.engine.connect() as conn:
        notes = conn.execute(select(store.notes.c.kind, store.notes.c.wa_id)).all()
        state = store.consent_state(conn, PHONE_NUMBER_ID, ANNA)
    assert notes == [("marketing_resume", ANNA)]
    assert state.consented and "marketing" not in state.purposes


def test_an_account_restriction_turns_the_bot_unhealthy_and_tells_the_owner(make: Any, mailbox: Mailbox) -> None:
    s = make(smtp_table(mailbox))
    restriction = {"event": "ACCOUNT_RESTRICTION", "restriction_info": [
        {"restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING", "expiration": int(time.time()) + 86400}]}
    assert s.post("account_update", restriction) == 200
    health = s.health()
    assert health.status_code == 503 and health.json()["restricted"] == [PHONE_NUMBER_ID]
    wait_until(lambda: mailbox.messages)
    assert mailbox.subjects() == ["WhatsApp-Konto eingeschränkt: ACCOUNT_RESTRICTION"]
    assert "RESTRICTED_BIZ_INITIATED_MESSAGING" in mailbox.body(0)
    assert s.post("account_update", {"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "REINSTATE"}}) == 200
    assert s.health().status_code == 200


def _noon_zone() -> str:
    """A time zone where it is now between 12:00 and 13:00, so a digest hour can lie just ahead or just behind."""
    offset = 12 - time.gmtime().tm_hour
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def test_the_owner_hears_of_withdrawals_unclear_stops_and_gets_a_daily_digest(make: Any, mailbox: Mailbox) -> None:
    s = make(smtp_table(mailbox), digest_hour=13, timezone=_noon_zone())
    assert s.bot.post(delivery(Msg(ANNA, "Anna Beispiel", s.consent()).with_id())) == 200
    # stop-like but not clear ("Bitte löschen Sie meine Daten" is a withdrawal in free words since issue 23)
    assert s.bot.post(delivery(Msg(BERND, "Bernd", "Stopp, ich meinte Samstag").with_id())) == 200
    assert s.bot.post(delivery(Msg(BERND, "Bernd", "STOPP").with_id())) == 200
    wait_until(lambda: len(mailbox.messages) >= 2)
    assert sorted(mailbox.subjects()) == ["Unklare Nachricht – vielleicht ein Widerruf: Bernd",
                                          "Widerruf per WhatsApp: Bernd (+49 160 98765432)"]
    time.sleep(1.5)
    assert len(mailbox.messages) == 2  # 13:00 has not come: no digest yet
    s.bot.stop()
    s.config.write_text(s.config.read_text(encoding="utf-8").replace("digest_hour = 13", "digest_hour = 12"),
                        encoding="utf-8")
    s.bot = start_bot(s.config)
    wait_until(lambda: len(mailbox.messages) == 3, timeout=30)
    digest = mailbox.messages[2]
    assert str(digest["Subject"]) == "Neue Einwilligungen per WhatsApp: 1"
    assert "Anna Beispiel (+49 1512 3456789): Anfragen & Aufträge, Werbung" in digest.get_content()
    s.bot.stop()
    s.bot = start_bot(s.config)
    time.sleep(2)
    assert len(mailbox.messages) == 3  # one digest a day, however often the bot starts


def test_metrics_and_every_log_line_as_json(make: Any) -> None:
    s = make()
    assert s.bot.post(delivery(Msg(ANNA, "Anna", s.consent()).with_id())) == 200
    assert s.bot.post(b"{}", {"x-hub-signature-256": "sha256=" + "0" * 64}) == 401
    wait_until(lambda: s.graph.to(ANNA))
    time.sleep(0.5)
    page = httpx.get(s.bot.url + "/metrics")
    assert page.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {(x.name, tuple(sorted(x.labels.items()))): x.value
               for m in text_string_to_metric_families(page.text) for x in m.samples}
    assert samples[("bot_deliveries_total", (("result", "stored"),))] == 1
    assert samples[("bot_deliveries_total", (("result", "signature_refused"),))] == 1
    assert samples[("bot_recorded_events_total", (("event", "consent"),))] == 1
    assert samples[("bot_outbox_items", (("channel", "whatsapp"), ("state", "sent")))] == 1
    assert samples[("bot_healthy", ())] == 1 and ("bot_queue_waiting", ()) in samples
    s.bot.stop()
    lines = s.bot.log_text().splitlines()
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)  # the first line too
    assert json.loads(lines[0])["msg"] == "listening"
    assert ANNA not in s.bot.log_text() and "Anna" not in s.bot.log_text()


def test_replies_to_one_customer_keep_the_pair_gap_and_others_are_not_held_up(make: Any) -> None:
    """Meta's pair rate (REFERENCE.md §2: about one message per 6 s to the same user; `pair_gap_ms`): two replies
    to Anna leave at least the gap apart, while Bernd's reply in between is not held up by hers."""
    s = make(pair_gap_ms=1500)
    assert s.bot.post(delivery(Msg(ANNA, "Anna", s.consent()).with_id(),
                               Msg(ANNA, "Anna", "Wie sind Ihre Öffnungszeiten?").with_id(),
                               Msg(BERND, "Bernd", "Hallo").with_id())) == 200
    wait_until(lambda: len(s.graph.to(ANNA)) == 2 and s.graph.to(BERND), timeout=30)
    at = {who: [r["at"] for r in s.graph.sent() if r["json"].get("to") == who] for who in (ANNA, BERND)}
    assert at[ANNA][1] - at[ANNA][0] >= 1.4, at
    assert at[BERND][0] - at[ANNA][0] < 1.4, at
