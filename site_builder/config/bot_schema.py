"""The [bot] table of site.toml (and of a deployment's shared bot.toml), declared like every other settings key:
its kind, doc (English and German), default, single-value check and limits. `schema.SCHEMA["bot"]` takes it in,
so `check`, `build` and `site-builder bot` read [bot] through the same walk (size cap, BOM, fill-in markers,
lengths, hidden characters, "did you mean"). The secrets themselves never stand here: the keys ending in `_env`
name environment variables, which only the bot reads (site_builder/bot/settings.py).

Keys are split by who owns them: what one bot process (or several on one database) shares (`DEPLOYMENT`: the
[bot] of bot.toml in a folder of sites), and what belongs to one WhatsApp number (`SITE`). One business keeps
both in its site.toml.
"""

from __future__ import annotations

import re
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .checks import Fault, email
from .option import Opt

# the replies a template may stand in for outside the 24-hour window (REFERENCE.md §2: only approved templates)
TEMPLATE_KINDS = ("consent_confirmed", "withdrawal_confirmed", "marketing_stopped")
# what a template's body parameters may be filled with (the reply placeholders, see site/greeting.bot_values)
TEMPLATE_VALUES = ("business", "business_name", "version", "purposes", "privacy_url", "withdrawal_url",
                   "landing_url", "phone", "email", "date")
SMTP_SECURITY = ("starttls", "tls", "none")
DEFAULT_DB_FILE = "consent-register.sqlite3"

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_VERSION = re.compile(r"^v\d+\.\d+$")
_DIGITS = re.compile(r"^\d{5,20}$")
# Meta: template names are lower-case letters, digits and underscores; language codes like "de" or "en_US"
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


def between(low: int, high: int) -> Callable[[int], Fault | None]:
    def check(value: int) -> Fault | None:
        return None if low <= value <= high else ("bot.bad_number", {"low": low, "high": high})
    return check


def env_name(value: str) -> Fault | None:
    return None if _ENV_NAME.match(value) else ("bot.bad_env_name", {"name": value})


def phone_number_id(value: str) -> Fault | None:
    return None if _DIGITS.match(value) else ("bot.bad_phone_number_id", {})


def business_account_id(value: str) -> Fault | None:
    return None if _DIGITS.match(value) else ("bot.bad_business_account_id", {})


def graph_base(value: str) -> Fault | None:
    # http:// is allowed for a local fake Graph API (docs/bot.md, "Try it")
    return None if value.startswith(("https://", "http://")) and " " not in value else ("bot.bad_url", {})


def graph_version(value: str) -> Fault | None:
    return None if _VERSION.match(value) else ("bot.bad_version", {})


def webhook_path(value: str) -> Fault | None:
    bad = not value.startswith("/") or value in ("/healthz", "/metrics") or any(c.isspace() for c in value)
    return ("bot.bad_path", {}) if bad else None


def timezone(value: str) -> Fault | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "bot.bad_timezone", {"value": value}
    return None


def database(value: str) -> Fault | None:
    # a password in the URL would be a secret in a settings file: PGPASSWORD or ~/.pgpass hold it
    if "://" in value and re.match(r"^[a-z+]+://[^/@]*:[^/@]*@", value):
        return "bot.db_password", {}
    # a file in the site's output/ (or given as sqlite:///output/...) is deleted by the next build, which
    # replaces that folder whole: the register would be lost
    path = value.removeprefix("sqlite:///") if value.startswith("sqlite:///") else value
    if "://" not in path and [part for part in re.split(r"[/\\]", path) if part not in ("", ".")][:1] == ["output"]:
        return "bot.db_in_output", {}
    return None


def smtp_security(value: str) -> Fault | None:
    return None if value in SMTP_SECURITY else ("bot.bad_smtp_security", {"value": value})


def template_name(value: str) -> Fault | None:
    return None if _TEMPLATE_NAME.match(value) else ("bot.bad_template_name", {"value": value})


def template_language(value: str) -> Fault | None:
    return None if _LANGUAGE.match(value) else ("bot.bad_template_language", {})


def template_parameters(value: list[Any]) -> Fault | None:
    for item in value:
        if not isinstance(item, str):
            return "bot.bad_template_parameters", {"known": ", ".join(TEMPLATE_VALUES)}
        if item not in TEMPLATE_VALUES:
            return "bot.unknown_template_parameter", {"value": item, "known": ", ".join(TEMPLATE_VALUES)}
    return None


