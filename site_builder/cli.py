"""The command line: a thin shell over build, check and init."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

from . import __version__
from .build import build, page_weight
from .problems import errors
from .scaffold import init_site

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--config", type=Path, default=Path("site.toml"), metavar="FILE",
                        help="the settings file (default: site.toml); texts are read from content/ next to it")
    parser.add_argument("-o", "--out", type=Path, default=None, metavar="DIR",
                        help="output folder (default: output/ next to the settings file)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Build a lawful WhatsApp consent page, QR codes, posters and GDPR records "
                    "from site.toml and the texts in content/.")
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True
    init = verbs.add_parser("init", help="create site.toml and content/ for a new business",
                            description="Create site.toml and content/ in DIR (default: here). Every value you "
                                        "must supply is marked <<like this>>; `check` lists the ones left.")
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR")
    check = verbs.add_parser("check", help="validate settings and texts; write nothing",
                             description="Validate site.toml and every text, list every problem, write nothing. "
                                         "Exit 0 when all is well, 1 when something must be fixed.")
    _common(check)
    build_p = verbs.add_parser("build", help="validate, then write output/ (site, print files, records)",
                               description="Validate everything, then write the whole output folder: site/ to "
                                           "upload, print/ for the print shop, records/ to keep. A failed build "
                                           "leaves the previous output exactly as it was.")
    _common(build_p)
    return parser


def _report(result, out: Path, seconds: float) -> None:
    plan = result.plan
    sites = [p for p in plan.files if p.startswith("site/")]
    raw, gz = page_weight(plan.files)
    print(f"built {out}: {len(plan.files)} files ({len(sites)} in site/) in {seconds * 1000:.0f} ms")
    for lang, language in plan.languages.items():
        print(f"  consent text {lang}: version {language.consent_id}")
    print(f"  landing page with everything it loads: {raw / 1024:.1f} KB, {gz / 1024:.1f} KB gzip (budget 14 KB)")
    for path in result.archived:
        print(f"  new consent version archived: {path} (keep it: it stays published)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.verb == "init":
        try:
            created = init_site(args.dir)
        except FileExistsError as exc:
            print(f"{exc}: already exists (init never overwrites; choose an empty folder)", file=sys.stderr)
            return EXIT_INPUT
        for path in created:
            print(f"created {path}")
        print("next: fill in every <<marked>> value in site.toml, then run `site-builder check`")
        return EXIT_OK
    out = args.out if args.out is not None else args.config.parent / "output"
    started = time.perf_counter()
    result = build(args.config, out, strict=args.strict, write=args.verb == "build")
    for problem in result.problems:
        print(problem, file=sys.stderr)
    failed = errors(result.problems, args.strict)
    if failed or result.plan.settings is None:
        print(f"{len(failed)} problem(s) found; nothing was written" if args.verb == "build"
              else f"{len(failed)} problem(s) found", file=sys.stderr)
        return EXIT_INPUT
    if args.verb == "check":
        print(f"{args.config}: all good ({len(result.plan.files)} files would be written)")
        return EXIT_OK
    _report(result, out, time.perf_counter() - started)
    return EXIT_OK
