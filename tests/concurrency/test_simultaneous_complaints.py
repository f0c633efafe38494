"""Fifty filings by one person at the same instant: exactly the open-complaint cap is stored, the rest are
refused, none answers 500. Decided by a lock on the filer's row, so it is proven on PostgreSQL."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.models import Complaint
from tests.complaint_helpers import COMPLAINT
from tests.conftest import PASSWORD, Browserish
from tests.helpers import at_the_same_instant

PARALLEL = 50


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres, monkeypatch):
    if not is_postgres:
        pytest.skip("the race is decided by PostgreSQL's row locks; run with TEST_DATABASE_URL")
    from app.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", False)  # every browser here comes from one address


def _ready_to_file(client) -> callable:
    html = client.get("/complaints/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    return lambda: client.post("/complaints/new", data={**COMPLAINT, "idempotency_key": key}).status_code


def _open_complaints(db) -> int:
    return db.scalar(select(func.count()).select_from(Complaint))


def test_fifty_simultaneous_filings_without_an_account_store_exactly_the_cap(app, db):
    cap = app.config["COMPLAINT_MAX_OPEN"]
    filings = [_ready_to_file(Browserish(app.test_client())) for _ in range(PARALLEL)]
    statuses = at_the_same_instant(filings)
    assert sorted(statuses) == [200] * cap + [422] * (PARALLEL - cap), statuses
    assert _open_complaints(db) == cap


def test_fifty_simultaneous_filings_by_one_account_store_exactly_the_cap(app, db, make_user):
    cap = app.config["COMPLAINT_MAX_OPEN"]
    owner = make_user("citizen", cnic=COMPLAINT["cnic"], mobile=COMPLAINT["mobile"])
    filings = []
    for _ in range(PARALLEL):  # one signed-in browser per filing, all of the same account
        client = Browserish(app.test_client())
        client.get("/login")
        assert client.post("/login", data={"cnic": owner.cnic, "password": PASSWORD}).status_code == 302
        filings.append(_ready_to_file(client))
    statuses = at_the_same_instant(filings)
    assert sorted(statuses) == [200] * cap + [422] * (PARALLEL - cap), statuses
    assert db.scalar(select(func.count()).select_from(Complaint).where(Complaint.filed_by_id == owner.id)) == cap
