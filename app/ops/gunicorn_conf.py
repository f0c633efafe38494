"""gunicorn settings for operations: `gunicorn -c python:app.ops.gunicorn_conf …` (other options on the command
line as before). In multiprocess mode (PROMETHEUS_MULTIPROC_DIR) a dead worker's live gauges are forgotten;
with LOG_FORMAT=json (the production default) gunicorn's own lines are JSON too, and its access log is left
off (the portal writes one `pser.request` line per request, without the path or the client's address: do not
pass --access-logfile)."""
from __future__ import annotations

import os


def child_exit(server, worker) -> None:
    from app.ops.metrics import gunicorn_child_exit

    gunicorn_child_exit(server, worker)


_default_format = "json" if os.environ.get("PSER_ENV") == "production" else "text"
if os.environ.get("LOG_FORMAT", _default_format).strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.ops.request_log.JsonLines"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        # The portal's own records reach the root: app.ops.request_log adds the request fields to this handler.
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
