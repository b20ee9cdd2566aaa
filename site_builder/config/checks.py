"""Checks of single values, named by the schema; each returns a catalogue key with its fields, or None."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

Fault = tuple[str, dict[str, Any]]

PAPER_FORMATS = ("A4", "A5", "A6")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")  # with fullmatch
# One DNS label after IDNA encoding (RFC 1123); the top level is letters or an xn-- label.
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
# A path segment is written into server configs and QR codes: unreserved characters only, so no quote,
# brace, semicolon, space or backslash can reach nginx.conf, .htaccess or a Caddyfile. No %XX either: nginx
# and Caddy match the decoded path, so "/caf%C3%A9/" in a `location` never applies (issue 22: the pages were
# served without their headers); a path means what it says.
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
# Characters that reorder or hide text (Trojan Source, CVE-2021-42574) or are invisible controls.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def hidden_character(value: str, *, newlines: bool) -> str | None:
    """The first control or bidi character in `value` (as U+XXXX), None if there is none."""
    for char in value:
        if char in BIDI or (unicodedata.category(char) == "Cc" and not (newlines and char == "\n")):
            return f"U+{ord(char):04X}"
    return None


def https_url(value: str) -> Fault | None:
    bad = next((c for c in value if c.isspace() or c in "\"'<>\\`{}|^;" or unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        return "config.url_character", {"char": f"U+{ord(bad):04X}"}
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc:
        return "config.url_not_https", {}
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return "config.url_query", {}
    if "@" in parts.netloc:
        return "config.url_userinfo", {}
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "config.url_host", {"host": parts.netloc}
    if port is not None and not 0 < port < 65536 or not _valid_host(host):
        return "config.url_host", {"host": parts.netloc}
    segments = [s for s in parts.path.split("/") if s]
    if not parts.path.startswith("/") and parts.path or any(s in (".", "..") or not _SEGMENT.fullmatch(s)
                                                            for s in segments):
        return "config.url_path", {"path": parts.path}
    return None


def _valid_host(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()  # IDN: münchen.de -> xn--mnchen-3ya.de
    except UnicodeError:
        return False
    if ascii_host.endswith("."):  # "example.de." is the same host written absolute: one spelling only
        return False
    labels = ascii_host.split(".")
    return len(labels) >= 2 and len(ascii_host) <= 253 and all(_LABEL.fullmatch(x) for x in labels) \
        and bool(_TLD.fullmatch(labels[-1]))


def email(value: str) -> Fault | None:
    if not re.fullmatch(r"[^@\s<>\"'\\;,()\[\]]+@[^@\s<>\"'\\;,()\[\]]+\.[A-Za-z]{2,}", value):
        return "config.bad_email", {"value": value}
    return None


def colour(value: str) -> Fault | None:
    return None if HEX_COLOUR.fullmatch(value) else ("config.bad_colour", {"value": value})


def bleed(value: float) -> Fault | None:
    return None if 0 <= value <= 5 else ("config.bad_bleed", {"value": value})


def error_correction(value: str) -> Fault | None:
    return None if value in ("L", "M", "Q", "H") else ("config.bad_error_correction", {"value": value})


CONTACTS_ACCESS = ("off", "customers_only", "all")


def contacts_access(value: str) -> Fault | None:
    return None if value in CONTACTS_ACCESS else ("config.bad_contacts_access",
                                                  {"value": value, "known": ", ".join(CONTACTS_ACCESS)})


MINORS = ("none", "parental_consent", "other_channel")


def minors(value: str) -> Fault | None:
    return None if value in MINORS else ("config.bad_minors", {"value": value, "known": ", ".join(MINORS)})


def formats(value: list) -> Fault | None:
    bad = [v for v in value if v not in PAPER_FORMATS]
    if bad:
        return "config.bad_paper_size", {"value": bad[0], "known": ", ".join(PAPER_FORMATS)}
    return None


def _between(low: int, high: int, key: str):
    def check(value: int) -> Fault | None:
        return None if low <= value <= high else (key, {"value": value, "low": low, "high": high})
    return check


months = _between(1, 120, "config.bad_months")
workdays = _between(1, 30, "config.bad_workdays")
review_months = _between(1, 24, "config.bad_review_months")
app_limit = _between(1, 4096, "config.bad_app_limit")
log_days = _between(1, 3650, "config.bad_log_days")


def preset(value: str) -> Fault | None:
    from ..presets import GENERIC, presets  # reads only TOML files; no cycle

    known = [*presets(), GENERIC]
    return None if value in known else ("config.bad_preset", {"value": value, "known": ", ".join(known)})


def finite(value: float) -> bool:
    return math.isfinite(value)
