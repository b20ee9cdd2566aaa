"""The businesses one bot serves: one site (site.toml with [bot]) or a folder of sites (bot.toml + one folder per
site), each with its settings, register recogniser, replies and wording; deliveries routed by phone_number_id."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..config import load_table_file
from ..config.bot_schema import deployment_schema
from ..config.load import read_settings_file, schema_defaults
from ..messages import t
from ..problems import Problem, report
from .. import tomlparse
from ..tomlparse import tomllib
from .load import load_bot_site
from .replies import Replies
from .settings import BotSettings, Deployment, deployment_from, site_bot_from
from .site import BotSite
from .webhook import AccountUpdate, Delivery

DEPLOYMENT_FILE = "bot.toml"


@dataclass(frozen=True)
class SiteRuntime:
    settings: BotSettings
    site: BotSite
    replies: Replies

    @property
    def notices(self) -> bool:
        """Whether the owner can be told by e-mail (SMTP set up, and an address)."""
        return self.settings.deployment.smtp is not None and bool(self.owner_email)

    @property
    def owner_email(self) -> str:
        return self.settings.notify_email or self.site.business.get("email", "")


@dataclass(frozen=True)
class Runtime:
    deployment: Deployment
    sites: Mapping[str, SiteRuntime]  # phone_number_id -> business

    @property
    def secrets(self) -> list[str]:
        return list(dict.fromkeys(rt.settings.app_secret for rt in self.sites.values()))

    def accounts(self, delivery: Delivery, secrets: set[str]) -> list[tuple[AccountUpdate, SiteRuntime]]:
        """account_update names the business account, not a number: the sites of that account, else every site
        that names none (and whose app secret signed the delivery)."""
        out = []
        for account in delivery.accounts:
            waba = account.business_account_id
            matched = [rt for rt in self.sites.values() if rt.settings.business_account_id == waba]
            matched = matched or [rt for rt in self.sites.values() if not rt.settings.business_account_id]
            out += [(account, rt) for rt in matched if rt.settings.app_secret in secrets]
        return out


def _has_bot_table(config: Path) -> bool:
    """Whether a site of a folder has a [bot] table at all (a site without one is simply not served): a look at
    the file only, its checks come with the site's loading."""
    text, problem = read_settings_file(config)
    if problem is not None:
        return True  # loading it names the problem
    try:
        return "bot" in tomlparse.loads(text or "")
    except (tomllib.TOMLDecodeError, tomlparse.TooDeep):
        return True


def _site(config: Path, env: Mapping[str, str], deployment: Deployment | None, problems: list[Problem],
          overrides: Mapping[str, object] | None = None, in_folder: bool = False) -> SiteRuntime | None:
    """One business: its site loaded as for `check` ([bot] checked by the settings schema), its secrets, replies."""
    site, site_problems = load_bot_site(config)
    problems += site_problems
    if site is None:
        return None
    table = site.model.settings.data.get("bot")
    if table is None:
        problems.append(report(str(config), "bot", "bot.no_table"))
        return None
    if deployment is None:
        deployment = deployment_from(table, config, env, problems, overrides)
    given = site.model.settings.given if in_folder else None
    settings = site_bot_from(table, config, env, deployment, problems, given)
    replies = Replies(site, settings)
    problems += replies.load()
    return SiteRuntime(settings, site, replies)


def load_runtime(config: Path | None, sites_dir: Path | None, overrides: Mapping[str, object] | None = None,
                 environ: Mapping[str, str] | None = None) -> tuple[Runtime | None, list[Problem]]:
    """Every business of the deployment, or every problem found (nothing is started)."""
    env = os.environ if environ is None else environ
    problems: list[Problem] = []
    found: dict[str, SiteRuntime] = {}
    if sites_dir is None:
        assert config is not None
        rt = _site(config, env, None, problems, overrides)
        if rt is not None:
            found[rt.settings.phone_number_id] = rt
        return (None, problems) if problems or rt is None else (Runtime(rt.settings.deployment, found), [])
    shared = sites_dir / DEPLOYMENT_FILE
    if not shared.is_file():
        return None, [report(str(shared), t("config.where_file"), "bot.no_deployment")]
    tables, problems = load_table_file(shared, deployment_schema())
    # with problems of its own (reported), the sites are still checked, against the defaults
    tables = tables or {"bot": schema_defaults(deployment_schema()["bot"].children or {})}
    deployment = deployment_from(tables["bot"], shared, env, problems, overrides)
    folders = sorted(p for p in sites_dir.iterdir() if (p / "site.toml").is_file())
    served = [folder for folder in folders if _has_bot_table(folder / "site.toml")]
    if not served:
        problems.append(report(str(sites_dir), "--sites", "bot.no_sites"))
    for folder in served:
        rt = _site(folder / "site.toml", env, deployment, problems, in_folder=True)
        if rt is None:
            continue
        number = rt.settings.phone_number_id
        if number in found:
            problems.append(report(str(folder / "site.toml"), "bot.phone_number_id", "bot.same_number",
                                   other=str(found[number].settings.config)))
        found[number] = rt
    if problems:
        return None, problems
    return Runtime(deployment, found), []
