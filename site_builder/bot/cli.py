"""`site-builder bot` (run the consent bot): one site (`-c site.toml`) or a folder of sites (`--sites DIR`)."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from ..messages import t
from ..problems import Problem, report

EXIT_OK, EXIT_INPUT = 0, 1
STOP_GRACE = 10  # seconds uvicorn gives requests under way after SIGTERM; the whole stop stays far below 60 s


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `site-builder bot`."""
    parser.add_argument("-c", "--config", type=Path, default=Path("site.toml"), metavar="FILE",
                        help=t("cli.bot_config"))
    parser.add_argument("--sites", type=Path, default=None, metavar="DIR", help=t("cli.bot_sites"))
    parser.add_argument("--host", default=None, help=t("cli.bot_host"))
    parser.add_argument("--port", type=int, default=None, help=t("cli.bot_port"))
    parser.add_argument("--check", action="store_true",
                        help=t("cli.bot_check"))
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"],
                        help=t("cli.bot_log_level"))


def prepare(config: Path | None, overrides: dict[str, Any] | None = None,
            sites: Path | None = None) -> tuple[Any, list[Problem]]:
    """Every business the bot serves, or every problem found (nothing is started)."""
    from .runtime import load_runtime

    return load_runtime(config, sites, overrides)


def run(args: argparse.Namespace) -> int:
    """Check everything, then serve the webhook under uvicorn until SIGINT/SIGTERM."""
    runtime, problems = prepare(None if args.sites else args.config, {"host": args.host, "port": args.port},
                                args.sites)
    for problem in problems:
        print(problem, file=sys.stderr)
    if runtime is None or problems:
        print(t("bot.problems", count=len(problems)), file=sys.stderr)
        return EXIT_INPUT
    if args.check:
        for rt in runtime.sites.values():
            print(t("bot.checked", config=rt.settings.config, languages=", ".join(rt.site.languages)))
        return EXIT_OK
    import logging

    import uvicorn

    from . import logs
    from .app import build_app

    d = runtime.deployment
    if (problem := _database_problem(d.database)) is not None:  # a file that is no SQLite database, a server down
        print(problem, file=sys.stderr)
        print(t("bot.problems", count=1), file=sys.stderr)
        return EXIT_INPUT
    logs.setup(args.log_level)  # before anything else logs: every line is JSON, the first one too
    app = build_app(runtime)
    # no access log: only Meta calls, but every line would repeat the path; log_config=None keeps logs.setup's
    config = uvicorn.Config(app, host=d.host, port=d.port, log_level="warning", access_log=False, log_config=None,
                            lifespan="on", timeout_graceful_shutdown=STOP_GRACE, server_header=False,
                            timeout_keep_alive=30)
    server = uvicorn.Server(config)
    logging.getLogger("site_builder.bot").info(
        "listening", extra={"url": f"http://{d.host}:{d.port}{d.webhook_path}", "database": d.database.split(":", 1)[0],
                            "sites": sorted(runtime.sites)})
    # uvicorn finishes the requests and the lifespan, then raises the stop signal again for the handler it found:
    # this one turns it into a normal exit instead of a death by signal
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, _stopped)
    try:
        server.run()
    except _Stopped:
        pass
    return EXIT_OK


class _Stopped(Exception):
    pass


def _database_problem(url: str) -> Problem | None:
    """The database opened and its tables made before the server starts: `[bot] database = "site.toml"` (no
    SQLite file) or an unreachable server is one message, not a traceback in the log of a server that stops."""
    from sqlalchemy.exc import SQLAlchemyError

    from . import store

    engine = store.open_engine(url)
    try:
        store.migrate(engine)
    except SQLAlchemyError as exc:
        shown = url.split("@")[-1].removeprefix("sqlite:///")
        return report(shown, "[bot] database", "bot.db_unavailable",
                      error=" ".join(str(getattr(exc, "orig", None) or type(exc).__name__).split())[:200])
    finally:
        engine.dispose()
    return None


def _stopped(signum: int, frame: object) -> None:
    raise _Stopped
