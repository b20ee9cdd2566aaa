"""Structured logs: one JSON object per line, from the first line on (uvicorn's own lines included), with event
names and counts, never a customer's name, number or message text."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time

# the attributes every LogRecord has: anything else was passed as `extra` by the bot and is written out
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
               "level": record.levelname.lower(), "msg": record.getMessage()}
        if record.name != "site_builder.bot":
            out["logger"] = record.name
        out.update({key: value for key, value in vars(record).items() if key not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            # the exception's type only: its text may quote a database row or a message
            out["error"] = record.exc_info[0].__name__
        return json.dumps(out, ensure_ascii=False, default=str)


def setup(level: str = "info") -> None:
    """Every logger of the process writes JSON lines to stderr (the bot's at `level`, others at warning)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    bot = logging.getLogger("site_builder.bot")
    bot.handlers[:] = []
    bot.setLevel(level.upper())
    bot.propagate = True
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    logging.captureWarnings(True)
    # an exception nobody caught, in the main thread or another, is a JSON line as well
    sys.excepthook = lambda kind, value, tb: bot.critical("uncaught", exc_info=(kind, value, tb))
    threading.excepthook = lambda args: bot.error("thread_crashed", exc_info=(args.exc_type, args.exc_value,
                                                                               args.exc_traceback))
