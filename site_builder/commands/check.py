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
    from ..config.todos import todos

    out = args.out if args.out is not None else args.config.parent / "output"
    result = build(args.config, out, strict=args.strict, write=False)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    failed = errors(result.problems, args.strict)
    # the to-dos stop nothing unless --strict: the page may go online while they are open
    settings = (result.settings or load_settings(args.config)[0]) if result.consent_ids else None
    open_items = todos(settings) if settings is not None else []
    if open_items:
        print(t("cli.todo_heading", n=len(open_items)), file=sys.stderr)
        for item in open_items:
            print(f"  {item}", file=sys.stderr)
    if failed or not result.consent_ids:
        print(t("cli.problems_found", n=len(failed)), file=sys.stderr)
        return 1
    if args.strict and open_items:
        print(t("cli.todos_strict", n=len(open_items)), file=sys.stderr)
        return 1
    if settings is not None:
        show_numbers(settings.raw)
    if open_items:  # not "all good" while the owner still owes something
        print(t("cli.good_but_todos", config=args.config, n=len(result.files), todos=len(open_items)))
        return 0
    print(t("cli.all_good", config=args.config, n=len(result.files)))
    return 0


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
