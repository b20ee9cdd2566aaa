"""The landing page's chat preview, when the site offers guided requests (issue 26, item 6): after the consent
exchange, the first steps of the site's main request as the customer will see them. The messages are the very
Graph API payloads the bot sends (bot/prompts.py), drawn by the theme's request_preview.html and
request_preview.css: the consent confirmation with its reply button, the customer's tap, the first question
with its buttons (or its list's button). CSS only, no script."""

from __future__ import annotations

from typing import Any

from ...bot.prompts import offer_message, step_message
from ...site import LanguageModel, SiteModel
from ...site.greeting import bot_text, bot_values, keep_lines, plain
from ...formatting import display_phone

PUBLIC_ID = "PREVIEW"  # the button ids of a preview are never sent


def _confirmation(site: SiteModel, language: LanguageModel) -> str:
    """The bot's consent confirmation for the first chat link's purposes (the required ones)."""
    link = language.chat_links[0] if language.chat_links else None
    labels = {p.id: p.short for p in language.values.purposes}
    values = bot_values(language.values, language.urls, display_phone(site.settings.phone_e164), language.consent_id)
    values["purposes"] = ", ".join(labels.get(pid, pid) for pid in (link.purposes if link else ()))
    text = site.wording.render(bot_text(site.wording, language.lang, "consent_confirmed.txt"), plain(values), [])
    return keep_lines(text or "")


def _drawn(payload: dict[str, Any]) -> dict[str, Any]:
    """A message as the template draws it: its text, footer, reply buttons or its list's button."""
    if "text" in payload:
        return {"side": "in", "text": payload["text"], "footer": "", "buttons": [], "list": ""}
    interactive = payload["interactive"]
    action = interactive["action"]
    return {"side": "in", "text": interactive["body"]["text"], "footer": interactive.get("footer", {}).get("text", ""),
            "buttons": [b["reply"]["title"] for b in action.get("buttons", ())], "list": action.get("button", "")}


def request_preview(site: SiteModel, language: LanguageModel) -> dict[str, Any] | None:
    """The preview's messages in one language, or None (no requests, or no bot to run them)."""
    requests, lang = site.requests, language.lang
    request = requests.main
    if request is None or not site.has_bot or lang not in requests.words:
        return None
    words = requests.words[lang]
    first = request.steps[0]
    offer = _drawn(offer_message(_confirmation(site, language), list(requests.requests), lang))
    tap = {"side": "out", "text": request.title[lang], "footer": "", "buttons": [], "list": ""}
    question = _drawn(step_message(request, first, PUBLIC_ID, lang, words, request.intro[lang]))
    return {"label": str(words.get("preview_label", "")), "messages": [offer, tap, question]}
