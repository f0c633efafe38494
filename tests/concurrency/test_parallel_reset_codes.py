"""Fifty "forgot password" asks for one account at the same instant send one code, not fifty."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.models import OtpChallenge, SmsMessage
from tests.helpers import at_the_same_instant


def test_fifty_parallel_reset_asks_for_one_account_send_exactly_one_code(app, db, make_user, is_postgres):
    if not is_postgres:
        pytest.skip("the account's row lock is PostgreSQL's; run with TEST_DATABASE_URL")
    user = make_user("citizen", mobile="03001234567")
    clients, tokens = [], []
    for _ in range(50):
        c = app.test_client()
        page = c.get("/password/forgot").get_data(as_text=True)
        tokens.append(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1))
        clients.append(c)

    def ask(c, token):
        return lambda: c.post("/password/forgot", data={"cnic": user.cnic, "mobile": "03001234567",
                                                         "csrf_token": token}).status_code

    statuses = at_the_same_instant([ask(c, t) for c, t in zip(clients, tokens)])
    assert statuses == [302] * 50, statuses
    assert db.scalar(select(func.count()).select_from(OtpChallenge)) == 1
    assert db.scalar(select(func.count()).select_from(SmsMessage)) == 1
