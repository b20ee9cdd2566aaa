"""`site-builder init [DIR]`: a new site folder with every value to fill in marked <<like this>>."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..messages import t


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("init", help=t("cli.init_help"), description=t("cli.init_description"))
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar=t("cli.dir"))
    lang(parser)


def run(args: argparse.Namespace) -> int:
    from ..scaffold import init_site

    try:
        created = init_site(args.dir)
    except FileExistsError as exc:
        print(t("cli.init_exists", path=exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(t("cli.init_unwritable", path=args.dir, reason=exc.strerror or exc.__class__.__name__),
              file=sys.stderr)
        return 1
    for path in created:
        print(t("cli.created", path=path))
    print(t("cli.init_next"))
    return 0
