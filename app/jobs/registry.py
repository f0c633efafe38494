"""The kinds of background job: a name, the function that does the work, and how it reads on the jobs page.

Adding a kind is one registration:

    @job_kind("households.rescore", label=_l("Re-scoring households"), resumable=True)
    def rescore(session, params, run):
        ...                     # work in batches; run.save(checkpoint, done=..., total=...) closes each one
        return {"scored": n}    # the result, shown on /admin/jobs and by `flask jobs`

The function gets its own session (the job's unit of work), the job's parameters and the `JobRun` (its
settings, its checkpoint, and `save` for jobs long enough to need batches). It never commits a plain kind's
work itself: the runner commits the work with the job's `done`, or rolls it back with its `failed`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS: dict[str, JobKind] = {}


@dataclass(frozen=True)
class JobKind:
    name: str
    func: Callable[..., dict | None]
    label: Any  # a lazy string: the kind in the reader's language
    # Resumable kinds commit in batches with a checkpoint (run.save); a retried run continues from it.
    resumable: bool = False
    timeout: int = 3600  # seconds a run may take before RQ stops it (and retries it)
    retries: int = 3  # runs after the first when one fails or its worker is lost
    result_labels: Mapping[str, Any] = field(default_factory=dict)


def job_kind(name: str, *, label, resumable: bool = False, timeout: int = 3600, retries: int = 3,
             result_labels: Mapping[str, Any] | None = None) -> Callable:
    """Register `func(session, params, run)` as the job kind `name`."""

    def register(func: Callable) -> Callable:
        known = KINDS.get(name)
        if known is not None and known.func.__qualname__ != func.__qualname__:
            raise ValueError(f"job kind {name!r} is already registered by {known.func.__qualname__}")
        KINDS[name] = JobKind(name, func, label, resumable, timeout, retries, dict(result_labels or {}))
        return func

    return register


def kind_named(name: str) -> JobKind:
    from . import kinds  # noqa: F401  (registers the portal's kinds on first use)

    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r}; known: {', '.join(sorted(KINDS))}") from None
