"""`site-builder build`: validate, then write output/ (site, print files, records) in one swap."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import positive
from ..messages import t
from ..build_result import BuildResult
from ..outcome import build
from ..problems import errors


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("build", help=t("cli.build_help"), description=t("cli.build_description"))
    common(parser)
    lang(parser)
    parser.add_argument("--preview", action="store_true", help=t("cli.preview"))
    parser.add_argument("sites", nargs="*", type=Path, metavar="SITE_DIR", help=t("cli.sites"))
    parser.add_argument("-j", "--jobs", type=positive, default=None, metavar="N", help=t("cli.jobs"))


def run(args: argparse.Namespace) -> int:
    if args.sites or args.jobs:
        return _many(args)
    out = args.out if args.out is not None else args.config.parent / "output"
    started = time.perf_counter()
    if args.preview:
        print(t("cli.preview_progress"), file=sys.stderr, flush=True)
    result = build(args.config, out, strict=args.strict, preview=args.preview, parallel=True)
    for line in result.recovered:
        print(line, file=sys.stderr)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    failed = errors(result.problems, args.strict)
    if failed or not (result.written or result.unchanged):
        print(t("cli.nothing_written", n=len(failed)), file=sys.stderr)
        return 1
    report(result, out, time.perf_counter() - started)
    return 0


def _many(args: argparse.Namespace) -> int:
    if not args.sites:
        print(t("cli.jobs_needs_sites"), file=sys.stderr)
        return 2
    if args.config != Path("site.toml"):
        print(t("cli.config_with_sites"), file=sys.stderr)
        return 2
    from ..multi import build_many_cli  # a process pool and the whole pipeline: only for several sites

    return build_many_cli(args.sites, out=args.out, jobs=args.jobs, strict=args.strict, preview=args.preview)


def photo_line(sizes: dict[str, int]) -> str:
    """The photo's bytes: each size in the modern format (a phone loads one), the JPEG fallbacks together."""
    by_width = sorted(sizes.items(), key=lambda item: int(item[0].rsplit("-", 1)[-1].split(".")[0]))
    modern = ", ".join(f"{path.rsplit('/', 1)[-1]} {size / 1024:.1f} KB" for path, size in by_width
                       if not path.endswith(".jpg"))
    jpeg = [size for path, size in by_width if path.endswith(".jpg")]
    return t("cli.photo_weight", modern=modern, jpeg=f"{min(jpeg) / 1024:.1f}–{max(jpeg) / 1024:.1f} KB")


def report(result: BuildResult, out: Path, seconds: float) -> None:
    files = result.files
    if result.unchanged:
        print(t("cli.unchanged", out=out, n=len(files), ms=f"{seconds * 1000:.0f}"))
    else:
        sites = [p for p in files if p.startswith("site/")]
        print(t("cli.built", out=out, n=len(files), site=len(sites), ms=f"{seconds * 1000:.0f}"))
    for lang, consent_id in result.consent_ids.items():
        print(t("cli.consent_version", lang=lang, id=consent_id))
    raw, gz = result.page_weight
    print(t("cli.page_weight", raw=f"{raw / 1024:.1f}", gz=f"{gz / 1024:.1f}"))
    if result.photo_weight:
        print(photo_line(result.photo_weight))
    if records := [p for p in files if p.startswith("records/")]:
        print(t("cli.records", n=len(records), folder=out / "records", lang=result.default_lang))
    if previews := [p for p in files if p.startswith("preview/") and p.endswith(".png")]:
        print(t("cli.previews", n=len(previews), folder=out / "preview"))
    for path in result.archived:
        print(t("cli.archived", path=path))
