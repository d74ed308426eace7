"""Structured logs: a request id on every line, and a JSON formatter for log collectors.

The request id comes from the ``X-Request-ID`` header a load balancer sets (when it looks like
an id), or is made up; ``RequestIdMiddleware`` keeps it in a context variable for the length of
the request and sends it back in the response, so a resident's "reference" can be found in the
logs of whichever web process served them.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import traceback
import uuid
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Ids from outside are kept only if short and plain, so a header cannot forge log lines.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

# LogRecord attributes that are not extra fields of the message.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


def clean_request_id(value: str | None) -> str:
    """The given id when it is safe to log, else a new random one."""
    if value and _VALID_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | str) else repr(value)
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
