"""`site-builder check`: validate settings and texts, list every problem, write nothing."""

from __future__ import annotations

import argparse
import sys

from ..messages import t
from ..problems import errors


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("check", help=t("cli.check_help"), description=t("cli.check_description"))
    common(parser)
    lang(parser)


def run(args: argparse.Namespace) -> int:
    from ..pipeline import build

    out = args.out if args.out is not None else args.config.parent / "output"
    result = build(args.config, out, strict=args.strict, write=False)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    failed = errors(result.problems, args.strict)
    if failed or not result.consent_ids:
        print(t("cli.problems_found", n=len(failed)), file=sys.stderr)
        return 1
    print(t("cli.all_good", config=args.config, n=len(result.files)))
    return 0
