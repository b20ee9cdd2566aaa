"""Checks of single [bot] values and of its sub-tables (answers, templates, smtp): each problem names the file,
the key and the fix, from the message catalogue (bot.*)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..problems import Problem, report

# What one process shares (bot.toml in a folder of sites) and what belongs to one WhatsApp number.
DEPLOYMENT_KEYS = frozenset({"database", "host", "port", "webhook_path", "verify_token_env", "graph_api_base",
                             "graph_api_version", "workers", "queue_limit", "send_timeout", "unknown_wait",
                             "digest_hour", "smtp"})
# hosting_provider: who runs the bot's server, for the privacy notice and the records (site.toml's own check,
# config/rules.py bot_host, requires it; the bot itself does not read it)
SITE_KEYS = frozenset({"phone_number_id", "business_account_id", "app_secret_env", "access_token_env", "timezone",
                       "messages_per_second", "notify_email", "answers", "templates", "hosting_provider"})
# the replies a template may stand in for outside the 24-hour window (REFERENCE.md §2: only approved templates)
TEMPLATE_KINDS = ("consent_confirmed", "withdrawal_confirmed", "marketing_stopped")
# what a template's body parameters may be filled with (the reply placeholders, see replies.reply_context)
TEMPLATE_VALUES = ("business", "business_name", "version", "purposes", "privacy_url", "withdrawal_url",
                   "landing_url", "phone", "email", "date")

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_VERSION = re.compile(r"^v\d+\.\d+$")
_DIGITS = re.compile(r"^\d{5,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Meta: template names are lower-case letters, digits and underscores; language codes like "de" or "en_US"
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


@dataclass(frozen=True)
class Answer:
    """A keyword answer the owner configures: any keyword in a message -> the text (per language)."""

    name: str
    keywords: tuple[str, ...]
    text: Mapping[str, str]  # lang -> text with {{ placeholders }}; empty: the wording file bot/<lang>/<name>.txt


@dataclass(frozen=True)
class Template:
    """An approved utility template that confirms outside the 24-hour window: its name, its language code per
    site language ("*": any), and what fills its body parameters {{1}}, {{2}}, ... in order."""

    name: str
    languages: Mapping[str, str]
    parameters: tuple[str, ...]

    def language(self, lang: str) -> str:
        return self.languages.get(lang) or self.languages.get("*") or next(iter(self.languages.values()))


@dataclass(frozen=True)
class Smtp:
    """Where the owner's notices go out; the login comes from the environment."""

    host: str
    port: int
    security: str  # starttls, tls or none
    sender: str
    user: str = ""
    password: str = ""


