"""What a delivery changes, in one transaction that commits before the webhook answers 200: the register rows,
the replies and owner notices queued in the outbox, status webhooks applied to sent replies, marketing stops from
WhatsApp itself, number changes and account restrictions. Nothing here talks to the network."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.engine import Connection

from ..register import EVENT_CONSENT, EVENT_MARKETING_OPT_IN, EVENT_MARKETING_OPT_OUT, EVENT_WITHDRAWAL, \
    MARKETING_PURPOSE, Recognition
from . import guide, outbox, store
from .graph import WINDOW, WINDOW_CODES
from .webhook import AccountUpdate, Delivery, Inbound, PreferenceUpdate, StatusUpdate

if TYPE_CHECKING:
    from .runtime import SiteRuntime

log = logging.getLogger("site_builder.bot")

REPLY_OF_EVENT = {EVENT_WITHDRAWAL: "withdrawal_confirmed", EVENT_MARKETING_OPT_OUT: "marketing_stopped"}
NOTICE_DAYS = dt.timedelta(days=3)  # an owner's e-mail is retried this long
RESTRICTING = {"ACCOUNT_RESTRICTION", "DISABLED_UPDATE"}


def ref(message_id: str) -> str:
    """A short stand-in for a message id in logs: lets lines be matched up without naming anyone."""
    return hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class Prepared:
    """A customer message with what could be worked out before the transaction (the text is kept only for a
    consent, withdrawal or opt-out: the register row holds it as the customer's own words)."""

    msg: Inbound
    rt: "SiteRuntime"
    found: Recognition | None
    stop_like: bool
    text: str  # for the keyword answer; dropped with this object after the request


@dataclass
class DeliveryJob:
    """One delivery's work for the database, routed to its businesses."""

    messages: list[Prepared] = field(default_factory=list)
    statuses: list[tuple[StatusUpdate, "SiteRuntime"]] = field(default_factory=list)
    preferences: list[tuple[PreferenceUpdate, "SiteRuntime"]] = field(default_factory=list)
    accounts: list[tuple[AccountUpdate, "SiteRuntime"]] = field(default_factory=list)


@dataclass
class Effects:
    """What the transaction did (for logs and /metrics)."""

    recorded: dict[str, int] = field(default_factory=dict)  # register events by name
    duplicates: int = 0
    replies: int = 0
    notices: int = 0
    statuses: int = 0

    def count(self, event: str) -> None:
        self.recorded[event] = self.recorded.get(event, 0) + 1


def prepare(delivery: Delivery, route: dict[str, "SiteRuntime"], accounts: list[tuple[AccountUpdate, "SiteRuntime"]]
            ) -> DeliveryJob:
    """Recognise every message (CPU only, outside the transaction) and pair each update with its business."""
    job = DeliveryJob(accounts=accounts)
    for msg in delivery.messages:
        rt = route[msg.phone_number_id]
        # one phrase list for the bot and `consents` (wording/register/<lang>/stop_words.toml)
        found, stop_like = rt.site.recognizer.read(msg.text) if msg.text else (None, False)
        job.messages.append(Prepared(msg, rt, found, stop_like, msg.text))
    job.statuses = [(s, route[s.phone_number_id]) for s in delivery.statuses]
    job.preferences = [(p, route[p.phone_number_id]) for p in delivery.preferences]
    return job


def record(conn: Connection, job: DeliveryJob, now: dt.datetime) -> Effects:
    """Apply one delivery (all of it, or nothing: the caller's transaction)."""
    effects = Effects()
    for prepared in job.messages:
        _message(conn, prepared, now, effects)
    for status, rt in job.statuses:
        _status(conn, status, rt, now, effects)
    for pref, rt in job.preferences:
        _preference(conn, pref, rt, now, effects)
    for account, rt in job.accounts:
        _account(conn, account, rt, now, effects)
    return effects


def notify(conn: Connection, rt: "SiteRuntime", kind: str, key: str, now: dt.datetime, **payload: Any) -> bool:
    """Queue an e-mail to the owner (once per key); nothing if the deployment sends no e-mail."""
    if not rt.notices:
        log.warning("owner_notice_not_sent", extra={"kind": kind, "site": rt.settings.phone_number_id})
        return False
    return outbox.enqueue(conn, f"notice:{rt.settings.phone_number_id}:{key}", "email", rt.settings.phone_number_id,
                          kind, kind, now, now + NOTICE_DAYS, rt.site.default_lang, payload)


def event_rows(msg: Inbound, found: Recognition, status: str, site: str) -> list[store.EventRow]:
    """The register rows of a recognised message: as `register.classify` makes them from an export."""
    common = dict(message_id=msg.message_id, wa_id=msg.wa_id, profile_name=msg.profile_name, at=msg.at,
                  lang=found.lang, site=site, text=msg.text or "")
    if found.event == EVENT_CONSENT:
        rows = [store.EventRow(event=EVENT_CONSENT, consent_id=found.consent_id, source=found.source,
                               purposes=";".join(found.purposes), version_status=status, **common)]
        if MARKETING_PURPOSE in found.purposes:
            rows.append(store.EventRow(event=EVENT_MARKETING_OPT_IN, consent_id=found.consent_id,
                                       source=found.source, purposes=MARKETING_PURPOSE, version_status=status,
                                       **common))
        return rows
    return [store.EventRow(event=found.event, purposes=";".join(found.purposes), **common)]


def _message(conn: Connection, p: Prepared, now: dt.datetime, effects: Effects) -> None:
    msg, rt, found = p.msg, p.rt, p.found
    site = rt.settings.phone_number_id
    if not store.claim_message(conn, site, msg.message_id, msg.wa_id, msg.at, now):
        effects.duplicates += 1
        return
    if msg.user_id and msg.user_id != msg.wa_id:
        store.add_alias(conn, site, msg.wa_id, msg.user_id, now)
    if msg.type == "system":
        _system(conn, msg, rt, now)
        return
    # a consent's reply and language come from the message itself; everything else depends on the standing
    known = found is not None and found.event == EVENT_CONSENT
    before = store.ConsentState(False, (), found.lang) if known else store.consent_state(conn, site, msg.wa_id)
    status = rt.site.recognizer.version_status(found.consent_id) if found and found.event == EVENT_CONSENT else ""
    if found is not None:
        for row in event_rows(msg, found, status, site):
            effects.count(row.event)
        store.add_events(conn, event_rows(msg, found, status, site))
    lang = (found.lang if found else "") or before.lang or rt.site.default_lang
    if lang not in rt.site.languages:
        lang = rt.site.default_lang
    who = {"customer": msg.wa_id, "name": msg.profile_name, "at": msg.at.isoformat()}
    if found is not None and found.event == EVENT_WITHDRAWAL:
        effects.notices += notify(conn, rt, "withdrawal", f"withdrawal:{msg.message_id}", now, **who)
        guide.cancel_running(conn, site, msg.wa_id, now)  # STOP ends a running request too, its data deleted
    elif p.stop_like:
        effects.notices += notify(conn, rt, "unclear_stop", f"unclear:{msg.message_id}", now, **who)
    if found is None and not p.stop_like:
        queued = guide.handle(conn, rt, msg, before, lang, now)
        if queued is not None:  # a guided request's message
            effects.replies += queued
            return
    kind, claim, extra = _reply_for(msg, found, status, before, lang, rt, p.text, now)
    if kind is None:
        return
    queued = outbox.enqueue(conn, claim, "whatsapp", site, msg.wa_id, kind, now, msg.at + WINDOW, lang,
                            {**extra, "customer_at": msg.at.isoformat(), "ref": ref(msg.message_id)})
    effects.replies += queued


def _reply_for(msg: Inbound, found: Recognition | None, status: str, before: store.ConsentState, lang: str,
               rt: "SiteRuntime", text: str, now: dt.datetime) -> tuple[str | None, str, dict[str, Any]]:
    claim = f"{msg.message_id}:reply"
    if found is not None and found.event == EVENT_CONSENT:
        if status == "unknown":
            return "unknown_version", claim, {"version": found.consent_id}
        requests = rt.site.model.requests
        offer = bool(requests) and requests.purpose in found.purposes  # "Angebot anfragen" below the confirmation
        return "consent_confirmed", claim, {"version": found.consent_id, "purposes": list(found.purposes),
                                            "marketing": MARKETING_PURPOSE in found.purposes, "offer": offer}
    if found is not None:
        return REPLY_OF_EVENT.get(found.event), claim, {}
    if msg.type == "system":
        return None, claim, {}
    if before.consented:
        # the owner answers ordinary chat; the bot only the questions configured as keywords
        return rt.replies.keyword_answer(lang, text) if text else None, claim, {}
    # someone without consent gets the neutral greeting, once a day at most, and nothing else
    return "greeting", f"greeting:{rt.settings.phone_number_id}:{msg.wa_id}:{now.date().isoformat()}", {}


def _system(conn: Connection, msg: Inbound, rt: "SiteRuntime", now: dt.datetime) -> None:
    kind, new_id = msg.system
    site = rt.settings.phone_number_id
    if kind in ("user_changed_number", "user_changed_user_id") and new_id:
        # the consent follows the person: the new id is linked to every id the customer had
        store.add_alias(conn, site, msg.wa_id, new_id, now)
        store.add_note(conn, f"system:{msg.message_id}", site, kind, new_id, msg.at, f"from {msg.wa_id}")
    else:
        store.add_note(conn, f"system:{msg.message_id}", site, kind or "system", msg.wa_id, msg.at, "")


def _status(conn: Connection, status: StatusUpdate, rt: "SiteRuntime", now: dt.datetime, effects: Effects) -> None:
    site = rt.settings.phone_number_id
    row = outbox.settle_by_status(conn, site, status.graph_message_id, status.callback, status.status,
                                  status.error_code)
    if row is None:
        return
    effects.statuses += 1
    if status.status != "failed" or row["state"] in ("failed", "expired"):
        return
    payload = json.loads(row["payload"] or "{}")
    if row["kind"] == "request" and payload.get("show") == "flow" and status.error_code == 131026:
        guide.flow_undeliverable(conn, rt, payload, row["target"], now)  # this WhatsApp shows no Flows
        return
    template = rt.settings.templates.get(row["kind"])
    if status.error_code in WINDOW_CODES and template is not None:
        payload = {**json.loads(row["payload"] or "{}"), "template": True}
        conn.execute(update(store.outbox).where(store.outbox.c.id == row["id"]).values(
            state="pending", next_at=now, deadline=now + NOTICE_DAYS, payload=json.dumps(payload, sort_keys=True)))
        return
    effects.notices += notify(conn, rt, "failed_send", f"failed:{row['id']}", now, customer=row["target"],
                              reply=row["kind"], code=status.error_code)


def _preference(conn: Connection, pref: PreferenceUpdate, rt: "SiteRuntime", now: dt.datetime,
                effects: Effects) -> None:
    site = rt.settings.phone_number_id
    key = f"pref:{pref.wa_id}:{int(pref.at.timestamp())}:{pref.value}"
    if pref.user_id and pref.user_id != pref.wa_id:
        store.add_alias(conn, site, pref.wa_id, pref.user_id, now)
    if pref.value == "stop":
        # Meta's marketing stop is an objection to advertising (UWG § 7, GDPR Art. 21(3)): a register row
        lang = store.consent_state(conn, site, pref.wa_id).lang
        if store.claim_message(conn, site, key, pref.wa_id, pref.at, now):
            store.add_events(conn, [store.EventRow(key, pref.wa_id, "", pref.at, EVENT_MARKETING_OPT_OUT,
                                                   purposes=MARKETING_PURPOSE, lang=lang, site=site)])
            effects.count(EVENT_MARKETING_OPT_OUT)
    else:
        # a resume in WhatsApp is noted, but it is no consent to advertising: that needs the consent page
        store.add_note(conn, key, site, f"marketing_{pref.value}"[:40], pref.wa_id, pref.at, "")


def _account(conn: Connection, account: AccountUpdate, rt: "SiteRuntime", now: dt.datetime,
             effects: Effects) -> None:
    site = rt.settings.phone_number_id
    key = f"account:{account.event}:{account.detail}:{now.date().isoformat()}"
    store.add_note(conn, f"{key}:{site}", site, "account_update", "", now, f"{account.event} {account.detail}")
    lifted = account.event == "DISABLED_UPDATE" and account.detail.upper() == "REINSTATE"
    if account.event in RESTRICTING and not lifted:
        store.set_site_state(conn, site, restricted=f"{account.event} {account.detail}".strip()[:240],
                             restricted_until=account.until)
        effects.notices += notify(conn, rt, "restricted", key, now, event=account.event, detail=account.detail)
    elif lifted:
        store.set_site_state(conn, site, restricted="", restricted_until=None)
    elif account.event == "ACCOUNT_VIOLATION":
        effects.notices += notify(conn, rt, "restricted", key, now, event=account.event, detail=account.detail)

