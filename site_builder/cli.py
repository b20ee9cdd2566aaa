"""The command line: parses arguments and hands them to one module per verb in commands/.

Every text here comes from the message catalogue (messages/<lang>/cli.toml), so `--help` speaks the
owner's language: German where the locale is German, `--lang de|en` to choose.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from .commands import VERBS, add_verbs, run_verb
from .messages import LANGUAGES, set_language, t
from .quick_exit import QUICK_EXIT, leave

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse, with its own few words ("usage", "error") from the catalogue."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", t("cli.usage"), 1)

    def format_help(self) -> str:
        return (super().format_help().replace("usage:", t("cli.usage"), 1)
                .replace("positional arguments:", t("cli.positional"))
                .replace("options:", t("cli.options"))
                .replace("show this help message and exit", t("cli.help_help"))
                .replace("show program's version number and exit", t("cli.version_help")))

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {t('cli.error')}: {message}\n")


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.lang"))


def common(parser: argparse.ArgumentParser) -> None:
    """-c, -o, --strict: the options of the verbs that build."""
    parser.add_argument("-c", "--config", type=Path, default=Path("site.toml"), metavar=t("cli.file"),
                        help=t("cli.config"))
    parser.add_argument("-o", "--out", type=Path, default=None, metavar=t("cli.dir"), help=t("cli.out"))
    parser.add_argument("--strict", action="store_true", help=t("cli.strict"))


def make_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; given the arguments, only the verb they name is declared (its module imported), since
    a rebuild with nothing to do should cost little more than starting Python. Without a known verb
    (`--help`, a typo), every verb is declared, so that help and errors list them all."""
    parser = Parser(prog="site-builder", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    _lang(parser)
    verbs = parser.add_subparsers(dest="verb", metavar=t("cli.verb"), parser_class=Parser)
    verbs.required = True
    named = [arg for arg in argv if arg in VERBS][:1]
    add_verbs(verbs, common, _lang, named or VERBS)
    return parser


def _language_from(argv: Sequence[str]) -> str | None:
    """--lang is read before the parser is made, so that --help is in that language too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGUAGES:
            return arg[7:]
    return None


def _first_word(argv: Sequence[str]) -> list[str]:
    """The verb: the first argument that is not an option or an option's value."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("-"):
            return [arg]
    return []


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_from(argv))
    try:
        args = make_parser(_first_word(argv)).parse_args(argv)
        return run_verb(args)
    except BrokenPipeError:
        # output piped into `head` and the like: quiet, as other command-line tools are
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    finally:
        set_language(None)


def run() -> None:
    """The process entry point (`site-builder`, `python -m site_builder`)."""
    argv = sys.argv[1:]
    code = main(argv)
    if set(_first_word(argv)) & QUICK_EXIT:
        leave(code)
    sys.exit(code)