def keywords(value: list[Any]) -> Fault | None:
    ok = value and all(isinstance(k, str) and k.strip() for k in value)
    return None if ok else ("bot.bad_keywords", {})


def request_names(value: list[Any]) -> Fault | None:
    bad = next((v for v in value if not isinstance(v, str) or not re.match(r"^[a-z][a-z0-9_-]{0,39}$", v)), None)
    if bad is not None or not value:
        return "config.bad_name", {"value": repr(bad)}
    return None


def webhook_url(value: str) -> Fault | None:
    # http:// only to this machine (a local n8n, the tests' receiver); anything else travels encrypted
    local = re.match(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/", value)
    if (value.startswith("https://") or local) and not any(c.isspace() for c in value):
        return None
    return "requests.bad_webhook_url", {"value": value}


def _opt(*args: Any, **kwargs: Any) -> Opt:
    return Opt(*args, **{"init": "", **kwargs})  # init writes no [bot]: the bot is optional (docs/bot.md)


def _int(doc: str, de: str, default: int, low: int, high: int) -> Opt:
    return _opt("int", doc, de, default=default, check=between(low, high))


def _env(doc: str, de: str, default: str | None) -> Opt:
    return _opt("str", doc, de, required=False, default=default, check=env_name, max_len=100)


SMTP = {
    "host": _opt("str", "the mail server the owner's e-mails go out through", "der Mailserver, über den die "
                 "E-Mails an den Inhaber hinausgehen", max_len=253),
    "port": _opt("int", "its port; default 587 with starttls, 465 with tls", "sein Port; ohne Angabe 587 bei "
                 "starttls, 465 bei tls", required=False, check=between(1, 65535)),
    "security": _opt("str", '"starttls", "tls", or "none" (a relay on the same machine only)', '"starttls", '
                     '"tls" oder "none" (nur für einen Relay auf demselben Rechner)', default="starttls",
                     check=smtp_security, max_len=20),
    "from": _opt("str", "the sender address of the bot's e-mails", "die Absenderadresse der E-Mails des Bots",
                 check=email, max_len=120),
    "user_env": _env("the environment variable holding the SMTP login name", "die Umgebungsvariable mit dem "
                     "SMTP-Benutzernamen", None),
    "password_env": _env("the environment variable holding the SMTP password", "die Umgebungsvariable mit dem "
                         "SMTP-Passwort", None),
}

# Both sides: bot.toml names the default secrets of every site; a site names its own if its number is in
# another Meta app. Resolved by the bot (default WHATSAPP_APP_SECRET / WHATSAPP_ACCESS_TOKEN).
SECRETS = {
    "app_secret_env": _env("the environment variable holding the Meta app secret (default WHATSAPP_APP_SECRET)",
                           "die Umgebungsvariable mit dem App-Geheimnis von Meta (ohne Angabe "
                           "WHATSAPP_APP_SECRET)", None),
    "access_token_env": _env("the environment variable holding the access token (default WHATSAPP_ACCESS_TOKEN)",
                             "die Umgebungsvariable mit dem Zugriffstoken (ohne Angabe WHATSAPP_ACCESS_TOKEN)", None),
}

DEPLOYMENT = {
    "database": _opt("str", "the register database: a file next to the settings (SQLite) or a postgresql:// "
                     "address (the password comes from PGPASSWORD or ~/.pgpass)", "die Datenbank des Registers: "
                     "eine Datei neben den Einstellungen (SQLite) oder eine postgresql://-Adresse (das Passwort "
                     "kommt aus PGPASSWORD oder ~/.pgpass)", default=DEFAULT_DB_FILE, check=database, max_len=500),
    "host": _opt("str", "the address the bot listens on", "die Adresse, auf der der Bot lauscht",
                 default="127.0.0.1", max_len=253),
    "port": _int("the port the bot listens on", "der Port, auf dem der Bot lauscht", 8081, 0, 65535),
    "webhook_path": _opt("str", "the path of Meta's webhook", "der Pfad des Webhooks von Meta",
                         default="/whatsapp/webhook", check=webhook_path, max_len=200),
    "verify_token_env": _env("the environment variable holding the webhook's verify token",
                             "die Umgebungsvariable mit dem Verify-Token des Webhooks", "WHATSAPP_VERIFY_TOKEN"),
    "graph_api_base": _opt("str", "the Graph API's address", "die Adresse der Graph API",
                           default="https://graph.facebook.com", check=graph_base, max_len=200),
    "graph_api_version": _opt("str", 'the Graph API version, like "v21.0"', 'die Version der Graph API, z. B. '
                              '"v21.0"', default="v21.0", check=graph_version, max_len=10),
    "workers": _int("replies sent at once", "Antworten, die gleichzeitig gesendet werden", 4, 1, 64),
    "queue_limit": _int("deliveries waiting for the database before the bot answers 503", "Zustellungen, die auf "
                        "die Datenbank warten, bevor der Bot mit 503 antwortet", 256, 1, 100_000),
    "send_timeout": _int("seconds to wait for the Graph API's answer (then: outcome unknown)", "Sekunden, die auf "
                         "die Antwort der Graph API gewartet wird (danach: Ergebnis unbekannt)", 15, 1, 120),
    "unknown_wait": _int("seconds to wait for Meta's status of a send whose outcome is unknown", "Sekunden, die "
                         "auf Metas Status einer Sendung mit unbekanntem Ergebnis gewartet wird", 600, 1, 86_400),
    "digest_hour": _int("local hour of the owner's daily digest of new consents", "Stunde (Ortszeit) der "
                        "täglichen Übersicht neuer Einwilligungen", 7, 0, 23),
    "smtp": _opt("table", "the mail server for the owner's e-mails", "der Mailserver für die E-Mails an den "
                 "Inhaber", required=False, children=SMTP),
}

ANSWER = {
    "keywords": _opt("list", "the words that ask for this answer", "die Wörter, die nach dieser Antwort fragen",
                     check=keywords),
    "text": _opt("text", "the answer; without it the wording file bot/<lang>/<name>.txt", "die Antwort; ohne "
                 "Angabe die Textdatei bot/<Sprache>/<Name>.txt", required=False, max_len=4096),
}

TEMPLATE = {
    "name": _opt("str", "the template's name as WhatsApp Manager shows it", "der Name der Vorlage wie im "
                 "WhatsApp Manager", check=template_name, max_len=512),
    "language": _opt("text", 'its language code ("de", "en_US"), one for all or one per site language',
                     'ihr Sprachcode ("de", "en_US"), einer für alle oder einer je Sprache der Seite',
                     check=template_language, max_len=10),
    "parameters": _opt("list", "what fills {{1}}, {{2}}, ... of its body: " + ", ".join(TEMPLATE_VALUES),
                       "was {{1}}, {{2}}, ... im Text füllt: " + ", ".join(TEMPLATE_VALUES), default=[],
                       check=template_parameters, max_items=10),
}

REQUESTS = {
    "offer": _opt("list", "the guided requests offered (files wording/requests/<name>.toml), the main one first; "
                  "each a button in the consent confirmation", "die angebotenen geführten Anfragen (Dateien "
                  "wording/requests/<Name>.toml), die wichtigste zuerst; jede eine Schaltfläche in der "
                  "Bestätigung der Einwilligung", check=request_names, max_items=3),
    "purpose": _opt("str", "the consent purpose a request needs (default: the first required purpose)",
                    "der Einwilligungszweck, den eine Anfrage braucht (ohne Angabe: der erste Pflichtzweck)",
                    required=False, max_len=32),
    "keep_days": _opt("int", "days a request and its photos are kept after it was handed on (0: deleted as soon "
                      "as every hand-off succeeded)", "Tage, die eine Anfrage und ihre Fotos nach der Übergabe "
                      "aufbewahrt werden (0: gelöscht, sobald jede Übergabe gelungen ist)", default=30,
                      check=between(0, 365)),
    "key_env": _env("the environment variable holding the key photos and documents are encrypted with",
                    "die Umgebungsvariable mit dem Schlüssel, mit dem Fotos und Dokumente verschlüsselt werden", None),
    "email": _opt("str", "where requests are e-mailed (default: notify_email, else business.email); needs [bot.smtp]",
                  "wohin Anfragen gemailt werden (ohne Angabe: notify_email, sonst business.email); braucht "
                  "[bot.smtp]", required=False, check=email, max_len=120),
    "webhook_url": _opt("str", "a signed JSON webhook that also gets each request (a CRM, n8n, a shop)",
                        "ein signierter JSON-Webhook, der jede Anfrage ebenfalls bekommt (CRM, n8n, Shop)",
                        required=False, check=webhook_url, max_len=500),
    "webhook_secret_env": _env("the environment variable holding the webhook's signing secret",
                               "die Umgebungsvariable mit dem Geheimnis, mit dem der Webhook signiert wird", None),
    "flows": _opt("table", "requests run as a WhatsApp Flow: name = the published Flow's ID (or one per language)",
                  "Anfragen als WhatsApp-Flow: Name = die ID des veröffentlichten Flows (oder eine je Sprache)",
                  required=False, default={}),
}

SITE = {
    "phone_number_id": _opt("str", "the phone number ID from WhatsApp Manager, API setup (not the number)",
                            "die Telefonnummern-ID aus dem WhatsApp Manager, API-Einrichtung (nicht die Nummer)",
                            check=phone_number_id, max_len=20),
    "business_account_id": _opt("str", "the WhatsApp Business Account ID, for account updates when several "
                                "accounts share a bot", "die ID des WhatsApp-Business-Kontos, für Kontomeldungen, "
                                "wenn mehrere Konten einen Bot teilen", required=False, check=business_account_id,
                                max_len=20),
    **SECRETS,
    "timezone": _opt("str", "the time zone of the register's dates and the digest's hour", "die Zeitzone der "
                     "Daten im Register und der Stunde der Übersicht", default="Europe/Berlin", check=timezone,
                     max_len=60),
    "messages_per_second": _int("Meta's throughput per number (20 under coexistence)", "Metas Durchsatz je "
                                "Nummer (20 bei Koexistenz mit der App)", 80, 1, 1000),
    # REFERENCE.md §2 (Cloud API): about one message per 6 s to the same user, error 131056 beyond it
    "pair_gap_ms": _int("milliseconds between two messages to the same customer (Meta's pair rate: about one per "
                        "6 s; error 131056 is retried anyway)", "Millisekunden zwischen zwei Nachrichten an "
                        "denselben Kunden (Metas Paar-Rate: etwa eine je 6 s; Fehler 131056 wird ohnehin "
                        "wiederholt)", 6000, 0, 60_000),
    # who runs the bot's server: a processor the privacy notice and the records name (Art. 13(1)(e), 30(1)(d)
    # GDPR); required with [bot] by config/rules.py bot_host, with its own message. The bot does not read it.
    "hosting_provider": _opt("str", "who runs the bot's server, with its address (e.g. \"Hetzner Online GmbH, "
                             "Industriestr. 25, 91710 Gunzenhausen\"): named in the privacy notice and the records",
                             "wer den Server des Bots betreibt, mit Anschrift (z. B. „Hetzner Online GmbH, "
                             "Industriestr. 25, 91710 Gunzenhausen“): steht in der Datenschutzerklärung und den "
                             "Unterlagen", required=False, max_len=200),
    "notify_email": _opt("str", "the owner's address for the bot's e-mails (default: business.email)",
                         "die Adresse des Inhabers für die E-Mails des Bots (ohne Angabe: business.email)",
                         required=False, check=email, max_len=120),
    "answers": _opt("map", "keyword answers for customers who consented, one table per answer",
                    "Stichwort-Antworten für Kunden mit Einwilligung, eine Tabelle je Antwort", required=False,
                    default={}, children=ANSWER, max_items=30),
    "templates": _opt("table", "approved utility templates for confirmations after the 24-hour window",
                      "genehmigte Vorlagen (Kategorie Utility) für Bestätigungen nach dem 24-Stunden-Fenster",
                      required=False, default={}, children={
                          kind: _opt("table", f"the template confirming {kind}", f"die Vorlage für {kind}",
                                     required=False, children=TEMPLATE) for kind in TEMPLATE_KINDS}),
    "requests": _opt("table", "guided requests (docs/bot.md, \"Guided requests\")", "geführte Anfragen "
                     "(docs/bot.md, „Guided requests“)", required=False, children=REQUESTS),
}

DEPLOYMENT_KEYS = frozenset(DEPLOYMENT)
SITE_KEYS = frozenset(SITE)


def bot_table() -> Opt:
    """The [bot] table of site.toml: one business keeps every key in it."""
    return _opt("table", "the WhatsApp consent bot (site-builder bot; docs/bot.md)", "der WhatsApp-Einwilligungs-"
                "Bot (site-builder bot; docs/bot.md)", required=False, children={**SITE, **DEPLOYMENT})


def deployment_schema() -> dict[str, Opt]:
    """The schema of bot.toml in a folder of sites: the shared keys and the default secrets."""
    return {"bot": _opt("table", "what the sites of one bot share", "was die Seiten eines Bots teilen",
                        children={**DEPLOYMENT, **SECRETS})}
