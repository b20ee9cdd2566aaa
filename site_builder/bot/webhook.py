"""Meta's webhook deliveries: the signature check and the customer messages inside a delivery.

REFERENCE.md §2 "Cloud API" (checked 2026-12-02): X-Hub-Signature-256 is "sha256=" + hex HMAC-SHA256 of the raw
body with the app secret; the body is {object: "whatsapp_business_account", entry[].changes[].value} with
metadata, contacts[].{profile.name, wa_id} and messages[].{from, id, timestamp, type, text.body} or statuses[].
Under coexistence, what the owner types in the Business app arrives as `smb_message_echoes`: the business's own
messages, never a customer's, so they are never read as consent."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Inbound:
    """One customer message of a delivery (its text is kept in memory only, never stored)."""

    message_id: str
    wa_id: str
    profile_name: str
    at: dt.datetime  # UTC
    type: str
    text: str
    phone_number_id: str


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


def _time(value: Any, fallback: dt.datetime) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(str(value)), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return fallback


def customer_messages(payload: Any, now: dt.datetime) -> tuple[list[Inbound], dict[str, int]]:
    """The customer messages of a delivery, and counts of what else it held (statuses, echoes, other)."""
    found: list[Inbound] = []
    skipped = {"statuses": 0, "echoes": 0, "other": 0}
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        skipped["other"] += 1
        return found, skipped
    for entry in payload.get("entry") or []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes or []:
            if not isinstance(change, dict):
                continue
            value = change.get("value") or {}
            field = change.get("field", "messages")
            if field != "messages" or not isinstance(value, dict):
                skipped["echoes" if field == "smb_message_echoes" else "other"] += 1
                continue
            skipped["statuses"] += len(value.get("statuses") or [])
            skipped["echoes"] += len(value.get("message_echoes") or [])
            phone_id = str((value.get("metadata") or {}).get("phone_number_id", ""))
            names = {str(c.get("wa_id", "")): str((c.get("profile") or {}).get("name", ""))
                     for c in value.get("contacts") or [] if isinstance(c, dict)}
            for message in value.get("messages") or []:
                if not isinstance(message, dict) or not message.get("id") or not message.get("from"):
                    skipped["other"] += 1
                    continue
                wa_id = str(message["from"])
                found.append(Inbound(str(message["id"]), wa_id, names.get(wa_id, ""),
                                     _time(message.get("timestamp"), now), str(message.get("type", "")),
                                     _text_of(message), phone_id))
    return found, skipped
