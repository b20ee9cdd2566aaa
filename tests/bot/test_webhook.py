"""Reading Meta's deliveries: batched entries and changes, statuses, the owner's echoes, media, signatures."""

from __future__ import annotations

import datetime as dt

from site_builder.bot.graph import within_window
from bot_support import without_bot_table
from site_builder.bot.webhook import customer_messages, sign, signature_ok

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)


def _value(messages=(), contacts=(), statuses=()):
    return {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "4917012345670",
                                                         "phone_number_id": "106540352242922"},
            "contacts": list(contacts), "messages": list(messages), "statuses": list(statuses)}


def test_batched_entries_and_changes_give_every_customer_message() -> None:
    payload = {"object": "whatsapp_business_account", "entry": [
        {"id": "1", "changes": [
            {"field": "messages", "value": _value(
                [{"from": "491511", "id": "wamid.A", "timestamp": "1796212800", "type": "text", "text": {"body": "STOP"}},
                 {"from": "491522", "id": "wamid.B", "timestamp": "1796212801", "type": "image", "image": {"id": "x"}}],
                [{"wa_id": "491511", "profile": {"name": "Anna"}}, {"wa_id": "491522", "profile": {"name": "Bernd"}}])},
            {"field": "messages", "value": _value(statuses=[{"id": "wamid.out", "status": "read"}])},
        ]},
        {"id": "2", "changes": [
            {"field": "smb_message_echoes", "value": {"message_echoes": [{"from": "4917012345670", "to": "491511",
                                                                           "id": "wamid.E", "type": "text",
                                                                           "text": {"body": "(Einwilligung 1234abcd)"}}]}},
            {"field": "messages", "value": _value(
                [{"from": "491533", "id": "wamid.C", "timestamp": "bad", "type": "interactive",
                  "interactive": {"type": "button_reply", "button_reply": {"id": "b", "title": "STOP Werbung"}}}])},
        ]},
    ]}
    found, skipped = customer_messages(payload, NOW)
    assert [(m.message_id, m.wa_id, m.profile_name, m.type, m.text) for m in found] == [
        ("wamid.A", "491511", "Anna", "text", "STOP"),
        ("wamid.B", "491522", "Bernd", "image", ""),  # media is never a consent, and its content is not read
        ("wamid.C", "491533", "", "interactive", "STOP Werbung"),
    ]
    assert found[0].at == dt.datetime.fromtimestamp(1796212800, dt.timezone.utc)
    assert found[2].at == NOW  # an unreadable timestamp counts as "now"
    assert skipped == {"statuses": 1, "echoes": 1, "other": 0}


def test_other_objects_and_broken_shapes_give_nothing() -> None:
    for payload in ({"object": "page", "entry": []}, [], {"object": "whatsapp_business_account", "entry": [None, 3]},
                    {"object": "whatsapp_business_account", "entry": [{"changes": [None, {"value": []}]}]}):
        assert customer_messages(payload, NOW)[0] == []


def test_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    header = sign(body, "secret")
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert signature_ok(body, header, "secret")
    assert signature_ok(body, header.upper().replace("SHA256=", "sha256="), "secret")
    assert not signature_ok(body + b" ", header, "secret")
    assert not signature_ok(body, header, "other")
    assert not signature_ok(body, None, "secret") and not signature_ok(body, header[7:], "secret")
    assert not signature_ok(body, header, "")  # no secret configured: nothing is trusted


def test_free_form_replies_only_within_24_hours() -> None:
    assert within_window(NOW - dt.timedelta(hours=23, minutes=59), NOW)
    assert not within_window(NOW - dt.timedelta(hours=24), NOW)


def test_the_bot_table_is_cut_out_for_the_site_settings() -> None:
    text = ('[site]\nbase_url = "x"\n\n[bot]\nphone_number_id = "1"\n[bot.answers.parking]\nkeywords = ["P"]\n'
            '\n[[purposes]]\nid = "service"\n')
    assert without_bot_table(text) == '[site]\nbase_url = "x"\n\n[[purposes]]\nid = "service"\n'


def test_message_ids_and_finished_replies_are_deleted_after_30_days_but_register_rows_stay(tmp_path) -> None:
    from site_builder.bot import outbox, store

    engine = store.open_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    store.migrate(engine)
    old, now = NOW - dt.timedelta(days=31), NOW
    with store.writing(engine) as conn:
        for mid, when in (("wamid.old", old), ("wamid.new", now), ("wamid.waiting", old)):
            assert store.claim_message(conn, "1065", mid, "491511", when, when)
            store.add_events(conn, [store.EventRow(mid, "491511", "Anna", when, "withdrawal", site="1065")])
            assert outbox.enqueue(conn, f"{mid}:reply", "whatsapp", "1065", "491511", "withdrawal_confirmed", when,
                                  when + dt.timedelta(hours=24))
        assert not store.claim_message(conn, "1065", "wamid.new", "491511", now, now)  # a repeated delivery
        conn.execute(store.outbox.update().where(store.outbox.c.claim != "wamid.waiting:reply").values(state="sent"))
    # the old message ids go, and the old reply that was sent; one that never went out stays (it is evidence)
    assert store.prune(engine, NOW) == 3
    counts = store.counts(engine)
    assert (counts["inbound"], counts["replies"], counts["consent_events"]) == (1, 2, 3)
    engine.dispose()
