"""The businesses one bot serves: one site (site.toml with [bot]) or a folder of sites (bot.toml + one folder per
site), each with its settings, register recogniser, replies and wording; deliveries routed by phone_number_id."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..problems import Problem, report
from .replies import Replies
from .settings import BotSettings, Deployment, load_deployment, load_site_bot, read_bot_table
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


def _site(config: Path, table: dict, env: Mapping[str, str], deployment: Deployment, problems: list[Problem],
          own_keys_only: bool) -> SiteRuntime | None:
    from .load import load_site

    settings = load_site_bot(table, config, env, deployment, problems, own_keys_only)
    site, site_problems = load_site(config)
    problems += site_problems
    if site is None:
        return None
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
        table, problems = read_bot_table(config)
        if table is None:
            return None, problems
        deployment = load_deployment(table, config, env, problems, overrides)
        rt = _site(config, table, env, deployment, problems, own_keys_only=False)
        if rt is not None:
            found[rt.settings.phone_number_id] = rt
    else:
        shared = sites_dir / DEPLOYMENT_FILE
        table, problems = read_bot_table(shared)
        if table is None:
            return None, problems
        deployment = load_deployment(table, shared, env, problems, overrides)
        from .settings_checks import DEPLOYMENT_KEYS

        shared_keys = DEPLOYMENT_KEYS | {"app_secret_env", "access_token_env"}
        for key in table:
            if key not in shared_keys:
                problems.append(report(str(shared), f"bot.{key}", "bot.unknown_key", known=", ".join(sorted(shared_keys))))
        folders = sorted(p for p in sites_dir.iterdir() if (p / "site.toml").is_file())
        if not folders:
            problems.append(report(str(sites_dir), "--sites", "bot.no_sites"))
        for folder in folders:
            site_table, site_problems = read_bot_table(folder / "site.toml")
            if site_table is None:
                continue  # a site without [bot] has no bot: it is simply not served
            rt = _site(folder / "site.toml", site_table, env, deployment, problems, own_keys_only=True)
            if rt is None:
                continue
            number = rt.settings.phone_number_id
            if number in found:
                problems.append(report(str(folder / "site.toml"), "bot.phone_number_id", "bot.same_number",
                                       other=str(found[number].settings.config)))
            found[number] = rt
        if folders and not found and not problems:
            problems.append(report(str(sites_dir), "--sites", "bot.no_sites"))
    if problems:
        return None, problems
    return Runtime(deployment, found), []
