"""One module per verb; each has `add(verbs, common, lang)` to declare its arguments and `run(args)`.

A verb module imports the work it runs inside `run`: `--help` declares every verb, and a verb should not
pay for loading another's (the consent bot's web stack, the live server, the pipeline)."""

from __future__ import annotations

import argparse
import importlib
from typing import Callable, Sequence

from ..messages import t

VERBS = ("init", "check", "build", "serve", "consents", "requests", "bot")


def add_verbs(verbs: argparse._SubParsersAction, common: Callable, lang: Callable,
              which: Sequence[str] = VERBS) -> None:
    for verb in which:
        importlib.import_module(f"{__name__}.{verb}").add(verbs, common, lang)


def run_verb(args: argparse.Namespace) -> int:
    return importlib.import_module(f"{__name__}.{args.verb}").run(args)


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(t("cli.not_positive", value=value))
    return int(value)


def port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(t("cli.bad_port", value=value))
    return int(value)
