"""The bot's settings: the [bot] table of site.toml (one business), or a folder of sites with a bot.toml.

One business: every key stands in site.toml's [bot]. Several businesses on one deployment (`site-builder bot
--sites DIR`): DIR/bot.toml's [bot] holds what the process shares (database, address, SMTP, ...), and each
DIR/<name>/site.toml's [bot] what belongs to one WhatsApp number (phone_number_id, replies, templates, ...).
Secrets never stand in a settings file: the tables name the environment variables that hold them, so the files
can be shared and committed while the secrets stay on the server. Every problem is reported at once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..problems import Problem, report
from .. import gate, tomlparse
from ..config.load import MAX_SETTINGS_BYTES
from .settings_checks import (DEPLOYMENT_KEYS, SITE_KEYS, Answer, SettingsReader, Smtp, Template, answers, smtp,
                              templates)

__all__ = ["Answer", "BotSettings", "Deployment", "Smtp", "Template", "database_url", "load_bot_settings",
           "load_deployment", "load_site_bot", "read_bot_table", "DEFAULT_DB_FILE"]

DEFAULT_DB_FILE = "consent-register.sqlite3"


@dataclass(frozen=True)
class Deployment:
    """What one bot process (or several on one database) shares, secrets already read from the environment."""

    config: Path
    database: str  # an SQLAlchemy URL
    verify_token: str
    app_secret: str = ""  # the default for sites that name none of their own
    access_token: str = ""
    graph_api_base: str = "https://graph.facebook.com"
    graph_api_version: str = "v21.0"
    host: str = "127.0.0.1"
    port: int = 8081
    webhook_path: str = "/whatsapp/webhook"
    workers: int = 4  # replies sent at once
    queue_limit: int = 256  # deliveries waiting for the database before the bot answers 503
    send_timeout: float = 15.0  # seconds to wait for the Graph API's answer; later: outcome unknown
    unknown_wait: float = 600.0  # seconds to wait for a status webhook about a reply of unknown outcome
    digest_hour: int = 7  # local hour of the owner's daily digest of new consents
    smtp: Smtp | None = None

    def messages_url(self, phone_number_id: str) -> str:
        return f"{self.graph_api_base.rstrip('/')}/{self.graph_api_version}/{phone_number_id}/messages"


@dataclass(frozen=True)
class BotSettings:
    """One business's bot settings (one WhatsApp number), with the deployment it runs in."""

    config: Path
    phone_number_id: str
    app_secret: str
    access_token: str
    deployment: Deployment
    business_account_id: str = ""
    timezone: str = "Europe/Berlin"
    messages_per_second: int = 80  # Meta's default throughput per number (20 under coexistence)
    notify_email: str = ""
    answers: tuple[Answer, ...] = ()
    templates: Mapping[str, Template] = field(default_factory=dict)

    # the single-business shape of earlier versions: tests and the CLI read these from the settings
    @property
    def database(self) -> str:
        return self.deployment.database

    @property
    def host(self) -> str:
        return self.deployment.host

    @property
    def port(self) -> int:
        return self.deployment.port

    @property
    def webhook_path(self) -> str:
        return self.deployment.webhook_path

    @property
    def messages_url(self) -> str:
        return self.deployment.messages_url(self.phone_number_id)


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
    """The raw [bot] table of a settings file (None if it has none)."""
    if not os.path.lexists(config):
        return None, [report(str(config), "file", "bot.no_config")]
    try:  # through the gate: a regular file of at most the settings' size, nesting checked before parsing
        raw = tomlparse.loads(gate.decode(gate.read_or_refuse(config, root=None, limit=MAX_SETTINGS_BYTES),
                                          str(config)))
    except gate.Refused as refused:
        return None, [refused.problem]
    except (ValueError, UnicodeDecodeError) as exc:  # TOMLDecodeError, TooDeep
        return None, [report(str(config), "file", "bot.unreadable", error=str(exc))]
    table = raw.get("bot")
    if table is None:
        return None, [report(str(config), "bot", "bot.no_table")]
    if not isinstance(table, dict):
        return None, [report(str(config), "bot", "bot.not_table")]
    return table, []


