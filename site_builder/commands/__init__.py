"""One module per verb; each has `add(verbs, common, lang)` to declare its arguments and `run(args)`."""

from __future__ import annotations

import argparse
import importlib
from typing import Callable, Sequence

VERBS = ("init", "check", "build", "serve", "consents", "bot")


def add_verbs(verbs: argparse._SubParsersAction, common: Callable, lang: Callable,
              which: Sequence[str] = VERBS) -> None:
    for verb in which:
        importlib.import_module(f"{__name__}.{verb}").add(verbs, common, lang)


def run_verb(args: argparse.Namespace) -> int:
    return importlib.import_module(f"{__name__}.{args.verb}").run(args)
