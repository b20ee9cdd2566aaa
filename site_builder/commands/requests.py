"""`site-builder requests`: the guided requests the consent bot took, exported as the register is (CSV for German
Excel, or .xlsx), one row each; `--flow NAME` writes a request as WhatsApp Flow JSON to publish in WhatsApp Manager;
`--new-key` prints a key for the photos. The work is in site_builder/bot/ (the database) and site_builder/guided/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..messages import t
from ..problems import Problem, errors, report


def add(verbs: argparse._SubParsersAction, common, lang) -> None:
    parser = verbs.add_parser("requests", help=t("cli.requests_help"), description=t("cli.requests_description"))
    parser.add_argument("-c", "--config", type=Path, default=Path("site.toml"), metavar=t("cli.file"),
                        help=t("cli.config"))
    parser.add_argument("--db", metavar="URL", default=None, help=t("cli.requests_db"))
    parser.add_argument("-o", "--out", type=Path, default=None, metavar=t("cli.file"), help=t("cli.requests_out"))
    parser.add_argument("--flow", metavar="NAME", default=None, help=t("cli.requests_flow"))
    parser.add_argument("--flow-lang", metavar="LANG", default=None, help=t("cli.requests_flow_lang"))
    parser.add_argument("--new-key", action="store_true", help=t("cli.requests_new_key"))
    lang(parser)


def _report(problems: list[Problem]) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if errors(problems) else 0


def run(args: argparse.Namespace) -> int:
    if args.new_key:
        try:
            from ..bot.filecrypt import new_key
        except ImportError:
            return _report([report("requests", "--new-key", "cli.bot_extra_missing")]) or 1
        print(new_key())
        return 0
    from ..problems import InputError
    from ..site import load_site

    try:
        model, warnings = load_site(args.config)
    except InputError as exc:
        return _report(exc.problems) or 1
    requests = model.requests
    if not requests:
        return _report([report(str(args.config), "bot.requests", "requests.export_nothing")]) or 1
    if args.flow is not None:
        return _flow(args, model)
    try:
        from ..bot.request_export import export_requests
    except ImportError:
        return _report([report(str(args.config), "--db", "cli.bot_extra_missing")]) or 1
    out = args.out or Path("requests.csv")
    from ..register.write import NotInWorkbook

    try:
        count, problems = export_requests(model, args.db, out)
    except OSError as exc:  # -o names a folder, or a place that cannot be written
        return _report([_not_written(out, exc)]) or 1
    except NotInWorkbook as exc:  # a customer's answer or name with a control character
        return _report([report(str(out), "-o/--out", "requests.xlsx_control", id=exc.row.get("id", ""),
                               column=exc.column, char=exc.char)]) or 1
    if errors(problems):
        return _report(problems)
    print(t("cli.requests_written", out=out, n=count))
    return _report(warnings)


def _flow(args: argparse.Namespace, model: object) -> int:
    from ..guided.flow_json import FLOW_JSON_VERSION, flow_text
    from ..guided.request_files import flow_of
    from ..register.write import replace_atomically

    requests = model.requests  # type: ignore[attr-defined]
    request = requests.get(args.flow)
    if request is None:
        return _report([report(str(args.config), "--flow", "requests.flow_not_offered", name=args.flow,
                               known=", ".join(r.name for r in requests.requests))]) or 1
    lang = args.flow_lang or model.default_lang  # type: ignore[attr-defined]
    if lang not in requests.words:
        return _report([report(str(args.config), "--flow-lang", "config.language_unknown", lang=lang,
                               known=", ".join(requests.words))]) or 1
    out = args.out or Path(f"{request.name}-{lang}.flow.json")
    try:
        replace_atomically(out, flow_text(flow_of(request, requests, lang)).encode("utf-8"))
    except OSError as exc:  # -o names a folder, or a place that cannot be written
        return _report([_not_written(out, exc)]) or 1
    print(t("cli.flow_written", out=out, name=request.name, version=FLOW_JSON_VERSION, lang=lang))
    return 0


def _not_written(out: Path, exc: OSError) -> Problem:
    """-o that cannot be written: a folder, or a place without permission or space."""
    if out.is_dir():
        return report(str(out), "-o/--out", "requests.out_is_folder")
    return report(str(out), "-o/--out", "requests.out_not_writable", why=exc.strerror or type(exc).__name__)
