"""Complaints as use cases without HTTP: filing, the helpdesk's moves and escalation, each against a real
session with a fixed clock, sending through a recording notifier and committing nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.complaints import ComplaintState
from app.domain.roles import Role
from app.models import AuditEntry, Complaint, ComplaintEvent
from app.services import complaints
from app.services.areas import find_area
from tests.factories import make_complaint, make_user
from tests.services.conftest import count_rows


def _file(session, ctx, cnic="35202-1234567-1", locale="ur", category="not_surveyed"):
    return complaints.file_complaint(session, ctx, cnic=cnic, mobile="03001234567", category=category,
                                     description="Nobody came.", district=find_area(session, "Lahore"), filed_by=None,
                                     locale=locale, ip="10.0.0.1")


def test_filing_sets_the_deadline_from_the_settings_and_texts_the_tracking_number(session, ctx, clock, notifier):
    complaint = _file(session, ctx, locale="en", category="wrong_information")

    assert complaint.tracking_no.startswith(f"PSER-C-{clock().year}-")
    assert complaint.deadline_at == clock() + timedelta(days=ctx.settings["COMPLAINT_DEADLINE_DAYS"]["wrong_information"])
    [sms] = notifier.sent
    assert (sms.message, sms.locale, sms.params) == (complaints.FILED_SMS, "en", {"tracking": complaint.tracking_no})
    session.rollback()
    assert count_rows(session, Complaint) == count_rows(session, ComplaintEvent) == count_rows(session, AuditEntry) == 0


def test_too_many_open_complaints_are_refused_with_an_audit_entry_for_the_caller_to_commit(session, ctx, notifier):
    for _ in range(ctx.settings["COMPLAINT_MAX_OPEN"]):
        make_complaint(session, cnic="35202-1234567-1")
    session.commit()

    with pytest.raises(complaints.TooManyOpenComplaints):
        _file(session, ctx)
    session.commit()
    assert count_rows(session, Complaint) == ctx.settings["COMPLAINT_MAX_OPEN"]
    assert session.scalars(select(AuditEntry.outcome)).all() == ["too_many_open"]
    assert notifier.sent == []


def test_assigning_then_resolving_moves_the_complaint_and_tells_the_citizen_each_time(session, ctx, clock, notifier):
    agent = make_user(session, role=Role.HELPDESK)
    citizen = make_user(session, locale="en")
    complaint = make_complaint(session, cnic=citizen.cnic, filed_by_id=citizen.id)  # filed signed in
    session.commit()

    complaints.assign(session, ctx, complaint, agent, agent)
    clock.advance(hours=5)
    complaints.change_state(session, ctx, complaint, ComplaintState.RESOLVED, agent, text="Survey team visited.")

    assert complaint.state == ComplaintState.RESOLVED and complaint.assigned_to_id == agent.id
    assert complaint.resolved_at == clock() and complaint.resolution == "Survey team visited."
    assert [(s.message, s.locale) for s in notifier.sent] == [
        (complaints.STATE_SMS[ComplaintState.ASSIGNED], "en"), (complaints.STATE_SMS[ComplaintState.RESOLVED], "en")]
    session.rollback()
    session.refresh(complaint)
    assert (complaint.state, complaint.assigned_to_id, complaint.resolved_at) == (ComplaintState.NEW, None, None)


def test_resolving_without_a_resolution_is_refused_and_changes_nothing(session, ctx, notifier):
    agent = make_user(session, role=Role.HELPDESK)
    complaint = make_complaint(session, state=ComplaintState.IN_PROGRESS)
    session.commit()

    with pytest.raises(complaints.ComplaintActionError) as refused:
        complaints.change_state(session, ctx, complaint, ComplaintState.RESOLVED, agent, text="  ")
    assert refused.value.code == "resolution_needed"
    assert complaint.state == ComplaintState.IN_PROGRESS and complaint.resolved_at is None
    assert not session.dirty and not session.new and notifier.sent == []


def test_overdue_complaints_escalate_to_the_districts_supervisor_once(session, ctx, clock):
    supervisor = make_user(session, role=Role.SUPERVISOR, area="Lahore")
    overdue = make_complaint(session, created_at=clock() - timedelta(days=20), deadline_at=clock() - timedelta(hours=1))
    on_time = make_complaint(session, created_at=clock(), deadline_at=clock() + timedelta(days=3))
    session.commit()

    assert complaints.escalate_overdue(session, ctx) == (1, 0)
    assert (overdue.escalated_to_id, overdue.escalated_at) == (supervisor.id, clock())
    assert on_time.escalated_at is None
    assert complaints.escalate_overdue(session, ctx) == (0, 0)  # each once
    session.rollback()
    session.refresh(overdue)
    assert overdue.escalated_at is None


def test_a_resolved_complaint_closes_when_its_reopening_window_has_passed(session, ctx, clock):
    complaint = make_complaint(session, state=ComplaintState.RESOLVED, resolution="Done",
                               resolved_at=clock() - timedelta(days=7, minutes=1))
    session.commit()
    assert complaints.escalate_overdue(session, ctx) == (0, 1)
    assert (complaint.state, complaint.closed_at) == (ComplaintState.CLOSED, clock())
