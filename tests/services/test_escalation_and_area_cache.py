"""`flask escalate` is set-based (the same few statements for 10 overdue complaints or 200, with the same
outcome as one by one), and the area tree is read once per process, not on every access check."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.models import Area, AuditEntry, Complaint, ComplaintEvent
from app.models.base import utcnow
from app.services.complaints import escalate_overdue
from app.services.privacy import audit_key, keyed_hash


@contextmanager
def counting_statements(db):
    statements = []
    engine = db.get_bind()

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _overdue(db, count, now):
    lahore, multan = (db.scalars(select(Area.id).where(Area.code == code)).one() for code in ("DST-LHR", "DST-MUL"))
    districts = [lahore, multan, None]
    db.add_all([Complaint(tracking_no=f"PSER-C-2026-{i + 1:06d}", cnic=f"35202-{i:07d}-{i % 10}", mobile="03001234567",
                          category="other", description="…", district_id=districts[i % 3], state="new",
                          deadline_at=now - timedelta(hours=1), created_at=now - timedelta(days=11))
                for i in range(count)])
    db.add(Complaint(tracking_no="PSER-C-2026-999999", cnic="35202-9999999-1", mobile="03001234567", category="other",
                     description="not yet due", district_id=lahore, deadline_at=now + timedelta(days=1)))
    db.commit()


def _escalate(app, db, now):
    from app.services.context import ServiceContext

    ctx = ServiceContext.from_config(app.config)
    with counting_statements(db) as statements:
        result = escalate_overdue(db, ctx, now)
        db.commit()
    return result, len(statements)


def test_escalation_runs_the_same_statements_for_ten_or_two_hundred_overdue_complaints(app, db, make_user):
    supervisor = make_user("supervisor", cnic="35202-0000005-1", name="Imran Qureshi", area="Lahore")
    admin = make_user("admin", cnic="35202-0000006-1", name="Farhan Siddiqui")
    make_user("supervisor", cnic="35202-0000007-1", area="Lahore")  # later account: the first one takes it
    from app.services.area_tree import area_tree

    area_tree(db)  # reference data, read once per process: not part of either run
    now = utcnow()
    _overdue(db, 10, now)
    (escalated, _), few = _escalate(app, db, now)
    assert escalated == 10
    db.execute(Complaint.__table__.delete())
    db.commit()
    later = now + timedelta(seconds=1)
    _overdue(db, 200, later)
    (escalated, _), many = _escalate(app, db, later)
    assert escalated == 200 and few == many <= 8

    rows = db.execute(select(Complaint.district_id, Complaint.escalated_to_id, Complaint.escalated_at,
                             Area.code).outerjoin(Area, Area.id == Complaint.district_id)
                      .where(Complaint.deadline_at < later)).all()
    assert {(code, to) for _, to, _, code in rows} == {("DST-LHR", supervisor.id), ("DST-MUL", admin.id),
                                                       (None, admin.id)}
    assert all(at == later for *_, at, _ in rows)
    events = db.execute(select(ComplaintEvent.kind, ComplaintEvent.text, ComplaintEvent.public)
                        .where(ComplaintEvent.at == later)).all()
    assert len(events) == 200 and {e.kind for e in events} == {"escalated"} and not any(e.public for e in events)
    assert {e.text for e in events} == {"Imran Qureshi", "Farhan Siddiqui"}
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "complaint.escalate",
                                                  AuditEntry.at == later)).all()
    assert len(entries) == 200
    with app.app_context():
        for entry in entries[:20]:
            cnic = db.scalars(select(Complaint.cnic).where(Complaint.tracking_no == entry.outcome)).one()
            assert entry.cnic_hash == keyed_hash(audit_key(app.config["SECRET_KEY"]), cnic)
            assert entry.cnic_masked == f"{cnic[:5]}-*****{cnic[11:13]}-{cnic[14]}"
    (again, _), _ = _escalate(app, db, later + timedelta(minutes=15))
    assert again == 0  # each complaint once


def test_escalation_closes_resolved_complaints_set_based_and_keeps_the_counts(app, db):
    from app.models import ComplaintCount
    from app.services.summaries import rebuild_summaries

    now = utcnow()
    db.add_all([Complaint(tracking_no=f"PSER-C-2026-{i + 1:06d}", cnic="35202-0000001-1", mobile="03001234567",
                          category="privacy", description="…", state="resolved", resolution="done",
                          created_at=now - timedelta(days=12), resolved_at=now - timedelta(days=8 if i < 5 else 2),
                          deadline_at=now - timedelta(days=9)) for i in range(7)])
    db.commit()
    (_, closed), _ = _escalate(app, db, now)
    assert closed == 5
    assert db.scalar(select(func.count()).select_from(ComplaintEvent)
                     .where(ComplaintEvent.to_state == "closed", ComplaintEvent.public.is_(True))) == 5
    kept = {(r.state, r.complaints) for r in db.scalars(select(ComplaintCount)) if r.complaints}
    assert kept == {("closed", 5), ("resolved", 2)}
    rebuild_summaries(db)
    db.commit()
    assert {(r.state, r.complaints) for r in db.scalars(select(ComplaintCount)) if r.complaints} == kept


def test_area_descendants_are_read_once_per_process_and_again_after_areas_are_reloaded(app, db):
    from app.services.area_tree import forget_area_tree
    from app.services.areas import load_areas
    from app.services.overview import area_and_descendants

    lahore = db.scalars(select(Area).where(Area.code == "DST-LHR")).one()
    forget_area_tree()
    with counting_statements(db) as first:
        ids = area_and_descendants(db, lahore)
    with counting_statements(db) as again:
        for _ in range(50):
            assert area_and_descendants(db, lahore) == ids
    assert len(first) == 1 and again == []
    assert ids[0] == lahore.id and len(ids) > 1
    assert set(ids[1:]) == set(db.scalars(select(Area.id).where(Area.parent_id == lahore.id)))
    with app.app_context():
        load_areas(db)  # reference data reloaded: the tree is read afresh
    db.refresh(lahore)
    with counting_statements(db) as reloaded:
        area_and_descendants(db, lahore)
    assert len(reloaded) == 1


@pytest.mark.parametrize("role", ["enumerator", "supervisor"])
def test_an_access_check_reads_no_areas(app, db, make_user, role):
    from app.models import Household, User
    from app.services.questionnaire import may_open

    user_id = make_user(role, area="Lahore").id
    user = db.get(User, user_id)
    tehsil = db.scalars(select(Area).where(Area.parent_id == user.area_id)).first()
    household = Household(head_cnic="35202-0000001-1", area_id=tehsil.id)
    db.add(household)
    db.commit()
    may_open(db, user, household)
    with counting_statements(db) as statements:
        assert may_open(db, user, household)
    assert statements == []
