"""`site-builder init [DIR]`: a new site folder with every value to fill in marked <<like this>>."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..messages import t


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("init", help=t("cli.init_help"), description=t("cli.init_description"))
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar=t("cli.dir"))
    lang(parser)


def run(args: argparse.Namespace) -> int:
    from ..scaffold import init_command

    return init_command(args.dir)
