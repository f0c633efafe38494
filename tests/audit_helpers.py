"""Helpers of the audit trail's tests: a second browser signed in as someone, and a clock set back."""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from datetime import datetime

from tests.conftest import PASSWORD, Browserish


def signed_in(app, user) -> Browserish:
    """Another browser, signed in as `user` through the login form."""
    browser = Browserish(app.test_client())
    browser.get("/login")
    response = browser.post("/login", data={"cnic": user.cnic, "password": PASSWORD})
    assert response.status_code == 302, response.data[:300]
    return browser


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
