"""What `check` says besides the errors: settings the owner still has to fill in or update (warnings, which
`--strict` counts), and the owner's tasks after the build (a short checklist that never stops anything).

    todos(settings)        -> [Problem]  warnings naming the key that closes each (hosting_provider, reviews ...)
    owner_tasks(settings)  -> [str]      task keys, in order: printed by `check` (cli.task_<key>) and listed by
                                         the records' overview (wording records/<lang>/index.toml, todo.<key>)

A task is what only the owner can do once the records exist: send the letter to WhatsApp Ireland, sign the risk
assessment and the staff instruction, set up the app, deny the app the contacts. The project answers what it can
itself (the Art. 28(3) clause map, the DSK list), so those are neither problems nor tasks (issue 23).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from ..facts import transfer  # the shipped facts: the project re-checks them, the owner sees when they aged
from ..problems import Problem, report
from .rules import dpia_required
from .settings import Settings


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def todos(settings: Settings) -> list[Problem]:
    """Every setting still to fill in or update, as a warning naming the key that closes it, in a fixed order."""
    file, now = str(settings.path), settings.today
    data, out = settings.data, []
    records = data.get("records") or {}
    reviewed = (data.get("transfer") or {}).get("reviewed")
    if isinstance(reviewed, dt.date) and (now - reviewed).days > 365:
        out.append(report(file, "transfer.reviewed", "config.transfer_old", warning=True, date=reviewed.isoformat()))
    as_of, months = data.site.get("as_of"), records.get("review_months") or 12
    if isinstance(as_of, dt.date) and (due := add_months(as_of, months)) < now:
        out.append(report(file, "site.as_of", "config.todo_review_due", warning=True, date=due.isoformat(),
                          months=months))
    if not data.site.get("hosting_provider"):
        out.append(report(file, "site.hosting_provider", "config.todo_host_unnamed", warning=True))
    if not records.get("host_dpa_filed"):
        out.append(report(file, "records.host_dpa_filed", "config.todo_host_dpa", warning=True))
    checked = transfer().checked
    if add_months(checked, 12) < now:
        out.append(report(file, "transfer", "config.todo_facts_old", warning=True, date=checked.isoformat()))
    return out


def owner_tasks(data: Any) -> list[str]:
    """The one-time tasks left to the owner after the build, each once, in the order to do them."""
    records = data.get("records") or {}
    tasks = ["file_records", "sign_risk", "sign_staff", "send_letter", "setup_app"]
    if records.get("contacts_access") == "all":
        tasks.append("deny_contacts")
    elif records.get("contacts_access") == "customers_only":
        tasks.append("customers_only")
    if data.get("bot") is not None:
        tasks.append("bot_dpa")
    if dpia_required(data):
        tasks.append("full_dpia")
    return tasks
