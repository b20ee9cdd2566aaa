"""`site-builder serve`: the site in a browser, rebuilt and reloaded on every change; writes nothing."""

from __future__ import annotations

import argparse

from . import port
from ..messages import t


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("serve", help=t("cli.serve_help"), description=t("cli.serve_description"))
    common(parser)
    lang(parser)
    parser.add_argument("--host", default="127.0.0.1", help=t("cli.host"))
    parser.add_argument("--port", type=port, default=8000, help=t("cli.port"))


def run(args: argparse.Namespace) -> int:
    from ..live_preview import serve

    out = args.out if args.out is not None else args.config.parent / "output"
    return serve(args.config, out, host=args.host, port=args.port, strict=args.strict)
