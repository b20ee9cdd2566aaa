"""The bot's settings, made from [bot] tables that the settings schema has already checked
(site_builder/config/bot_schema.py): one business's site.toml, or a folder of sites with a shared bot.toml.

What is left here is what only the running bot knows: the secrets, read from the environment variables the
tables name (secrets never stand in a settings file, so the files can be shared and committed), and which keys a
site of a folder may hold (`bot.shared_key`). Every problem is reported at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..config.bot_schema import DEFAULT_DB_FILE, DEPLOYMENT_KEYS, SECRETS
from ..problems import Problem, report
from .filecrypt import read_key

__all__ = ["Answer", "BotSettings", "Deployment", "Smtp", "Template", "database_url", "deployment_from",
           "site_bot_from", "DEFAULT_DB_FILE"]

DEFAULT_SECRETS = {"app_secret_env": "WHATSAPP_APP_SECRET", "access_token_env": "WHATSAPP_ACCESS_TOKEN"}


@dataclass(frozen=True)
class Answer:
    """A keyword answer the owner configures: any keyword in a message -> the text (per language)."""

    name: str
    keywords: tuple[str, ...]
    text: Mapping[str, str]  # lang -> text with {{ placeholders }}; empty: the wording file bot/<lang>/<name>.txt


@dataclass(frozen=True)
class Template:
    """An approved utility template that confirms outside the 24-hour window: its name, its language code per
    site language, and what fills its body parameters {{1}}, {{2}}, ... in order."""

    name: str
    languages: Mapping[str, str]
    parameters: tuple[str, ...]

    def language(self, lang: str) -> str:
        return self.languages.get(lang) or next(iter(self.languages.values()))


@dataclass(frozen=True)
class Smtp:
    """Where the owner's notices go out; the login comes from the environment."""

    host: str
    port: int
    security: str  # starttls, tls or none
    sender: str
    user: str = ""
    password: str = ""


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
    secret_names: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_SECRETS))

    def messages_url(self, phone_number_id: str) -> str:
        return f"{self.graph_api_base.rstrip('/')}/{self.graph_api_version}/{phone_number_id}/messages"

    def graph_url(self, path: str) -> str:
        """Another Graph API address (a media id, a media download): same base and version."""
        return f"{self.graph_api_base.rstrip('/')}/{self.graph_api_version}/{path.lstrip('/')}"


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
    pair_gap: float = 6.0  # seconds between two messages to the same customer (Meta's pair rate)
    notify_email: str = ""
    answers: tuple[Answer, ...] = ()
    templates: Mapping[str, Template] = field(default_factory=dict)
    table: Mapping[str, Any] = field(default_factory=dict, repr=False)  # the checked [bot] table itself
    requests_key: bytes = field(default=b"", repr=False)  # guided requests: the key their files are encrypted with
    webhook_secret: str = field(default="", repr=False)  # guided requests: what their webhook is signed with

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


class _Env:
    """Reads the secrets a table names from the environment; an unset variable is a problem at its key."""

    def __init__(self, file: Path, env: Mapping[str, str], problems: list[Problem], prefix: str = "bot"):
        self.file, self.env, self.problems, self.prefix = str(file), env, problems, prefix

    def secret(self, key: str, name: str, required: bool) -> str:
        value = self.env.get(name, "") if name else ""
        if not value and required:
            self.problems.append(report(self.file, f"{self.prefix}.{key}", "bot.env_missing", name=name))
        return value


def _smtp(table: Mapping[str, Any] | None, env: _Env) -> Smtp | None:
    if not table:
        return None
    security = str(table["security"])
    login = _Env(Path(env.file), env.env, env.problems, "bot.smtp")
    user = login.secret("user_env", str(table["user_env"]), True) if table.get("user_env") else ""
    password = login.secret("password_env", str(table["password_env"]), True) if table.get("password_env") else ""
    port = table.get("port") or (465 if security == "tls" else 587)
    return Smtp(str(table["host"]), int(port), security, str(table["from"]), user, password)


