"""`site-builder check`: validate settings and texts, list every problem, then the open legal to-dos; write nothing."""

from __future__ import annotations

import argparse
import sys

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
    if open_items:  # not "all good" while the owner still owes something
        print(t("cli.good_but_todos", config=args.config, n=len(result.files), todos=len(open_items)))
        return 0
    print(t("cli.all_good", config=args.config, n=len(result.files)))
    return 0
