"""Logs an operator can search: one JSON object per line (LOG_FORMAT=json, the production default) or text,
each carrying the request id that the response's X-Request-ID header carries too, and one line per request
with its method, Flask endpoint, status and duration.

What is never written: the path or query string (a URL may carry a CNIC or a tracking code), form values,
names, and the client's address (personal data; the rate limiter uses it in memory only). Everything a line
says also passes app.log_privacy's mask, which runs when the record is made."""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

from ..log_privacy import redact

# nginx's $request_id is 32 hex digits; anything unlike an id (spaces, quotes, too long) is replaced by our own,
# and so is one shaped like a CNIC or a mobile number, which would otherwise reach every line unmasked.
TRUSTED_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
ACCESS_LOGGER = "pser.request"
_OURS = "_pser_handler"
_REQUEST_FIELDS = ("request_id", "method", "endpoint", "status", "duration_ms")


class RequestFields(logging.Filter):
    """Adds the current request's id, method and endpoint to every record made while it is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            if not hasattr(record, "request_id"):
                record.request_id = g.get("request_id")
            if not hasattr(record, "method"):
                record.method = request.method
            if not hasattr(record, "endpoint"):
                record.endpoint = request.endpoint
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line (newlines inside a message or traceback are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            # app.log_privacy has masked the traceback already (exc_text); format it only if it has not.
            line["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextLines(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{text} [{request_id}]" if request_id else text


def formatter_for(log_format: str) -> logging.Formatter:
    return JsonLines() if log_format == "json" else TextLines()


def configure_logging(log_format: str) -> None:
    """Root logging at INFO to stderr in `log_format`. A handler someone else installed (a test runner) is
    left alone, as logging.basicConfig would; ours is re-used when a second app is made."""
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, _OURS, False)]
    if not root.handlers or ours:
        handler = ours[0] if ours else logging.StreamHandler(sys.stderr)
        setattr(handler, _OURS, True)
        handler.setFormatter(formatter_for(log_format))
        if not any(isinstance(f, RequestFields) for f in handler.filters):
            handler.addFilter(RequestFields())
        if not ours:
            root.addHandler(handler)
        root.setLevel(logging.INFO)
    for handler in root.handlers:  # request fields for whatever handler writes
        if not any(isinstance(f, RequestFields) for f in handler.filters):
            handler.addFilter(RequestFields())


def init_request_log(app: Flask) -> None:
    access = logging.getLogger(ACCESS_LOGGER)

    def start_request() -> None:
        g.request_started = time.perf_counter()
        offered = request.headers.get("X-Request-ID", "")
        trusted = app.config.get("TRUST_REQUEST_ID") and TRUSTED_ID.match(offered) and redact(offered) == offered
        g.request_id = offered if trusted else uuid.uuid4().hex

    # First of all before_request functions, so that a refusal by another still has an id and a start time.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def log_request(response):
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
        access.info("%s %s %s", request.method, request.endpoint or "-", response.status_code,
                    extra={"request_id": request_id, "status": response.status_code, "duration_ms": duration_ms})
        return response
