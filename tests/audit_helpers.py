"""Helpers of the audit trail's tests: a clock set back (a look "yesterday")."""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from datetime import datetime


@contextmanager
def clock_at(app, moment: datetime):
    """The services' clock shows `moment` (the audit entries made meanwhile carry it)."""
    from app.unit_of_work import CONTEXT

    before = app.extensions[CONTEXT]
    app.extensions[CONTEXT] = dataclasses.replace(before, clock=lambda: moment)
    try:
        yield
    finally:
        app.extensions[CONTEXT] = before
