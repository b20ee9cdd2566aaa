"""`python -m site_builder.bot [-c site.toml] ...` runs the bot; `python -m site_builder.bot consents --db URL
[-c site.toml] [-o CSV] [FILES...]` exports the register (what `site-builder bot` / `consents --db` do)."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Sequence

from . import cli


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["consents"]:
        parser = argparse.ArgumentParser(prog="python -m site_builder.bot consents")
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument("--db", required=True)
        parser.add_argument("-o", "--out", type=Path, default=Path("register.csv"))
        parser.add_argument("-c", "--config", type=Path, default=Path("site.toml"))
        args = parser.parse_args(argv[1:])
        export_rows = []
        if args.files:
            from ..register import run_consents
            from .site import load_site

            site, problems = load_site(args.config)
            if site is not None:
                export_rows, read_problems = run_consents(args.files, site.recognizer, io.StringIO())
                problems = [p for p in read_problems if p.severity == "error"]
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                return cli.EXIT_INPUT
        out = sys.stdout if str(args.out) == "-" else args.out
        _, problems, written = cli.consents_from_database(args.db, out, export_rows, args.config)
        for problem in problems:
            print(problem, file=sys.stderr)
        return cli.EXIT_OK if written else cli.EXIT_INPUT
    parser = argparse.ArgumentParser(prog="python -m site_builder.bot", description="Run the consent bot.")
    cli.add_arguments(parser)
    return cli.run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
