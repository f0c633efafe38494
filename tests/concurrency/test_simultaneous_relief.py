"""Two relief teams record the same household at the same instant: one delivery is stored, the served count
goes up by one, and the other team is told it was already served. Decided by the (event, household) unique
key, so it is proven on PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import ReliefCount, ReliefDelivery
from app.services import disaster
from app.services.context import ServiceContext
from app.unit_of_work import unit_of_work
from tests.conftest import PASSWORD, Browserish
from tests.disaster_helpers import flood, scored_household
from tests.helpers import at_the_same_instant

PARALLEL = 8


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("the race is decided by PostgreSQL's unique index; run with TEST_DATABASE_URL")


@pytest.fixture
def flooded_household(app, db):
    ctx = ServiceContext.from_config(app.config)
    household = scored_household(db, score=9.0)
    event = flood(db, ctx, "TSL-LHR-01")
    db.commit()
    return event.id, household.id


def test_simultaneous_recordings_of_one_household_store_one_delivery(app, db, make_user, flooded_household):
    event_id, household_id = flooded_household
    recordings = []
    for i in range(PARALLEL):  # one signed-in relief officer per browser
        user = make_user("admin", cnic=f"35202-90000{i:02d}-1")
        browser = Browserish(app.test_client())
        browser.get("/login")
        assert browser.post("/login", data={"cnic": user.cnic, "password": PASSWORD}).status_code == 302
        browser.get("/lang/en")
        browser.get(f"/admin/disaster/{event_id}")
        recordings.append(lambda b=browser: b.post(f"/admin/disaster/{event_id}/relief",
                                                   data={"household_id": str(household_id), "items": "Ration"},
                                                   htmx=True).get_data(as_text=True))
    pages = at_the_same_instant(recordings)
    assert db.scalars(select(ReliefDelivery.household_id).where(ReliefDelivery.event_id == event_id)).all() == [household_id]
    assert db.scalar(select(ReliefCount.served).where(ReliefCount.event_id == event_id)) == 1
    assert sum("Relief recorded for 1 households." in page for page in pages) == 1
    assert sum("was already served on" in page for page in pages) == PARALLEL - 1


def test_two_services_racing_in_their_own_transactions_store_one_row(app, flooded_household):
    from app.extensions import db as _db
    from sqlalchemy.orm import Session

    event_id, household_id = flooded_household
    ctx = ServiceContext.from_config(app.config)
    with app.app_context():
        engine = _db.engine

    def record():
        with Session(engine) as session, unit_of_work(session):
            event = session.get(disaster.DisasterEvent, event_id)
            outcome = disaster.record_relief(session, ctx, event, [household_id], actor_id=None, items="Tent")
        return bool(outcome.recorded), bool(outcome.already)

    results = at_the_same_instant([record, record])
    assert sorted(results) == [(False, True), (True, False)]
