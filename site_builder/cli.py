"""The command line: a thin shell over build, check, init and serve."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from . import __version__
from .problems import errors

# The build modules are imported only once a command needs them: `build` first forks the process that
# draws the print files (early.py), so that it imports and draws while this one imports the rest.

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
    build_p.add_argument("--preview", action="store_true",
                         help="also write output/preview/: screenshots of the landing page on three phones, "
                              "in each language, light and dark (needs Chromium)")
    build_p.add_argument("sites", nargs="*", type=Path, metavar="SITE_DIR",
                         help="build these site folders (each with its own site.toml and content/) instead, in "
                              "parallel; each writes to its own output/, or to --out/<folder name>")
    build_p.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                         help="with SITE_DIR...: sites built at once (default: the number of cores)")
    serve = verbs.add_parser("serve", help="preview the site in a browser; rebuilds and reloads on every change",
                             description="Build the site in memory and serve it on http://127.0.0.1:8000/. Every "
                                         "change to site.toml, the texts or the theme rebuilds it and reloads the "
                                         "open browser; a failed rebuild lists its problems and keeps showing the "
                                         "last good one. Writes nothing: `build` writes output/ for upload.")
    _common(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: only this computer; 0.0.0.0: also phones "
                            "in the same network)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    consents = verbs.add_parser(
        "consents", help="build the consent register (CSV) from WhatsApp chat exports",
        description="Read WhatsApp chat exports (the .zip from \"Export chat\", or the .txt inside it; Android or "
                    "iOS, German or English) and write one CSV row per consent, withdrawal, marketing opt-in and "
                    "opt-out the customers sent, with the consent version each one refers to. Lines that cannot be "
                    "read are listed with file and line number; then the exit code is 1. The register holds "
                    "personal data: keep it with your records, never upload it.")
    consents.add_argument("files", nargs="+", type=Path, metavar="FILE", help="chat exports (.zip or .txt)")
    consents.add_argument("-o", "--out", type=Path, default=Path("register.csv"), metavar="CSV",
                          help="the register to write (default: register.csv here; - for the screen)")
    consents.add_argument("-c", "--config", type=Path, default=Path("site.toml"), metavar="FILE",
                          help="the settings file (default: site.toml): its texts tell which messages are consents")
    return parser


def _consents(args: argparse.Namespace) -> int:
    from collections import Counter

    from .records import consent_register

    out = sys.stdout if str(args.out) == "-" else args.out
    rows, problems, written = consent_register(args.config, args.files, out)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not written:
        print(f"{len(errors(problems))} problem(s) found; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    if out is sys.stdout:
        return EXIT_INPUT if errors(problems) else EXIT_OK
    counts = Counter(row.event for row in rows)
    summary = ", ".join(f"{n} {event}" for event, n in sorted(counts.items())) or "no consent messages found"
    print(f"wrote {args.out}: {len(rows)} rows from {len(args.files)} file(s) ({summary})")
    if unknown := sum(1 for row in rows if row.version_status == "unknown"):
        print(f"  {unknown} consent(s) name a version this site never published: check them by hand")
    if errors(problems):
        print(f"{len(errors(problems))} problem(s) found: those lines are not in the register", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_OK


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def _report(result, out: Path, seconds: float) -> None:
    from .build import page_weight

    plan = result.plan
    sites = [p for p in plan.files if p.startswith("site/")]
    raw, gz = page_weight(plan.files)
    print(f"built {out}: {len(plan.files)} files ({len(sites)} in site/) in {seconds * 1000:.0f} ms")
    for lang, language in plan.languages.items():
        print(f"  consent text {lang}: version {language.consent_id}")
    print(f"  landing page with everything it loads: {raw / 1024:.1f} KB, {gz / 1024:.1f} KB gzip (budget 14 KB)")
    if records := [p for p in plan.files if p.startswith("records/") and not p.endswith(".json")]:
        print(f"  records: {len(records)} files in {out / 'records'} (keep them; never upload; start with "
              f"records/{plan.settings.default_lang}/index.html)")
    if previews := [p for p in plan.files if p.startswith("preview/")]:
        print(f"  phone previews: {len(previews)} PNG in {out / 'preview'}")
    for path in result.archived:
        print(f"  new consent version archived: {path} (keep it: it stays published)")


def run() -> None:
    """The process entry point (`site-builder`, `python -m site_builder`): main(), then leave at once.

    A build leaves tens of thousands of objects behind (fonts, templates, layouts); letting the interpreter
    free them one by one costs about 20 ms at every exit, a tenth of a rebuild. By then every file is
    written and closed and every child process waited for; only the terminal output is flushed here."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # output piped into `head` and the like: quiet, as other command-line tools are
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.verb == "init":
        from .scaffold import init_site

        try:
            created = init_site(args.dir)
        except FileExistsError as exc:
            print(f"{exc}: already exists (init never overwrites; choose an empty folder)", file=sys.stderr)
            return EXIT_INPUT
        for path in created:
            print(f"created {path}")
        print("next: fill in every <<marked>> value in site.toml, then run `site-builder check`")
        return EXIT_OK
    if args.verb == "consents":
        return _consents(args)
    if args.verb == "serve":
        from .serve import serve
        out = args.out if args.out is not None else args.config.parent / "output"
        return serve(args.config, out, host=args.host, port=args.port, strict=args.strict)
    if args.verb == "build" and (args.sites or args.jobs):
        if not args.sites:
            parser.error("--jobs needs SITE_DIR... (the site folders to build)")
        if args.config != Path("site.toml"):
            parser.error("-c/--config cannot be combined with SITE_DIR...: each folder has its own site.toml")
        from .multi import build_many_cli
        return build_many_cli(args.sites, out=args.out, jobs=args.jobs, strict=args.strict,
                              preview=getattr(args, "preview", False))
    out = args.out if args.out is not None else args.config.parent / "output"
    started = time.perf_counter()
    early = None
    if args.verb == "build":
        from .early import start_print

        early = start_print(out)
    from .build import build

    result = build(args.config, out, strict=args.strict, write=args.verb == "build",
                   preview=getattr(args, "preview", False), early=early)
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
