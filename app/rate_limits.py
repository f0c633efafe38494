"""Per-address limits read from the configuration; while the counts live in one process's memory (no
`REDIS_URL`, or Redis unreachable), each of the RATELIMIT_PROCESSES processes allows only its share, so
together they never allow more than the configured limit."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g
from limits import parse_many
from limits.storage import MemoryStorage

from .extensions import limiter


def process_share(limit: str, processes: int) -> str:
    """`limit` (Flask-Limiter notation) divided among `processes`, rounded down; at least 1 each, so a limit
    smaller than the number of processes lets one request per process through (README states the bound)."""
    if processes <= 1:
        return limit
    return ";".join(f"{max(1, item.amount // processes)} per {item.multiples} {item.GRANULARITY.name}"
                    for item in parse_many(limit))


def counted_in_memory() -> bool:
    # Flask-Limiter swaps in its memory storage when Redis stops answering, and back when it recovers.
    return isinstance(limiter.limiter.storage, MemoryStorage)


def shared_limit(setting: str) -> Callable[[], str]:
    """The limit named by `setting`, as Flask-Limiter reads it at each request."""

    def limit() -> str:
        g.rate_limit_name = setting  # a refusal is counted under this name (app.ops.metrics)
        value = current_app.config[setting]
        if counted_in_memory():
            return process_share(value, current_app.config["RATELIMIT_PROCESSES"])
        return value

    return limit
