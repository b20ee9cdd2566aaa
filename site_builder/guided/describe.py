"""What the legal texts say about a site's guided requests, from the request definitions and the settings
themselves: which requests, which questions, how many files of what size, how long they are kept, where they go.
The privacy notice (site/request_notice.py) and the records (stages/records/requests_record.py) fill the wording
of wording/records/<lang>/requests.toml with these values."""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlsplit

from .request_files import RequestSet

QUOTES = {"de": ("„", "“")}


def request_values(settings: Any, requests: RequestSet, lang: str) -> dict[str, str]:
    """The placeholders of wording/records/<lang>/requests.toml, in `lang` (recipients and files are sentences
    made from the wording itself: `recipients_and_files`)."""
    values = settings.for_lang(lang)
    bot = values.get("bot") or {}
    smtp = bot.get("smtp") or {}
    opening, closing = QUOTES.get(lang, ('"', '"'))
    labels: list[str] = []
    for request in requests.requests:
        labels += [s.label[lang] for s in request.steps if not s.media and s.label[lang] not in labels]
    media = [s for request in requests.requests for s in request.steps if s.media]
    purpose = next((p.short for p in values.purposes if p.id == requests.purpose), requests.purpose)
    email = requests.email or bot.get("notify_email") or values.business.email
    return {
        "titles": ", ".join(f"{opening}{r.title[lang]}{closing}" for r in requests.requests),
        "fields": ", ".join(labels), "purpose": str(purpose), "keep_days": str(requests.keep_days),
        "most": str(max((s.most for s in media), default=0)), "mb": str(max((s.max_mb for s in media), default=0)),
        "email": str(email) if smtp else "", "smtp_host": str(smtp.get("host") or ""),
        "webhook_host": urlsplit(requests.webhook_url).hostname or "" if requests.webhook_url else "",
        "business": str(values.business.name),
    }


def recipients_and_files(words: Mapping[str, Any], values: dict[str, str], fill: Any) -> dict[str, str]:
    """`values` with the sentences naming the recipients and the files (the wording's recipients_*, privacy_files)."""
    parts = []
    if values["email"]:
        parts.append(fill(words.get("recipients_email", ""), values))
    if values["webhook_host"]:
        parts.append(fill(words.get("recipients_webhook", ""), values))
    out = dict(values)
    out["recipients"] = "; ".join(parts) if parts else fill(words.get("recipients_none", ""), values)
    out["files"] = fill(words.get("privacy_files", ""), values) if values["most"] != "0" else ""
    out["webhook_note"] = fill(words.get("staff_webhook_note", ""), values) if values["webhook_host"] else ""
    return out


# the texts of wording/records/<lang>/requests.toml (a site's own copy is checked to have each)
NOTICE_KEYS = ("privacy_heading", "privacy", "privacy_files", "recipients_email", "recipients_webhook",
               "recipients_none", "staff_webhook_note")
