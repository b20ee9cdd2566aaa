"""Meta's webhook deliveries: the signature check, and what a delivery holds, as typed updates.

REFERENCE.md §2 "Cloud API"; payload shapes checked 2026-12-07 against Meta's webhook references (messages,
system messages: "user_changed_number" with system.wa_id the new number, no contacts array) and the real payload
fixtures of david-lev/pywa (tests/data/updates/, commit 0bcf2f1 of 2026-08-12): message_status (with errors[] when
`failed`, biz_opaque_callback_data when the send carried one), system, user_marketing_preferences (field
"user_preferences", value "stop"/"resume"), account_update (no metadata: entry.id is the business account).
A customer with a username may come without a phone number: messages[].from_user_id / contacts[].user_id hold
the business-scoped user id (BSUID, "DE.123...") and the reply goes to `recipient` instead of `to`.
Under coexistence, what the owner types in the Business app arrives as `smb_message_echoes`: the business's own
messages, never a customer's, so they are never read as consent."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

BSUID = re.compile(r"^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$")


@dataclass(frozen=True)
class MediaRef:
    """A photo or document a customer sent: Meta's media id (valid 7 days) and what Meta says of it. The file name
    is the customer's own words: shown, never used as a path."""

    media_id: str
    mime_type: str
    sha256: str = ""
    filename: str = ""


@dataclass(frozen=True)
class Inbound:
    """One customer message (its text is kept in memory only, never stored)."""

    message_id: str
    wa_id: str  # the customer as the register names them: the phone number, else the business-scoped user id
    profile_name: str
    at: dt.datetime  # UTC
    type: str
    text: str
    phone_number_id: str
    user_id: str = ""  # the BSUID, when Meta sent one
    system: tuple[str, str] = ("", "")  # (system.type, the new id) of a `system` message
    reply_id: str = ""  # the id of the reply button or list row tapped (interactive button_reply, list_reply)
    media: tuple[MediaRef, ...] = ()  # an image or document message's file; a Flow's completion may carry several
    flow_response: str = ""  # a Flow's completion (interactive nfm_reply): its response_json, as sent


@dataclass(frozen=True)
class StatusUpdate:
    phone_number_id: str
    graph_message_id: str
    status: str  # sent, delivered, read, failed
    callback: str  # biz_opaque_callback_data: our outbox id
    error_code: int = 0


@dataclass(frozen=True)
class PreferenceUpdate:
    """A customer stopped or resumed marketing messages in WhatsApp itself (`user_preferences`)."""

    phone_number_id: str
    wa_id: str
    user_id: str
    value: str  # stop, resume (others are recorded as they come)
    at: dt.datetime


@dataclass(frozen=True)
class AccountUpdate:
    business_account_id: str
    event: str
    detail: str  # restriction types or ban state, for the owner and the health check
    until: dt.datetime | None = None


@dataclass
class Delivery:
    """Everything one webhook body holds, and counts of what it held besides."""

    messages: list[Inbound] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    preferences: list[PreferenceUpdate] = field(default_factory=list)
    accounts: list[AccountUpdate] = field(default_factory=list)
    numbers: set[str] = field(default_factory=set)  # the phone_number_ids named
    skipped: dict[str, int] = field(default_factory=lambda: {"echoes": 0, "other": 0})