def load_deployment(table: Mapping[str, Any], config: Path, env: Mapping[str, str], problems: list[Problem],
                    overrides: Mapping[str, Any] | None = None) -> Deployment:
    """The shared half of [bot]: database, address, timeouts, SMTP (problems appended)."""
    c = SettingsReader(table, str(config), env, problems)
    values: dict[str, Any] = dict(
        config=config,
        database=database_url(c.text("database", DEFAULT_DB_FILE), config.parent),
        verify_token=c.secret("verify_token_env", "WHATSAPP_VERIFY_TOKEN"),
        app_secret=c.secret("app_secret_env", "WHATSAPP_APP_SECRET", required="app_secret_env" in table),
        access_token=c.secret("access_token_env", "WHATSAPP_ACCESS_TOKEN", required="access_token_env" in table),
        graph_api_base=c.url("graph_api_base", Deployment.graph_api_base),
        graph_api_version=c.version("graph_api_version", Deployment.graph_api_version),
        host=c.text("host", Deployment.host),
        port=c.number("port", Deployment.port, 0, 65535),
        webhook_path=c.path("webhook_path", Deployment.webhook_path),
        workers=c.number("workers", Deployment.workers, 1, 64),
        queue_limit=c.number("queue_limit", Deployment.queue_limit, 1, 100_000),
        send_timeout=float(c.number("send_timeout", int(Deployment.send_timeout), 1, 120)),
        unknown_wait=float(c.number("unknown_wait", int(Deployment.unknown_wait), 1, 86_400)),
        digest_hour=c.number("digest_hour", Deployment.digest_hour, 0, 23),
        smtp=smtp(table.get("smtp"), c),
    )
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
    return Deployment(**values)


def load_site_bot(table: Mapping[str, Any], config: Path, env: Mapping[str, str], deployment: Deployment,
                  problems: list[Problem], own_keys_only: bool) -> BotSettings:
    """One business's half of [bot] (problems appended). `own_keys_only`: the site is one of several, so the
    shared keys belong in bot.toml."""
    file = str(config)
    c = SettingsReader(table, file, env, problems)
    known = SITE_KEYS if own_keys_only else SITE_KEYS | DEPLOYMENT_KEYS
    for key in table:
        if key in known:
            continue
        if own_keys_only and key in DEPLOYMENT_KEYS:
            problems.append(report(file, f"bot.{key}", "bot.shared_key", key=key))
        else:
            problems.append(report(file, f"bot.{key}", "bot.unknown_key", known=", ".join(sorted(known))))

    def secret(key: str, default_name: str, shared: str) -> str:
        if own_keys_only and key in table:
            return c.secret(key, default_name)  # this site's own Meta app or token
        value = getattr(deployment, shared)
        if not value and (own_keys_only or key not in table):  # nobody named it, and the default is not set
            problems.append(report(file, f"bot.{key}", "bot.env_missing", name=default_name))
        return value

    app_secret = secret("app_secret_env", "WHATSAPP_APP_SECRET", "app_secret")
    access_token = secret("access_token_env", "WHATSAPP_ACCESS_TOKEN", "access_token")
    return BotSettings(
        config=config,
        phone_number_id=c.digits("phone_number_id", "bot.bad_phone_number_id"),
        app_secret=app_secret,
        access_token=access_token,
        deployment=deployment,
        business_account_id=c.digits("business_account_id", "bot.bad_business_account_id", required=False),
        timezone=c.timezone("timezone", BotSettings.timezone),
        messages_per_second=c.number("messages_per_second", BotSettings.messages_per_second, 1, 1000),
        notify_email=c.email("notify_email"),
        answers=answers(table.get("answers", {}), c),
        templates=templates(table.get("templates", {}), c),
    )


def load_bot_settings(config: Path, environ: Mapping[str, str] | None = None,
                      overrides: Mapping[str, Any] | None = None) -> tuple[BotSettings | None, list[Problem]]:
    """One business: every key of [bot] in its site.toml; every problem at once, one line each."""
    env = os.environ if environ is None else environ
    table, problems = read_bot_table(config)
    if table is None:
        return None, problems
    deployment = load_deployment(table, config, env, problems, overrides)
    settings = load_site_bot(table, config, env, deployment, problems, own_keys_only=False)
    return (None, problems) if problems else (settings, [])
