"""Operating the portal: request ids and JSON logs, Prometheus metrics, readiness, encrypted backups."""
from __future__ import annotations

from flask import Flask


def init_ops(app: Flask) -> None:
    from .backup_cli import init_backup_cli
    from .metrics import init_request_metrics
    from .request_log import init_request_log
    from .routes import bp

    # after_request functions run last-registered first: the request log (which sets X-Request-ID) runs
    # before the metrics count the response.
    init_request_metrics(app)
    init_request_log(app)
    app.register_blueprint(bp)
    init_backup_cli(app)
