"""`site-builder bot`: the consent bot, a small web service for WhatsApp's Cloud API (see docs/bot.md)."""

from __future__ import annotations

import argparse

from ..messages import t


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    from ..bot.cli import add_arguments  # argparse only: the web libraries are imported when it runs

    parser = verbs.add_parser("bot", help=t("cli.bot_help"), description=t("cli.bot_description"))
    add_arguments(parser)
    lang(parser)


def run(args: argparse.Namespace) -> int:
    from ..bot.cli import run as run_bot

    return run_bot(args)
