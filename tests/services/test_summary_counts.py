"""The summary counts stay equal to a full count whatever the write path does: inserts, deletes, status and
area changes (by id, through the relationship, by the questionnaire's guarded UPDATE), role changes,
complaint moves, rollbacks and savepoints; and the pages read them, not the registry."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.domain.household_status import HouseholdStatus
from app.models import (Area, Complaint, ComplaintCount, ComplaintResolveTime, Household, HouseholdCount,
                        OpenComplaintDeadline, User, UserCount)
from app.models.base import utcnow
from app.services.summaries import rebuild_summaries
from tests.helpers import page_text
from tests.survey_helpers import fill_all, start_household


def _snapshot(db):
    db.expire_all()
    rows = {
        "households": {(r.area_key, r.status): r.households for r in db.scalars(select(HouseholdCount)) if r.households},
        "users": {r.role: r.users for r in db.scalars(select(UserCount)) if r.users},
        "complaints": {(r.district_key, r.state, r.category, r.assignee_key): r.complaints
                       for r in db.scalars(select(ComplaintCount)) if r.complaints},
        "deadlines": {(r.district_key, r.deadline_day): r.complaints for r in db.scalars(select(OpenComplaintDeadline))
                      if r.complaints},
        "resolve": {(r.district_key, r.hours): r.complaints for r in db.scalars(select(ComplaintResolveTime))
                    if r.complaints},
    }
    rows["resolve_hours"] = {(r.district_key, r.hours): pytest.approx(r.total_hours, rel=1e-6)
                             for r in db.scalars(select(ComplaintResolveTime)) if r.complaints}
    return rows


def _counted_again(db):
    rebuild_summaries(db)
    db.commit()
    return _snapshot(db)


@pytest.mark.parametrize("seed", [1, 7, 2026, 11, 42, 99])
def test_summaries_equal_a_full_count_after_a_random_mix_of_writes(app, db, seed):
    rng = random.Random(seed)
    areas = list(db.scalars(select(Area).where(Area.level.in_(("district", "tehsil")))))
    statuses = [s.value for s in HouseholdStatus]
    roles = ["citizen", "enumerator", "supervisor", "helpdesk", "admin"]
    states = ["new", "assigned", "in_progress", "resolved", "closed", "reopened"]
    districts = [a for a in areas if a.level == "district"]
    serial = iter(range(10**6))

    def household():
        return Household(head_cnic=f"35202-{next(serial):07d}-1", status=rng.choice(statuses),
                         area=rng.choice(areas + [None]))

    def user():
        return User(cnic=f"35201-{next(serial):07d}-1", full_name="X", role=rng.choice(roles), password_hash="x")

    def complaint():
        filed = utcnow() - timedelta(hours=rng.randrange(1, 500))
        return Complaint(cnic="35202-0000001-1", mobile="03001234567", category=rng.choice(("privacy", "other")),
                         description="…", district_id=rng.choice(districts).id if rng.random() < .9 else None,
                         deadline_at=filed + timedelta(days=3), created_at=filed, state=rng.choice(states))

    db.add_all([household() for _ in range(30)] + [user() for _ in range(10)] + [complaint() for _ in range(20)])
    db.commit()
    for step in range(300):
        households = db.scalars(select(Household).order_by(Household.id)).all()
        users = db.scalars(select(User).order_by(User.id)).all()
        complaints = db.scalars(select(Complaint).order_by(Complaint.id)).all()
        op = rng.randrange(12)
        if op == 0:
            db.add(household())
        elif op == 1 and households:
            rng.choice(households).status = rng.choice(statuses)
        elif op == 2 and households:
            rng.choice(households).area_id = rng.choice(areas).id
        elif op == 3 and households:
            rng.choice(households).area = rng.choice(areas + [None])
        elif op == 4 and households:
            db.delete(rng.choice(households))
        elif op == 5:
            db.add(user())
        elif op == 6 and users:
            rng.choice(users).role = rng.choice(roles)
        elif op == 7 and users:
            db.delete(rng.choice(users))
        elif op == 8:
            db.add(complaint())
        elif op == 9 and complaints:
            item = rng.choice(complaints)
            item.state = rng.choice(states)
            item.deadline_at = utcnow() + timedelta(hours=rng.randrange(-300, 300)) if rng.random() < .5 \
                else item.deadline_at
            item.assigned_to_id = rng.choice(users).id if users and rng.random() < .7 else None
        elif op == 10 and complaints:
            item = rng.choice(complaints)
            item.resolved_at = item.created_at + timedelta(hours=rng.random() * 100) if rng.random() < .8 else None
            item.district_id = rng.choice(districts).id if rng.random() < .3 else item.district_id
        elif op == 11 and complaints:
            db.delete(rng.choice(complaints))
        roll = rng.random()
        if roll < .1:
            db.rollback()  # the change and its counts go together
        elif roll < .15:
            with db.begin_nested() as savepoint:
                db.add(household())
                db.flush()
                savepoint.rollback()
        elif roll < .5:
            db.commit()
    db.commit()
    kept = _snapshot(db)
    assert kept["households"] and kept["users"] and kept["complaints"] and kept["resolve"] and kept["deadlines"]
    assert kept == _counted_again(db)


def test_a_households_district_follows_its_area_and_the_questionnaire_keeps_the_counts(app, client, login_as, db):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    household = db.scalars(select(Household)).one()
    lahore = db.scalars(select(Area).where(Area.code == "DST-LHR")).one()
    assert household.district_id == lahore.id and household.area_id == lahore.id
    fill_all(client, base)  # the consent section moves it to a tehsil by a guarded bulk UPDATE
    db.expire_all()
    household = db.scalars(select(Household)).one()
    assert household.area.level == "tehsil" and household.district_id == lahore.id
    counted = _snapshot(db)["households"]
    assert counted == {(household.area_id, "draft"): 1}
    assert counted == _counted_again(db)["households"]


def test_a_visit_request_puts_the_household_first_and_keeps_its_district(app, db):
    multan = db.scalars(select(Area).where(Area.code == "DST-MUL")).one()
    household = Household(head_cnic="35202-0000009-1", status="registered")
    db.add(household)
    db.commit()
    assert household.district_id is None and household.visit_requested is False
    household.area_id, household.resurvey_requested_at = multan.id, utcnow()
    db.commit()
    assert household.district_id == multan.id and household.visit_requested is True


def test_the_helpdesk_dashboard_reads_the_summary_not_the_complaints(app, client, login_as, db):
    from tests.complaint_helpers import file_complaint

    file_complaint(client)
    db.execute(update(ComplaintCount).values(complaints=4321))  # what only a summary read can show
    db.commit()
    login_as("helpdesk")
    html = page_text(client.get("/helpdesk/dashboard"))
    assert "4,321" in html or "۴,۳۲۱" in html or "4321" in html


def test_the_admin_and_enumerator_home_counts_come_from_the_summary(app, client, login_as, db):
    login_as("admin")
    db.execute(update(UserCount).where(UserCount.role == "admin").values(users=777))
    db.merge(HouseholdCount(area_key=0, status="verified", households=5555))
    db.commit()
    html = page_text(client.get("/admin/"))
    assert "777" in html and "5,555" in html


def test_flask_summaries_rebuild_repairs_counts_a_bulk_statement_bypassed(app, db):
    db.add_all([Household(head_cnic=f"35202-{i:07d}-1", status="registered") for i in range(3)])
    db.commit()
    db.execute(update(Household).values(status="verified"))  # a bulk UPDATE: no ORM event sees it
    db.commit()
    assert _snapshot(db)["households"] == {(0, "registered"): 3}
    result = app.test_cli_runner().invoke(args=["summaries", "rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert _snapshot(db)["households"] == {(0, "verified"): 3}


def test_the_dashboard_shows_each_officers_open_complaints_and_the_median_time_to_resolve(app, client, login_as, db):
    agent = login_as("helpdesk", name="Ayesha Malik")
    lahore = db.scalars(select(Area.id).where(Area.code == "DST-LHR")).one()
    now = utcnow()
    for i, (state, hours) in enumerate((("assigned", None), ("in_progress", None), ("resolved", 10), ("closed", 30),
                                        ("resolved", 50))):
        db.add(Complaint(cnic="35202-0000001-1", mobile="03001234567", category="privacy", description="…",
                         district_id=lahore, state=state, assigned_to_id=agent.id, created_at=now - timedelta(days=5),
                         resolved_at=now - timedelta(days=5) + timedelta(hours=hours) if hours else None,
                         deadline_at=now - timedelta(days=1) if i == 0 else now - timedelta(minutes=1) if i == 1
                         else now + timedelta(days=1)))
    db.commit()
    html = page_text(client.get("/helpdesk/dashboard"))
    assert html.count("<svg") == 3 and "Ayesha Malik" in html
    from app.services.complaints import dashboard

    figures = dashboard(db, db.get(User, agent.id))
    # one due yesterday (from the summary), one a minute ago (today's part, counted on the index)
    assert figures.workload == [("Ayesha Malik", 2)] and figures.overdue == 2
    assert figures.median_hours_to_resolve == pytest.approx(30.0)
    assert figures.by_state == {"assigned": 1, "in_progress": 1, "resolved": 2, "closed": 1}
