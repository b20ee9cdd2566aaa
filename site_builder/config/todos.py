"""The owner's open legal to-dos, listed by `check` apart from the problems (issue 11, gap 7).

None of them stops a build: the page is lawful to publish while they are open, but the owner still owes
them (the Art. 28(3) check of WhatsApp's terms, yearly reviews, the web host as a named processor with
a filed agreement). `check --strict` fails while any is open.
"""

from __future__ import annotations

import calendar
import datetime as dt

from ..facts import transfer  # the shipped facts: the project re-checks them, the owner sees when they aged
from ..problems import Problem, report
from ..wording import Wording  # the records' wording, overridable per site
from .settings import Settings

LITERAE = "abcdefgh"  # Art. 28(3)(a)-(h) GDPR


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def todos(settings: Settings) -> list[Problem]:
    """Every open to-do as a warning naming the key that closes it, in a fixed order."""
    file, now = str(settings.path), settings.today
    data, out = settings.data, []
    records = data.get("records") or {}
    clauses = records.get("terms_clauses") or {}
    missing = [lit for lit in LITERAE if not clauses.get(lit)]
    if missing:
        out.append(report(file, "records.terms_clauses", "config.todo_clauses", warning=True,
                          letters=", ".join(missing)))
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
    if records.get("contacts_access") == "all":
        out.append(report(file, "records.contacts_access", "config.todo_contacts_all", warning=True))
    checked = transfer().checked
    if add_months(checked, 12) < now:
        out.append(report(file, "transfer", "config.todo_facts_old", warning=True, date=checked.isoformat()))
    return out + _dsk_open(settings)


def _dsk_open(settings: Settings) -> list[Problem]:
    """The items of the DSK's DPIA list that the risk assessment leaves open (the shipped wording marks those
    whose wording could not be confirmed): the owner compares them in a copy of the wording file."""
    rel = f"records/{settings.default_lang}/risk-assessment.toml"
    wording = Wording(settings.root, settings.data.theme.name)
    entries = (wording.toml(rel, []) or {}).get("dsk_list")
    items = [str(e.get("id")) for e in entries if isinstance(e, dict) and e.get("answer", "open") == "open"] \
        if isinstance(entries, list) else []
    if not items:
        return []
    # named as the site's own copy: the file the owner creates (or has) to close this
    return [report(str(wording.own_path(rel)), "dsk_list", "config.todo_dsk_open", warning=True,
                   items=", ".join(items), builtin=f"site_builder/wording/{rel}")]