class SettingsReader:
    """Reads one value of a table at a time; a bad value becomes a problem and its default is used."""

    def __init__(self, table: Mapping[str, Any], file: str, env: Mapping[str, str], problems: list[Problem],
                 prefix: str = "bot"):
        self.table, self.file, self.env, self.problems, self.prefix = table, file, env, problems, prefix

    def where(self, key: str) -> str:
        return f"{self.prefix}.{key}"

    def add(self, key: str, message: str, **fields: object) -> None:
        self.problems.append(report(self.file, self.where(key), message, **fields))

    def text(self, key: str, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if value is None:
            self.add(key, "bot.missing", key=key)
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(key, "bot.not_text", key=key)
            return ""
        return value.strip()

    def secret(self, key: str, default_name: str, required: bool = True) -> str:
        name = self.text(key, default_name)
        if name and not _ENV_NAME.match(name):
            self.add(key, "bot.bad_env_name", name=name)
            return ""
        value = self.env.get(name, "") if name else ""
        if name and not value and required:
            self.add(key, "bot.env_missing", name=name)
        return value

    def number(self, key: str, default: int, low: int, high: int) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(key, "bot.bad_number", low=low, high=high)
            return default
        return value

    def url(self, key: str, default: str) -> str:
        value = self.text(key, default)
        if value and not value.startswith(("https://", "http://")):
            self.add(key, "bot.bad_url")
        return value

    def version(self, key: str, default: str) -> str:
        value = self.text(key, default)
        if value and not _VERSION.match(value):
            self.add(key, "bot.bad_version")
        return value

    def path(self, key: str, default: str) -> str:
        value = self.text(key, default)
        if value and (not value.startswith("/") or value in ("/healthz", "/metrics")):
            self.add(key, "bot.bad_path")
        return value

    def digits(self, key: str, message: str, required: bool = True) -> str:
        if not required and key not in self.table:
            return ""
        value = self.text(key)
        if value and not _DIGITS.match(value):
            self.add(key, message)
        return value

    def timezone(self, key: str, default: str) -> str:
        value = self.text(key, default)
        try:
            ZoneInfo(value or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self.add(key, "bot.bad_timezone", value=value)
        return value

    def email(self, key: str) -> str:
        if key not in self.table:
            return ""
        value = self.text(key)
        if value and not _EMAIL.match(value):
            self.add(key, "bot.bad_email", value=value)
        return value

    def sub(self, key: str) -> "SettingsReader | None":
        """A checker of the sub-table [bot.<key>], None (with a problem) if it is not a table."""
        value = self.table.get(key)
        if not isinstance(value, dict):
            self.add(key, "bot.not_table")
            return None
        return SettingsReader(value, self.file, self.env, self.problems, self.where(key))

    def unknown(self, known: set[str] | frozenset[str]) -> None:
        for key in self.table:
            if key not in known:
                self.add(key, "bot.unknown_key", known=", ".join(sorted(known)))


def answers(raw: Any, c: SettingsReader) -> tuple[Answer, ...]:
    """[bot.answers.<name>] tables: keywords = [...], optional text = "..." or { de = "...", en = "..." }."""
    if not isinstance(raw, dict):
        c.add("answers", "bot.not_table")
        return ()
    found = []
    for name, entry in raw.items():
        where = f"answers.{name}"
        if not isinstance(entry, dict):
            c.add(where, "bot.not_table")
            continue
        keywords = entry.get("keywords")
        if (not isinstance(keywords, list) or not keywords
                or not all(isinstance(k, str) and k.strip() for k in keywords)):
            c.add(f"{where}.keywords", "bot.bad_keywords")
            continue
        unknown = set(entry) - {"keywords", "text"}
        if unknown:
            c.add(f"{where}.{sorted(unknown)[0]}", "bot.unknown_key", known="keywords, text")
        value = entry.get("text", {})
        if isinstance(value, str):
            value = {"*": value}
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            c.add(f"{where}.text", "bot.bad_answer_text")
            continue
        found.append(Answer(name, tuple(k.strip() for k in keywords), dict(value)))
    return tuple(found)


def templates(raw: Any, c: SettingsReader) -> dict[str, Template]:
    """[bot.templates.<reply>] tables: name, language ("de" or { de = "de", en = "en_US" }), parameters."""
    if not isinstance(raw, dict):
        c.add("templates", "bot.not_table")
        return {}
    found: dict[str, Template] = {}
    for kind, entry in raw.items():
        where = f"templates.{kind}"
        if kind not in TEMPLATE_KINDS:
            c.add(where, "bot.unknown_template_kind", known=", ".join(TEMPLATE_KINDS))
            continue
        if not isinstance(entry, dict):
            c.add(where, "bot.not_table")
            continue
        t = SettingsReader(entry, c.file, c.env, c.problems, c.where(where))
        t.unknown({"name", "language", "parameters"})
        name = t.text("name")
        if name and not _TEMPLATE_NAME.match(name):
            t.add("name", "bot.bad_template_name", value=name)
        language = entry.get("language")
        languages = {"*": language} if isinstance(language, str) else language
        if (not isinstance(languages, dict) or not languages
                or not all(isinstance(v, str) and _LANGUAGE.match(v) for v in languages.values())):
            t.add("language", "bot.bad_template_language")
            languages = {}
        parameters = entry.get("parameters", [])
        if not isinstance(parameters, list) or not all(isinstance(p, str) for p in parameters):
            t.add("parameters", "bot.bad_template_parameters", known=", ".join(TEMPLATE_VALUES))
            parameters = []
        for value in parameters:
            if value not in TEMPLATE_VALUES:
                t.add("parameters", "bot.unknown_template_parameter", value=value, known=", ".join(TEMPLATE_VALUES))
        if name and languages:
            found[kind] = Template(name, dict(languages), tuple(parameters))
    return found


def smtp(raw: Any, c: SettingsReader) -> Smtp | None:
    """[bot.smtp]: host, port (587), security ("starttls", "tls" or "none"), from, user_env, password_env."""
    if raw is None:
        return None
    s = c.sub("smtp")
    if s is None:
        return None
    s.unknown({"host", "port", "security", "from", "user_env", "password_env"})
    security = s.text("security", "starttls")
    if security not in ("starttls", "tls", "none"):
        s.add("security", "bot.bad_smtp_security", value=security)
    sender = s.text("from")
    if sender and not _EMAIL.match(sender):
        s.add("from", "bot.bad_email", value=sender)
    user = s.secret("user_env", "", required=True) if "user_env" in s.table else ""
    password = s.secret("password_env", "", required=True) if "password_env" in s.table else ""
    return Smtp(s.text("host"), s.number("port", 465 if security == "tls" else 587, 1, 65535), security, sender,
                user, password)
