"""`site-builder check`: validate settings and texts, list every problem, then the open legal to-dos; write nothing."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Mapping

from ..messages import t
from ..outcome import build
from ..problems import errors


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("check", help=t("cli.check_help"), description=t("cli.check_description"))
    common(parser)
    lang(parser)


def run(args: argparse.Namespace) -> int:
    from ..config import load_settings  # after the answer: an unchanged check imports no more
    from ..config.todos import owner_tasks, todos

    out = args.out if args.out is not None else args.config.parent / "output"
    result = build(args.config, out, strict=args.strict, write=False)
    settings = (result.settings or load_settings(args.config)[0]) if result.consent_ids else None
    # settings still to fill in or update are problems (warnings: --strict counts them) ...
    problems = list(result.problems) + (todos(settings) if settings is not None else [])
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = errors(problems, args.strict)
    if failed or not result.consent_ids:
        print(t("cli.problems_found", n=len(failed)), file=sys.stderr)
        return 1
    if settings is not None:
        show_numbers(settings.raw)
        # ... the owner's tasks after the build are not: a short checklist, each once, that stops nothing
        tasks = owner_tasks(settings.data)
        if tasks:
            print(t("cli.tasks_heading", n=len(tasks)))
            for key in tasks:
                print("  [ ] " + t(_TASKS[key]))
    warnings = [p for p in problems if p.severity != "error"]
    if warnings:
        print(t("cli.good_but_warnings", config=args.config, n=len(result.files), warnings=len(warnings)))
        return 0
    print(t("cli.all_good", config=args.config, n=len(result.files)))
    return 0


# catalogue keys of the owner's tasks (config.todos.owner_tasks), written out so that a search for a key finds its use
_TASKS = {"file_records": "cli.task_file_records", "sign_risk": "cli.task_sign_risk",
          "sign_staff": "cli.task_sign_staff", "send_letter": "cli.task_send_letter", "setup_app": "cli.task_setup_app",
          "deny_contacts": "cli.task_deny_contacts", "customers_only": "cli.task_customers_only",
          "bot_dpa": "cli.task_bot_dpa", "full_dpia": "cli.task_full_dpia"}

# catalogue keys of the numbers' names, written out so that a search for a key finds its use ("WhatsApp" is
# a name, the same in every language)
_NUMBER_LABELS = {"business.phone": "cli.number_phone", "dpo.phone": "cli.number_dpo"}


def show_numbers(raw: Mapping[str, Any]) -> None:
    """Every phone number as customers will dial it: a digit typed wrong is caught only by calling it once."""
    from ..config.numbers import dialled

    numbers = dialled(raw)
    if numbers:
        print(t("cli.numbers_heading"))
    for key, number in numbers:
        label = t(_NUMBER_LABELS[key]) if key in _NUMBER_LABELS else "WhatsApp"
        print("  " + t("cli.number_check", label=label, number=number))
