"""`site-builder bot` (run the consent bot) and the database half of `site-builder consents --db`."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from ..messages import t
from ..problems import Problem

EXIT_OK, EXIT_INPUT = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `site-builder bot`."""
    parser.add_argument("-c", "--config", type=Path, default=Path("site.toml"), metavar="FILE",
                        help=t("cli.bot_config"))
    parser.add_argument("--host", default=None, help=t("cli.bot_host"))
    parser.add_argument("--port", type=int, default=None, help=t("cli.bot_port"))
    parser.add_argument("--check", action="store_true",
                        help=t("cli.bot_check"))
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"],
                        help=t("cli.bot_log_level"))


def prepare(config: Path, overrides: dict[str, Any] | None = None) -> tuple[Any, list[Problem]]:
    """Settings, site and replies of the bot, or every problem found (nothing is started)."""
    from .replies import Replies
    from .settings import load_bot_settings
    from .load import load_site

    settings, problems = load_bot_settings(config, overrides=overrides)
    site, site_problems = load_site(config)
    problems += site_problems
    if settings is None or site is None:
        return None, problems
    replies = Replies(site, settings)
    problems += replies.load()
    return (settings, site, replies), problems


def run(args: argparse.Namespace) -> int:
    """Check everything, then serve the webhook under uvicorn until SIGINT/SIGTERM (queued work is finished)."""
    prepared, problems = prepare(args.config, {"host": args.host, "port": args.port})
    for problem in problems:
        print(problem, file=sys.stderr)
    if prepared is None or problems:
        print(t("bot.problems", count=len(problems)), file=sys.stderr)
        return EXIT_INPUT
    settings, site, replies = prepared
    if args.check:
        print(t("bot.checked", config=args.config, languages=", ".join(site.languages)))
        return EXIT_OK
    import uvicorn

    from . import logs
    from .app import build_app

    logs.setup(args.log_level)
    app = build_app(settings, site, replies)
    # no access log: it would name the customers' IP addresses of nobody (only Meta calls) but also every path
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning", access_log=False,
                            lifespan="on", timeout_graceful_shutdown=30, server_header=False,
                            timeout_keep_alive=30)
    server = uvicorn.Server(config)
    print(t("bot.listening", host=settings.host, port=settings.port, path=settings.webhook_path,
            database=settings.database.split(":", 1)[0]), file=sys.stderr, flush=True)
    # uvicorn finishes the requests and the queue (lifespan shutdown), then raises the stop signal again for
    # the handler it found: this one turns it into a normal exit instead of a death by signal
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, _stopped)
    try:
        server.run()
    except _Stopped:
        pass
    return EXIT_OK


class _Stopped(Exception):
    pass


def _stopped(signum: int, frame: object) -> None:
    raise _Stopped
