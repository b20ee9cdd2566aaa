"""Structured logs: one JSON object per line, with event names and counts, never a name, number or message text."""

from __future__ import annotations

import json
import logging
import sys
import time

_FIELDS = ("ref", "event", "kind", "status", "attempts", "messages", "statuses", "echoes", "other", "pending",
           "host", "port", "database", "schema", "workers")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
               "level": record.levelname.lower(), "msg": record.getMessage()}
        out.update({key: getattr(record, key) for key in _FIELDS if hasattr(record, key)})
        if record.exc_info and record.exc_info[0] is not None:
            # the exception's type only: its text may quote a database row
            out["error"] = record.exc_info[0].__name__
        return json.dumps(out, ensure_ascii=False)


def setup(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("site_builder.bot")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False
