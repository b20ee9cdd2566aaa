"""Texts for the WhatsApp Business app (greeting, away message, quick replies, profile), each within its limit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from .problems import Problem

# Conservative defaults: below what the app accepts today, so a text that fits here fits there.
# They are settings (records.app_limits.*) because Meta changes the app.
DEFAULT_LIMITS = {
    "greeting": 500,
    "away": 500,
    "quick_reply": 500,
    "shortcut": 25,
    "profile_description": 256,
    "website": 256,
}
# Which limit each text obeys.
LIMIT_OF = {
    "greeting": "greeting", "away": "away", "privacy": "quick_reply", "withdrawal": "quick_reply",
    "stop_confirmed": "quick_reply", "marketing_stopped": "quick_reply",
    "profile_description": "profile_description", "website": "website",
}
KEYS = tuple(LIMIT_OF)
PLACEHOLDERS = ("business", "city", "landing_url", "privacy_url", "withdrawal_url", "phone", "email",
                "opening_hours")

_DE = {
    "shortcuts": {"privacy": "/datenschutz", "withdrawal": "/widerruf", "stop_confirmed": "/stop-bestaetigt",
                  "marketing_stopped": "/werbung-abbestellt"},
    "stop_marketing": " (nur Werbung abbestellen: STOP Werbung)",
    "greeting": "Danke für Ihre Nachricht an {business}! Ihre Einwilligung in WhatsApp-Kontakt haben wir erhalten; "
                "Ihre Nachricht ist unser Nachweis.\n"
                "Datenschutz: {privacy_url}\n"
                "Widerruf jederzeit: STOP{stop_marketing} oder {withdrawal_url}",
    "greeting_hours": "\nWir antworten {opening_hours}.",
    "away": "Danke für Ihre Nachricht an {business}. Wir sind gerade nicht erreichbar und melden uns {when}. "
            "Eilige Anliegen: {phone}.\n"
            "Datenschutz: {privacy_url} – Widerruf jederzeit mit STOP.",
    "away_hours": "zu unseren Zeiten ({opening_hours})",
    "away_soon": "so bald wie möglich",
    "privacy": "So gehen wir mit Ihren Daten um: {privacy_url}\n"
               "Kurz: Wir schreiben Ihnen per WhatsApp nur mit Ihrer Einwilligung. WhatsApp Ireland und Meta "
               "erhalten dabei Daten, auch in den USA. Einwilligen oder Zwecke wählen: {landing_url}\n"
               "Lieber ohne WhatsApp? Telefon {phone}, E-Mail {email}.",
    "withdrawal": "Sie können Ihre Einwilligung jederzeit widerrufen, ohne Begründung: Schreiben Sie STOP"
                  "{stop_marketing} oder nutzen Sie {withdrawal_url}\n"
                  "Per E-Mail an {email} oder telefonisch unter {phone} geht es auch.",
    "stop_confirmed": "Ihr Widerruf ist angekommen. Wir schreiben Ihnen ab jetzt nicht mehr per WhatsApp und löschen "
                      "den Chat, soweit wir ihn nicht aufbewahren müssen. Einen laufenden Auftrag erledigen wir per "
                      "Telefon, E-Mail oder Post. Danke! {business}",
    "marketing_stopped": "Erledigt: Sie erhalten von uns keine Werbung mehr per WhatsApp. Zu Ihren Anfragen und "
                         "Aufträgen schreiben wir Ihnen weiter hier. Ganz widerrufen: STOP. {business}",
    "profile_description": "{business} in {city}. WhatsApp-Kontakt nur mit Ihrer Einwilligung: {landing_url} – "
                           "Datenschutz: {privacy_url}",
}

_EN = {
    "shortcuts": {"privacy": "/privacy", "withdrawal": "/withdraw", "stop_confirmed": "/stop-confirmed",
                  "marketing_stopped": "/marketing-stopped"},
    "stop_marketing": " (stop marketing only: STOP marketing)",
    "greeting": "Thank you for your message to {business}! We have received your consent to WhatsApp contact; your "
                "message is our proof.\n"
                "Privacy: {privacy_url}\n"
                "Withdraw at any time: STOP{stop_marketing} or {withdrawal_url}",
    "greeting_hours": "\nWe reply {opening_hours}.",
    "away": "Thank you for your message to {business}. We are not available right now and will reply {when}. "
            "Urgent matters: {phone}.\n"
            "Privacy: {privacy_url} – withdraw at any time with STOP.",
    "away_hours": "during our hours ({opening_hours})",
    "away_soon": "as soon as we can",
    "privacy": "How we handle your data: {privacy_url}\n"
               "In short: we write to you on WhatsApp only with your consent. WhatsApp Ireland and Meta receive data "
               "for this, also in the USA. Consent or choose purposes: {landing_url}\n"
               "Prefer not to use WhatsApp? Phone {phone}, e-mail {email}.",
    "withdrawal": "You can withdraw your consent at any time, without giving a reason: write STOP{stop_marketing} or "
                  "use {withdrawal_url}\n"
                  "You can also e-mail {email} or call {phone}.",
    "stop_confirmed": "We have received your withdrawal. From now on we will not write to you on WhatsApp and will "
                      "delete the chat unless we must keep it. We will handle a running order by phone, e-mail or "
                      "post. Thank you! {business}",
    "marketing_stopped": "Done: you will receive no more marketing from us on WhatsApp. We will keep writing to you "
                         "here about your enquiries and orders. To withdraw completely: STOP. {business}",
    "profile_description": "{business} in {city}. WhatsApp contact only with your consent: {landing_url} – "
                           "Privacy: {privacy_url}",
}

TEMPLATES = {"de": _DE, "en": _EN}
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class AppText:
    """One text to paste into the app."""

    key: str  # greeting, away, privacy, ..., website
    lang: str
    text: str
    limit: int
    limit_key: str  # records.app_limits.<limit_key>
    shortcut: str = ""  # quick replies only
    own: bool = False  # written by the owner in site.toml (records.app_texts.<key>)


def fill_keep_lines(template: str, fields: Mapping[str, str]) -> str:
    """Fill {fields}, keeping line breaks (WhatsApp shows them); unknown fields stay as they are."""
    out = _FIELD.sub(lambda m: fields.get(m.group(1), m.group(0)), template)
    return "\n".join(" ".join(line.split()) for line in out.splitlines()).strip()


def app_texts(lang: str, fields: Mapping[str, str], *, marketing: bool, limits: Mapping[str, int],
              own: Mapping[str, str | None], used_shortcuts: set[str],
              file: str) -> tuple[list[AppText], list[Problem]]:
    """The app texts of one language and the problems with them (a text over its limit names its key).

    `fields` fills the placeholders (see PLACEHOLDERS); `own` holds the owner's texts from
    records.app_texts (None where the generated text is used); `marketing` adds the opt-out texts."""
    t = TEMPLATES.get(lang, _EN)
    values = dict(fields)
    values["stop_marketing"] = t["stop_marketing"] if marketing else ""
    values["when"] = (fill_keep_lines(t["away_hours"], values) if fields.get("opening_hours") else t["away_soon"])
    generated = {
        "greeting": t["greeting"] + (t["greeting_hours"] if fields.get("opening_hours") else ""),
        "away": t["away"], "privacy": t["privacy"], "withdrawal": t["withdrawal"],
        "stop_confirmed": t["stop_confirmed"], "marketing_stopped": t["marketing_stopped"],
        "profile_description": t["profile_description"], "website": "{landing_url}",
    }
    texts: list[AppText] = []
    problems: list[Problem] = []
    for key in KEYS:
        if key == "marketing_stopped" and not marketing:
            continue
        mine = own.get(key)
        source = mine if mine else generated[key]
        text = fill_keep_lines(source, values)
        limit_key = LIMIT_OF[key]
        limit = int(limits.get(limit_key, DEFAULT_LIMITS[limit_key]))
        where = f"records.app_texts.{key}.{lang}" if mine else f"records.app_limits.{limit_key}"
        unknown = sorted(set(_FIELD.findall(text)))
        if mine and unknown:
            problems.append(Problem(file, where, f"unknown placeholder {{{unknown[0]}}} in the {key} text",
                                    "use " + ", ".join("{" + p + "}" for p in PLACEHOLDERS)))
        if len(text) > limit:
            fix = (f"shorten it, or raise records.app_limits.{limit_key} if the app allows more" if mine else
                   f"write a shorter text as records.app_texts.{key}.{lang}, shorten business.short_name or "
                   f"site.base_url, or raise records.app_limits.{limit_key} if the app allows more")
            problems.append(Problem(file, where, f"the WhatsApp app text {key!r} ({lang}) has {len(text)} characters, "
                                    f"more than the limit of {limit}", fix))
        shortcut = ""
        if key in t["shortcuts"]:
            shortcut = t["shortcuts"][key]
            if shortcut in used_shortcuts:
                shortcut = f"{shortcut}-{lang}"  # quick-reply shortcuts must be unique across languages
            used_shortcuts.add(shortcut)
            short_limit = int(limits.get("shortcut", DEFAULT_LIMITS["shortcut"]))
            if len(shortcut.lstrip("/")) > short_limit:
                problems.append(Problem(file, "records.app_limits.shortcut",
                                        f"the quick-reply shortcut {shortcut!r} is longer than {short_limit} "
                                        "characters",
                                        "raise records.app_limits.shortcut if the app allows more"))
        texts.append(AppText(key, lang, text, limit, limit_key, shortcut, bool(mine)))
    return texts, problems


def app_fields(settings: Any, lang: str, urls: Mapping[str, str], phone: str) -> dict[str, str]:
    """The placeholder values of one language."""
    s = settings.for_lang(lang)
    b = s.business
    return {
        "business": b.short_name or b.name,
        "city": b.city,
        "landing_url": urls["landing"],
        "privacy_url": urls["privacy"],
        "withdrawal_url": urls["withdrawal"],
        "phone": phone,
        "email": b.email,
        "opening_hours": b.opening_hours or "",
    }