def signature_ok(body: bytes, header: str | None, secret: str) -> bool:
    """Whether the X-Hub-Signature-256 header signs exactly these bytes with the app secret."""
    if not header or not header.startswith("sha256=") or not secret:
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def sign(body: bytes, secret: str) -> str:
    """The header value Meta would send (for tests and the load benchmark)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _text_of(message: dict[str, Any]) -> str:
    kind = message.get("type")
    if kind == "text":
        return str((message.get("text") or {}).get("body", ""))
    if kind == "button":  # a quick-reply button of a template
        return str((message.get("button") or {}).get("text", ""))
    if kind == "interactive":
        inner = message.get("interactive") or {}
        reply = inner.get("button_reply") or inner.get("list_reply") or {}
        return str(reply.get("title", ""))
    return ""  # media, location, reactions: never a consent


def _interactive(message: dict[str, Any]) -> tuple[str, str]:
    """(reply id, a Flow's response_json) of an interactive message; a broken one gives nothing."""
    inner = message.get("interactive")
    if message.get("type") != "interactive" or not isinstance(inner, dict):
        return "", ""
    reply = inner.get("button_reply") or inner.get("list_reply")
    if isinstance(reply, dict):
        return str(reply.get("id", ""))[:256], ""
    flow = inner.get("nfm_reply")
    if isinstance(flow, dict) and isinstance(flow.get("response_json"), str):
        return "", flow["response_json"][:200_000]  # a Flow's answers and media ids: small
    return "", ""


def _media(message: dict[str, Any]) -> tuple[MediaRef, ...]:
    kind = message.get("type")
    inner = message.get(kind) if kind in ("image", "document") else None
    if not isinstance(inner, dict) or not inner.get("id"):
        return ()
    return (MediaRef(str(inner["id"])[:200], str(inner.get("mime_type", ""))[:100], str(inner.get("sha256", ""))[:100],
                     str(inner.get("filename", ""))[:200]),)


def _time(value: Any, fallback: dt.datetime) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(str(value)), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return fallback


def _dicts(value: Any) -> Iterable[dict[str, Any]]:
    return (item for item in value if isinstance(item, dict)) if isinstance(value, list) else ()


def _customer(message: dict[str, Any], contacts: dict[str, dict[str, Any]]) -> tuple[str, str, str]:
    """(phone number, BSUID, profile name) of a message's sender, from the message and its contact."""
    phone = str(message.get("from") or "")
    user_id = str(message.get("from_user_id") or "")
    distinct = {id(c): c for c in contacts.values()}
    contact = contacts.get(phone) or contacts.get(user_id) or (next(iter(distinct.values())) if len(distinct) == 1
                                                                else {})
    phone = phone or str(contact.get("wa_id") or "")
    user_id = user_id or str(contact.get("user_id") or "")
    profile = contact.get("profile") or {}
    name = str(profile.get("name") or profile.get("username") or "") if isinstance(profile, dict) else ""
    return (phone if phone.isdigit() else ""), (user_id if BSUID.match(user_id) else ""), name


def _messages(value: dict[str, Any], phone_id: str, now: dt.datetime, out: Delivery) -> None:
    contacts: dict[str, dict[str, Any]] = {}
    for c in _dicts(value.get("contacts")):
        for key in ("wa_id", "user_id"):
            if c.get(key):
                contacts[str(c[key])] = c
    for message in _dicts(value.get("messages")):
        phone, user_id, name = _customer(message, contacts)
        if not message.get("id") or not (phone or user_id):
            out.skipped["other"] += 1
            continue
        system = ("", "")
        if message.get("type") == "system" and isinstance(message.get("system"), dict):
            inner = message["system"]
            system = (str(inner.get("type", "")), str(inner.get("wa_id") or inner.get("user_id") or ""))
        reply_id, flow = _interactive(message)
        out.messages.append(Inbound(str(message["id"]), phone or user_id, name, _time(message.get("timestamp"), now),
                                    str(message.get("type", "")), _text_of(message), phone_id, user_id, system,
                                    reply_id, _media(message), flow))
    for status in _dicts(value.get("statuses")):
        errors = list(_dicts(status.get("errors")))
        code = errors[0].get("code", 0) if errors else 0
        out.statuses.append(StatusUpdate(phone_id, str(status.get("id", "")), str(status.get("status", "")),
                                         str(status.get("biz_opaque_callback_data", "")),
                                         code if isinstance(code, int) else 0))
    out.skipped["echoes"] += len(value.get("message_echoes") or [])


def _preferences(value: dict[str, Any], phone_id: str, now: dt.datetime, out: Delivery) -> None:
    ids = {str(c.get("wa_id") or ""): str(c.get("user_id") or "") for c in _dicts(value.get("contacts"))}
    for pref in _dicts(value.get("user_preferences")):
        if pref.get("category") != "marketing_messages":
            out.skipped["other"] += 1
            continue
        phone, user_id = str(pref.get("wa_id") or ""), str(pref.get("user_id") or "")
        user_id = user_id or ids.get(phone, "")
        if not (phone.isdigit() or BSUID.match(user_id)):
            out.skipped["other"] += 1
            continue
        out.preferences.append(PreferenceUpdate(phone_id, phone if phone.isdigit() else user_id, user_id,
                                                str(pref.get("value", "")), _time(pref.get("timestamp"), now)))


def _account(value: dict[str, Any], waba: str, out: Delivery) -> None:
    event = str(value.get("event", ""))
    restrictions = [str(r.get("restriction_type", "")) for r in _dicts(value.get("restriction_info"))]
    until = max((_time(r.get("expiration"), dt.datetime.min.replace(tzinfo=dt.timezone.utc))
                 for r in _dicts(value.get("restriction_info"))), default=None)
    ban = value.get("ban_info") if isinstance(value.get("ban_info"), dict) else {}
    violation = value.get("violation_info") if isinstance(value.get("violation_info"), dict) else {}
    detail = ", ".join(restrictions) or str(ban.get("waba_ban_state") or violation.get("violation_type") or "")
    out.accounts.append(AccountUpdate(waba, event, detail[:200], until))


def parse_delivery(payload: Any, now: dt.datetime) -> Delivery:
    """The updates of one webhook body (a broken shape gives nothing, counted as `other`)."""
    out = Delivery()
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        out.skipped["other"] += 1
        return out
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            field_name = change.get("field", "messages")
            if not isinstance(value, dict):
                out.skipped["other"] += 1
                continue
            if field_name == "account_update":
                _account(value, str(entry.get("id", "")), out)
                continue
            phone_id = str((value.get("metadata") or {}).get("phone_number_id", ""))
            if field_name == "smb_message_echoes":
                out.skipped["echoes"] += len(value.get("message_echoes") or [])
            elif field_name == "messages":
                _messages(value, phone_id, now, out)
            elif field_name == "user_preferences":
                _preferences(value, phone_id, now, out)
            else:
                out.skipped["other"] += 1
                continue
            out.numbers.add(phone_id)
    return out


def customer_messages(payload: Any, now: dt.datetime) -> tuple[list[Inbound], dict[str, int]]:
    """The customer messages of a delivery, and counts of what else it held (statuses, echoes, other)."""
    d = parse_delivery(payload, now)
    return d.messages, {"statuses": len(d.statuses), **d.skipped}
