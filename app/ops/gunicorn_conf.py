"""gunicorn settings the metrics need: `gunicorn -c python:app.ops.gunicorn_conf …` (other options on the
command line as before). In multiprocess mode (PROMETHEUS_MULTIPROC_DIR) a dead worker's live gauges must
be forgotten, or the pool figures would count workers that are gone."""
from __future__ import annotations


def child_exit(server, worker) -> None:
    from app.ops.metrics import gunicorn_child_exit

    gunicorn_child_exit(server, worker)
