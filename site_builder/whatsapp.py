"""Click-to-chat links: https://wa.me/<digits>?text=<percent-encoded message>."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

# Meta's QR-code/short-link API caps a prefilled message at 140 characters.
MAX_MESSAGE_CHARS = 140


def wa_link(digits: str, text: str | None = None) -> str:
    """The wa.me link; spaces become %20 (never +) and every reserved character is encoded."""
    if not digits.isdigit() or digits.startswith("0"):
        raise ValueError(f"wa.me needs the international number as digits only, without leading zeros, got {digits!r}")
    link = f"https://wa.me/{digits}"
    if text:
        link += "?text=" + quote(text, safe="")
    return link


def message_of(link: str) -> str:
    """The decoded message of a wa.me link (the inverse of wa_link)."""
    query = urlsplit(link).query
    if not query.startswith("text="):
        return ""
    return unquote(query[len("text="):])


def fill(template: str, **fields: str) -> str:
    """Fill a message template's {fields}; unknown braces are left as they are."""
    out = template
    for key, value in fields.items():
        out = out.replace("{" + key + "}", value)
    return " ".join(out.split())
