"""A phone on a weak connection sends one save fifty times at once: exactly one change."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Household, HouseholdMember, IdempotentRequest
from tests.conftest import PASSWORD, Browserish
from tests.helpers import at_the_same_instant
from tests.survey_helpers import HEAD, form_of, start_household


def test_fifty_concurrent_replays_of_one_save_leave_exactly_one_change(app, make_user, db, is_postgres):
    if not is_postgres:
        pytest.skip("the race is decided by PostgreSQL's unique index; run with TEST_DATABASE_URL")
    enumerator = make_user("enumerator", cnic="35202-0000001-1", area="Lahore")
    browser = Browserish(app.test_client())
    browser.get("/login")
    browser.post("/login", data={"cnic": enumerator.cnic, "password": PASSWORD})
    base = start_household(browser)
    _, hidden = form_of(browser, f"{base}/members")
    cookie = browser.client.get_cookie("pser_session").value
    data = {**hidden, **HEAD}

    def replay():
        phone = app.test_client()
        phone.set_cookie("pser_session", cookie)
        return phone.post(f"{base}/members", data=data).status_code

    statuses = at_the_same_instant([replay] * 50)
    assert statuses == [302] * 50, statuses
    assert db.scalar(select(func.count()).select_from(HouseholdMember)) == 1
    assert db.scalar(select(func.count()).select_from(IdempotentRequest)) == 1
    assert db.scalars(select(Household.version)).one() == 2
