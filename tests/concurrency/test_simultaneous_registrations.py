"""Twenty people press "Create account" with one CNIC at the same instant: one account, no server error."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.models import Household, User
from tests.helpers import at_the_same_instant, valid_registration


def test_twenty_simultaneous_registrations_of_one_cnic_make_exactly_one_account(app, db, is_postgres):
    if not is_postgres:
        pytest.skip("the race is decided by PostgreSQL's unique index; run with TEST_DATABASE_URL")
    clients, tokens = [], []
    for _ in range(20):
        c = app.test_client()
        page = c.get("/register").get_data(as_text=True)
        tokens.append(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1))
        clients.append(c)

    def register(c, token, i):
        return lambda: c.post("/register", data=valid_registration(mobile=f"0300{i:07d}", csrf_token=token)).status_code

    statuses = at_the_same_instant([register(c, t, i) for i, (c, t) in enumerate(zip(clients, tokens))])
    assert sorted(statuses) == [302] + [422] * 19, statuses
    assert db.scalar(select(func.count()).select_from(User)) == 1
    assert db.scalar(select(func.count()).select_from(Household)) == 1
