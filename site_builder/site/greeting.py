"""What answers a customer's first message, per language: the landing page's chat preview shows it.

With a [bot] table the consent bot answers a consent message with its confirmation
(wording/bot/<lang>/consent_confirmed.txt) and anyone else with its greeting; without one the WhatsApp
Business app's greeting message does (wording/app/<lang>/texts.toml, or the owner's own text in
records.app_texts.greeting). It is read once, with the rest of the site; the records' app texts are made
with the same functions (`app_values`, `app_text`).
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from markupsafe import Markup

from ..config import Section
from ..consent import ChatLink
from ..placeholders import render_placeholders
from ..problems import Problem
from ..register.model import MARKETING_PURPOSE
from ..wording import Wording
from ..wording.wordfiles import Words, read_file

APP_TEXTS = "app/{lang}/texts.toml"
# The placeholders of the app texts' wording file (every one of its texts may use each).
APP_TEXT_FIELDS = ("business", "city", "landing_url", "privacy_url", "withdrawal_url", "phone", "email",
                   "opening_hours", "stop_marketing", "when")
# The owner's own texts (records.app_texts in site.toml) use {single} braces, as the settings' docs say.
OWN_PLACEHOLDERS = ("business", "city", "landing_url", "privacy_url", "withdrawal_url", "phone", "email",
                    "opening_hours")
OWN_FIELD = re.compile(r"\{(\w+)\}")
BOT_FALLBACK_LANG = "en"  # the bot's replies in a language without bot wording


def keep_lines(text: str) -> str:
    """Whitespace collapsed within each line; line breaks kept (WhatsApp shows them)."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def app_words(wording: Wording, lang: str, problems: list[Problem]) -> Words | None:
    """The app texts' wording file of `lang`, or None (with problems) when it cannot be read."""
    file = read_file(wording, APP_TEXTS.format(lang=lang), problems)
    return None if file is None else Words(file, {}, problems, frozenset(APP_TEXT_FIELDS))


def app_values(values: Section, urls: Mapping[str, str], phone: str, words: Words) -> dict[str, Any]:
    """The placeholder values of one language's app texts (values: the settings in that language)."""
    b = values.business
    out: dict[str, Any] = {
        "business": b.short_name or b.name, "city": b.city, "landing_url": urls["landing"],
        "privacy_url": urls["privacy"], "withdrawal_url": urls["withdrawal"], "phone": phone,
        "email": b.email, "opening_hours": b.opening_hours or "",
    }
    marketing = any(not p.required for p in values.purposes)
    out["stop_marketing"] = words("stop_marketing") if marketing else ""
    out["when"] = keep_lines(words("away_hours", **out)) if b.opening_hours else words("away_soon")
    return out


def own_text(text: str, values: Mapping[str, Any]) -> str:
    """The owner's own app text with its {placeholders} filled (an unknown one stays as written)."""
    return keep_lines(OWN_FIELD.sub(lambda m: str(values.get(m.group(1), m.group(0))), text))


def app_text(key: str, values: Mapping[str, Any], words: Words) -> str:
    """One app text as the shipped (or the site's) wording words it."""
    if key == "website":
        return str(values["landing_url"])
    text = words(key, **values)
    if key == "greeting" and values["opening_hours"]:
        text += words("greeting_hours", **values)
    return keep_lines(text)


def app_greeting(wording: Wording, lang: str, values: Section, urls: Mapping[str, str], phone: str) -> str:
    """The app's greeting message in `lang` ('' when its wording cannot be read: the records report why)."""
    problems: list[Problem] = []
    words = app_words(wording, lang, problems)
    if words is None:
        return ""
    filled = app_values(values, urls, phone, words)
    own = (values.records.app_texts or {}).get("greeting")
    return own_text(own, filled) if own else app_text("greeting", filled, words)


def bot_values(values: Section, urls: Mapping[str, str], phone: str, consent_id: str) -> dict[str, Any]:
    """The placeholders of the consent bot's replies in one language (docs/bot.md, "Reply texts"): the greeting
    the chat preview shows and every reply the bot sends are filled from these."""
    b = values.business
    return {
        "business": b.short_name or b.name, "business_name": b.name, "street": b.street or "",
        "postal_code": b.postal_code or "", "city": b.city or "", "email": b.email or "", "phone": phone,
        "opening_hours": str(b.opening_hours or ""), "landing_url": urls.get("landing", ""),
        "privacy_url": urls.get("privacy", ""), "withdrawal_url": urls.get("withdrawal", ""),
        "consent_url": urls.get("consent", ""), "version": consent_id, "purposes": "",
        "marketing": any(p.id == MARKETING_PURPOSE for p in values.purposes),
    }


def plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values for a plain-text reply: marked safe, so that the HTML-escaping sandbox leaves "&" alone (WhatsApp
    shows plain text: "Anfragen & Aufträge" must not become "&amp;")."""
    return {key: Markup(value) if isinstance(value, str) else value for key, value in values.items()}


def bot_text(wording: Wording, lang: str, name: str) -> str:
    """The relative path of a bot wording file in `lang`, or in the fallback language when `lang` has none."""
    rel = f"bot/{lang}/{name}"
    return rel if wording.locate(rel) else f"bot/{BOT_FALLBACK_LANG}/{name}"


def bot_reply(wording: Wording, lang: str, kind: str, context: Mapping[str, Any], own: Any = None) -> str:
    """One reply of the consent bot as it words it: the owner's own [bot.answers.<kind>] text, else
    wording/bot/<lang>/<kind>.txt ('' when it cannot be filled: the bot's own check names why)."""
    safe = plain(context)
    problems: list[Problem] = []
    if isinstance(own, Mapping) and own:
        source = own.get(lang) or own.get("*") or next(iter(own.values()))
        text = render_placeholders(str(source), safe, "site.toml", 1, problems)
    else:
        text = wording.render(bot_text(wording, lang, f"{kind}.txt"), safe, problems)
    return keep_lines(text) if text else ""


def first_answers(wording: Wording, lang: str, values: Section, urls: Mapping[str, str], phone: str,
                  consent_id: str, links: Sequence[ChatLink], bot: Mapping[str, Any] | None) -> tuple[str, ...]:
    """What answers the prepared message of each chat link, the moment the customer sends it: the chat
    preview on the landing page shows exactly this. With the consent bot it is the bot's confirmation
    (consent_confirmed) for that link's purposes; without it, the WhatsApp Business app's greeting message,
    the same for every link. Empty when it cannot be worded (the records or the bot's check say why)."""
    if bot is None:
        greeting = app_greeting(wording, lang, values, urls, phone)
        return tuple(greeting for _ in links) if greeting else ()
    own = ((bot.get("answers") or {}).get("consent_confirmed") or {}).get("text")
    own = {"*": own} if isinstance(own, str) else own
    short = {p.id: p.short for p in values.purposes}
    answers = []
    for link in links:
        context = {**bot_values(values, urls, phone, consent_id),
                   "purposes": ", ".join(short.get(pid, pid) for pid in link.purposes),
                   "marketing": MARKETING_PURPOSE in link.purposes}
        answers.append(bot_reply(wording, lang, "consent_confirmed", context, own))
    return tuple(answers) if all(answers) else ()