def deployment_from(table: Mapping[str, Any], config: Path, env: Mapping[str, str], problems: list[Problem],
                    overrides: Mapping[str, Any] | None = None) -> Deployment:
    """The shared half of a checked [bot] table (site.toml's, or bot.toml's): its secrets from `env`."""
    e = _Env(config, env, problems)
    names = {key: str(table.get(key) or default) for key, default in DEFAULT_SECRETS.items()}
    values: dict[str, Any] = dict(
        config=config,
        database=database_url(str(table["database"]), config.parent),
        verify_token=e.secret("verify_token_env", str(table["verify_token_env"]), True),
        # a default secret is needed only by the sites that name none of their own (checked there)
        app_secret=e.secret("app_secret_env", names["app_secret_env"], table.get("app_secret_env") is not None),
        access_token=e.secret("access_token_env", names["access_token_env"],
                              table.get("access_token_env") is not None),
        graph_api_base=str(table["graph_api_base"]), graph_api_version=str(table["graph_api_version"]),
        host=str(table["host"]), port=int(table["port"]), webhook_path=str(table["webhook_path"]),
        workers=int(table["workers"]), queue_limit=int(table["queue_limit"]),
        send_timeout=float(table["send_timeout"]), unknown_wait=float(table["unknown_wait"]),
        digest_hour=int(table["digest_hour"]), smtp=_smtp(table.get("smtp"), e), secret_names=names,
    )
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
    return Deployment(**values)


def _answers(table: Mapping[str, Any] | None) -> tuple[Answer, ...]:
    return tuple(Answer(name, tuple(str(k).strip() for k in entry["keywords"]), dict(entry.get("text") or {}))
                 for name, entry in (table or {}).items())


def _templates(table: Mapping[str, Any] | None) -> dict[str, Template]:
    return {kind: Template(str(entry["name"]), dict(entry["language"]), tuple(entry.get("parameters") or ()))
            for kind, entry in (table or {}).items() if entry}


def site_bot_from(table: Mapping[str, Any], config: Path, env: Mapping[str, str], deployment: Deployment,
                  problems: list[Problem], given: frozenset[str] | None = None) -> BotSettings:
    """One business's half of a checked [bot] table. `given` (the keys site.toml names itself) is set when the
    site is one of a folder: then the shared keys belong in bot.toml."""
    e = _Env(config, env, problems)
    own_keys_only = given is not None
    for key in sorted(DEPLOYMENT_KEYS):
        if own_keys_only and f"bot.{key}" in given:  # type: ignore[operator]
            problems.append(report(str(config), f"bot.{key}", "bot.shared_key", key=key))

    def secret(key: str) -> str:
        name = table.get(key)
        if own_keys_only and name:
            return e.secret(key, str(name), True)  # this site's own Meta app or token
        value = getattr(deployment, key.removesuffix("_env"))
        if not value and (own_keys_only or not name):  # nobody named it, and the default is not set
            e.secret(key, deployment.secret_names[key], True)
        return value

    assert set(SECRETS) == set(DEFAULT_SECRETS)
    key, hook = _request_secrets(table.get("requests"), config, env, problems)
    return BotSettings(
        config=config, phone_number_id=str(table["phone_number_id"]), app_secret=secret("app_secret_env"),
        access_token=secret("access_token_env"), deployment=deployment,
        business_account_id=str(table.get("business_account_id") or ""), timezone=str(table["timezone"]),
        messages_per_second=int(table["messages_per_second"]), pair_gap=int(table["pair_gap_ms"]) / 1000,
        notify_email=str(table.get("notify_email") or ""),
        answers=_answers(table.get("answers")), templates=_templates(table.get("templates")), table=table,
        requests_key=key, webhook_secret=hook,
    )


def _request_secrets(table: Mapping[str, Any] | None, config: Path, env: Mapping[str, str],
                     problems: list[Problem]) -> tuple[bytes, str]:
    """The guided requests' file key and webhook secret, from the variables [bot.requests] names."""
    if not table:
        return b"", ""
    e = _Env(config, env, problems, "bot.requests")
    key = b""
    if table.get("key_env"):
        text = e.secret("key_env", str(table["key_env"]), True)
        if text:
            key = read_key(text) or b""
            if not key:
                problems.append(report(str(config), "bot.requests.key_env", "requests.bad_key",
                                       name=str(table["key_env"])))
    hook = e.secret("webhook_secret_env", str(table["webhook_secret_env"]), True) \
        if table.get("webhook_secret_env") else ""
    return key, hook
