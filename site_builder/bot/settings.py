"""The [bot] table of site.toml: read from the raw TOML and checked here (the site's schema only lets it through).

Secrets never stand in site.toml: the table names the environment variables that hold them, so the
file can be shared and committed while the app secret, verify token and access token stay on the server."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..problems import Problem, report
from ..tomlparse import tomllib

DEFAULT_DB_FILE = "consent-register.sqlite3"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_VERSION = re.compile(r"^v\d+\.\d+$")
_DIGITS = re.compile(r"^\d{5,20}$")
_KNOWN = {"database", "app_secret_env", "verify_token_env", "access_token_env", "phone_number_id",
          "graph_api_base", "graph_api_version", "host", "port", "webhook_path", "timezone", "workers",
          "send_attempts", "answers"}


@dataclass(frozen=True)
class Answer:
    """A keyword answer the owner configures: any keyword in a message -> the text (per language)."""

    name: str
    keywords: tuple[str, ...]
    text: Mapping[str, str]  # lang -> text with {{ placeholders }}; empty: the wording file bot/<lang>/<name>.txt


@dataclass(frozen=True)
class BotSettings:
    """What the bot needs to run, secrets already read from the environment."""

    config: Path
    database: str  # an SQLAlchemy URL
    app_secret: str
    verify_token: str
    access_token: str
    phone_number_id: str
    graph_api_base: str = "https://graph.facebook.com"
    graph_api_version: str = "v21.0"
    host: str = "127.0.0.1"
    port: int = 8081
    webhook_path: str = "/whatsapp/webhook"
    timezone: str = "Europe/Berlin"
    workers: int = 4
    send_attempts: int = 5
    answers: tuple[Answer, ...] = field(default_factory=tuple)

    @property
    def messages_url(self) -> str:
        return f"{self.graph_api_base.rstrip('/')}/{self.graph_api_version}/{self.phone_number_id}/messages"


def database_url(value: str, root: Path) -> str:
    """An SQLAlchemy URL from the setting: a postgresql:// or sqlite:// URL, or a file path (SQLite)."""
    if value.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver the bot ships with
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    path = Path(value)
    return f"sqlite:///{(path if path.is_absolute() else root / path).resolve()}"


def read_bot_table(config: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The raw [bot] table of site.toml (None if it has none)."""
    try:
        raw = tomllib.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [report(str(config), "file", "bot.no_config")]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, [report(str(config), "file", "bot.unreadable", error=str(exc))]
    table = raw.get("bot")
    if table is None:
        return None, [report(str(config), "bot", "bot.no_table")]
    if not isinstance(table, dict):
        return None, [report(str(config), "bot", "bot.not_table")]
    return table, []


def load_bot_settings(config: Path, environ: Mapping[str, str] | None = None,
                      overrides: Mapping[str, Any] | None = None) -> tuple[BotSettings | None, list[Problem]]:
    """Validate [bot] and read its secrets; every problem at once, one line each."""
    env = os.environ if environ is None else environ
    table, problems = read_bot_table(config)
    if table is None:
        return None, problems
    file = str(config)
    for key in table:
        if key not in _KNOWN:
            problems.append(report(file, f"bot.{key}", "bot.unknown_key", known=", ".join(sorted(_KNOWN))))

    def text(key: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if value is None:
            problems.append(report(file, f"bot.{key}", "bot.missing", key=key))
            return ""
        if not isinstance(value, str) or not value.strip():
            problems.append(report(file, f"bot.{key}", "bot.not_text", key=key))
            return ""
        return value.strip()

    def secret(key: str, default_name: str) -> str:
        name = text(key, default_name)
        if name and not _ENV_NAME.match(name):
            problems.append(report(file, f"bot.{key}", "bot.bad_env_name", name=name))
            return ""
        value = env.get(name, "") if name else ""
        if name and not value:
            problems.append(report(file, f"bot.{key}", "bot.env_missing", name=name))
        return value

    def number(key: str, default: int, low: int, high: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(report(file, f"bot.{key}", "bot.bad_number", low=low, high=high))
            return default
        return value

    values: dict[str, Any] = dict(
        config=config,
        database=database_url(text("database", DEFAULT_DB_FILE), config.parent),
        app_secret=secret("app_secret_env", "WHATSAPP_APP_SECRET"),
        verify_token=secret("verify_token_env", "WHATSAPP_VERIFY_TOKEN"),
        access_token=secret("access_token_env", "WHATSAPP_ACCESS_TOKEN"),
        phone_number_id=text("phone_number_id"),
        graph_api_base=text("graph_api_base", BotSettings.graph_api_base),
        graph_api_version=text("graph_api_version", BotSettings.graph_api_version),
        host=text("host", BotSettings.host),
        port=number("port", BotSettings.port, 0, 65535),
        webhook_path=text("webhook_path", BotSettings.webhook_path),
        timezone=text("timezone", BotSettings.timezone),
        workers=number("workers", BotSettings.workers, 1, 64),
        send_attempts=number("send_attempts", BotSettings.send_attempts, 1, 10),
        answers=_answers(table.get("answers", {}), file, problems),
    )
    if values["phone_number_id"] and not _DIGITS.match(values["phone_number_id"]):
        problems.append(report(file, "bot.phone_number_id", "bot.bad_phone_number_id"))
    if values["graph_api_base"] and not values["graph_api_base"].startswith(("https://", "http://")):
        problems.append(report(file, "bot.graph_api_base", "bot.bad_url"))
    if values["graph_api_version"] and not _VERSION.match(values["graph_api_version"]):
        problems.append(report(file, "bot.graph_api_version", "bot.bad_version"))
    if values["webhook_path"] and (not values["webhook_path"].startswith("/") or values["webhook_path"] == "/healthz"):
        problems.append(report(file, "bot.webhook_path", "bot.bad_path"))
    try:
        ZoneInfo(values["timezone"] or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(report(file, "bot.timezone", "bot.bad_timezone", value=values["timezone"]))
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
    if problems:
        return None, problems
    return BotSettings(**values), []


def _answers(raw: Any, file: str, problems: list[Problem]) -> tuple[Answer, ...]:
    """[bot.answers.<name>] tables: keywords = [...], optional text = "..." or { de = "...", en = "..." }."""
    if not isinstance(raw, dict):
        problems.append(report(file, "bot.answers", "bot.not_table"))
        return ()
    answers = []
    for name, entry in raw.items():
        where = f"bot.answers.{name}"
        if not isinstance(entry, dict):
            problems.append(report(file, where, "bot.not_table"))
            continue
        keywords = entry.get("keywords")
        if (not isinstance(keywords, list) or not keywords
                or not all(isinstance(k, str) and k.strip() for k in keywords)):
            problems.append(report(file, f"{where}.keywords", "bot.bad_keywords"))
            continue
        unknown = set(entry) - {"keywords", "text"}
        if unknown:
            problems.append(report(file, f"{where}.{sorted(unknown)[0]}", "bot.unknown_key", known="keywords, text"))
        value = entry.get("text", {})
        if isinstance(value, str):
            value = {"*": value}
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            problems.append(report(file, f"{where}.text", "bot.bad_answer_text"))
            continue
        answers.append(Answer(name, tuple(k.strip() for k in keywords), dict(value)))
    return tuple(answers)
