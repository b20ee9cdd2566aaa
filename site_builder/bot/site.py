"""What the bot takes from the site: the recogniser of `site-builder consents` and the links and contact details
its replies name. Obtaining them is isolated in `load_site`, the one place that knows how the build is planned."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..problems import Problem, errors
from ..register import Recognizer


@dataclass(frozen=True)
class LanguageFacts:
    """One language of the site as the bot's replies need it."""

    lang: str
    consent_id: str
    urls: Mapping[str, str]  # landing, privacy, withdrawal, consent, imprint
    purposes: Mapping[str, str]  # purpose id -> short label
    opening_hours: str


@dataclass(frozen=True)
class BotSite:
    """The site's recogniser and the facts of each language."""

    root: Path
    recognizer: Recognizer
    default_lang: str
    languages: Mapping[str, LanguageFacts]
    business: Mapping[str, str]  # name, short_name, street, postal_code, city, email
    phone: str  # for people to read
    timezone: str = "Europe/Berlin"


def load_site(config: Path) -> tuple[BotSite | None, list[Problem]]:
    """Plan the site's build in memory (nothing is written) and take the recogniser and the links from it."""
    from .. import records
    from ..build import plan_build

    plan = _plan(config, plan_build)
    if plan.settings is None or errors(plan.problems):
        return None, errors(plan.problems)
    settings = plan.settings
    recognizer = records.site_recognizer(settings, plan)
    langs: dict[str, LanguageFacts] = {}
    phone = ""
    for lang in plan.languages:
        view = records.site_view(settings, plan, lang)
        s = settings.for_lang(lang)
        phone = view.phone
        langs[lang] = LanguageFacts(lang, view.consent_id, dict(view.urls), {p.id: p.short for p in s.purposes},
                                    str(s.business.opening_hours or ""))
    b = settings.business
    business = {key: str(getattr(b, key, "") or "") for key in ("name", "short_name", "street", "postal_code",
                                                                "city", "email")}
    business["short_name"] = business["short_name"] or business["name"]
    return BotSite(config.parent, recognizer, settings.default_lang, langs, business, phone), []


# Until the site's schema lets a [bot] table through, the build is planned from a copy of site.toml without it
# (next to the original, so content/ and the archive are found). The copy is removed at once.
_BOT_TABLE = re.compile(r"^\[\[?\s*bot(\.[^\]]*)?\s*\]\]?\s*$")
_ANY_TABLE = re.compile(r"^\[")


def _schema_knows_bot() -> bool:
    from .. import config as config_mod

    return "bot" in getattr(config_mod, "SCHEMA", {})


def without_bot_table(text: str) -> str:
    """site.toml's text with its [bot] and [bot.*] tables left out."""
    out, inside = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if _ANY_TABLE.match(stripped):
            inside = bool(_BOT_TABLE.match(stripped))
        if not inside:
            out.append(line)
    return "".join(out)


def _plan(config: Path, plan_build: Any) -> Any:
    if _schema_knows_bot():
        return plan_build(config)
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return plan_build(config)  # reports the file as unreadable
    stripped = without_bot_table(text)
    if stripped == text:
        return plan_build(config)
    try:
        fd, name = tempfile.mkstemp(prefix=".bot-view-", suffix=".toml", dir=config.parent)
    except OSError:
        return plan_build(config)  # a read-only site folder: the settings check then names the [bot] table
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(stripped)
        plan = plan_build(Path(name))
    finally:
        os.unlink(name)
    for i, problem in enumerate(plan.problems):
        if problem.file == name:
            plan.problems[i] = Problem(str(config), problem.where, problem.what, problem.fix, problem.severity)
    return plan
