"""Prometheus metrics (the official prometheus_client): requests per Flask endpoint (never the raw path, which
carries ids), their latency, refusals by rate limit, and, computed when scraped with small indexed queries,
the SMS outbox, the job queue (the background_jobs table and RQ) and the database pool.

Under gunicorn each worker is a process: set PROMETHEUS_MULTIPROC_DIR to an empty directory writable by the
workers (cleared at each start) and every worker's counts are summed at scrape time; gunicorn's `child_exit`
hook must call `gunicorn_child_exit` (README, "Metrics and health")."""
from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import REGISTRY as PROCESS_REGISTRY
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import text

log = logging.getLogger(__name__)

REQUESTS = Counter("pser_http_requests", "Requests answered, by Flask endpoint, method and status code.",
                   ["endpoint", "method", "status"])
RESPONSES_BY_CLASS = Counter("pser_http_responses", "Responses by status class (2xx, 3xx, 4xx, 5xx).",
                             ["status_class"])
LATENCY = Histogram("pser_http_request_duration_seconds", "Time to answer, by Flask endpoint and method.",
                    ["endpoint", "method"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
RATE_LIMITED = Counter("pser_rate_limit_refusals", "Requests refused with 429, by the limit's setting name.",
                       ["limit"])
POOL = Gauge("pser_db_pool_connections", "The SQLAlchemy pool of each process: size, checked out, overflow "
             "(summed over live processes).", ["state"], multiprocess_mode="livesum")


def endpoint_label() -> str:
    # No endpoint: nothing matched (a 404) or the request was refused before routing; one label for all.
    return request.endpoint or "unmatched"


def _record_pool(engine) -> None:
    """size: connections the pool keeps; checked_out: in use now; idle: open and waiting; overflow: opened
    beyond size (SQLAlchemy counts it negative while fewer than size are open: shown as 0)."""
    pool = engine.pool
    try:
        POOL.labels("size").set(pool.size())
        POOL.labels("checked_out").set(pool.checkedout())
        POOL.labels("idle").set(pool.checkedin())
        POOL.labels("overflow").set(max(pool.overflow(), 0))
    except (AttributeError, TypeError):  # a pool without these figures (NullPool, StaticPool, SQLite's
        pass  # SingletonThreadPool) is left out


class ScrapeTimeCollector:
    """Figures read from the database and Redis when /metrics is scraped: each query touches an index or a
    few rows (the pending SMS, the queued jobs), never a table of households."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        from ..extensions import db

        up = GaugeMetricFamily("pser_dependency_up", "1 when the dependency answered this scrape.",
                               labels=["dependency"])
        outbox = GaugeMetricFamily("pser_sms_outbox_messages", "Messages waiting in the SMS outbox, by status.",
                                   labels=["status"])
        sms_failed = GaugeMetricFamily("pser_sms_failed_last_day",
                                       "Messages created in the last 24 hours that failed after every retry.")
        jobs = GaugeMetricFamily("pser_background_jobs", "Background jobs by state (queued, running, failed).",
                                 labels=["state"])
        now = self.app.extensions["pser_context"].now() if "pser_context" in self.app.extensions else None
        try:
            with db.engine.connect() as connection:
                # The partial index ix_sms_outbox_pending holds exactly these rows.
                pending = dict(connection.execute(text(
                    "SELECT status, count(*) FROM sms_outbox WHERE status IN ('queued', 'sending') GROUP BY status")).all())
                for status in ("queued", "sending"):
                    outbox.add_metric([status], pending.get(status, 0))
                since = (now - timedelta(days=1)) if now else None
                failed = connection.execute(text(
                    "SELECT count(*) FROM sms_outbox WHERE created_at >= :since AND status = 'failed'"),
                    {"since": since}).scalar() if since else 0
                sms_failed.add_metric([], failed or 0)
                states = dict(connection.execute(text(
                    "SELECT state, count(*) FROM background_jobs WHERE state IN ('queued', 'running', 'failed') "
                    "GROUP BY state")).all())
                for state in ("queued", "running", "failed"):
                    jobs.add_metric([state], states.get(state, 0))
            up.add_metric(["database"], 1)
            yield outbox
            yield sms_failed
            yield jobs
        except Exception:  # noqa: BLE001 - a scrape reports the database down rather than failing
            log.warning("metrics: the database did not answer")
            up.add_metric(["database"], 0)
        _record_pool(db.engine)
        if self.app.config.get("REDIS_URL"):
            rq_jobs = GaugeMetricFamily("pser_rq_jobs", "Jobs in the RQ queue and its registries.",
                                        labels=["queue", "registry"])
            try:
                from rq.registry import FailedJobRegistry, StartedJobRegistry

                queue = self.app.extensions["pser_jobs"].queue()
                rq_jobs.add_metric([queue.name, "queued"], queue.count)
                rq_jobs.add_metric([queue.name, "started"], StartedJobRegistry(queue=queue).count)
                rq_jobs.add_metric([queue.name, "failed"], FailedJobRegistry(queue=queue).count)
                up.add_metric(["redis"], 1)
                yield rq_jobs
            except Exception:  # noqa: BLE001
                log.warning("metrics: Redis did not answer")
                up.add_metric(["redis"], 0)
        yield up


def exposition(app: Flask) -> bytes:
    """The text a scrape reads: this process's (or, in multiprocess mode, every worker's) counters, then the
    figures computed now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        from ..extensions import db

        _record_pool(db.engine)
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = PROCESS_REGISTRY
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(ScrapeTimeCollector(app))
    return generate_latest(scraped) + generate_latest(counted)


def gunicorn_child_exit(server, worker) -> None:
    """gunicorn's child_exit hook in multiprocess mode: forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def init_request_metrics(app: Flask) -> None:
    from ..extensions import db

    @app.after_request
    def count_request(response):
        endpoint = endpoint_label()
        status = response.status_code
        REQUESTS.labels(endpoint, request.method, str(status)).inc()
        _record_pool(db.engine)  # a few attribute reads: every worker's figure stays current
        RESPONSES_BY_CLASS.labels(f"{status // 100}xx").inc()
        started = g.get("request_started")  # set first thing by app.ops.request_log
        if started is not None:
            LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
        if status == 429:
            RATE_LIMITED.labels(g.get("rate_limit_name") or "other").inc()
        return response
