"""`site-builder init [DIR] [--trade NAME]`, `init --list-trades`: a new site folder, values to fill in marked <<like this>>."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..messages import t


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("init", help=t("cli.init_help"), description=t("cli.init_description"))
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar=t("cli.dir"))
    parser.add_argument("--trade", metavar=t("cli.trade_name"), help=t("cli.trade"))
    parser.add_argument("--list-trades", action="store_true", help=t("cli.list_trades"))
    lang(parser)


def run(args: argparse.Namespace) -> int:
    from ..scaffold import init_command, list_trades

    if args.list_trades:
        return list_trades()
    return init_command(args.dir, args.trade)
