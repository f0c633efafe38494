"""The audit trail's reads as services: the viewer's filters in the log's order, the export in batches along
the same order, and who looked at a citizen's data (staff reads only, the citizen's own left out)."""
from __future__ import annotations

from app.domain.roles import Role
from app.services import audit, audit_trail
from tests.factories import make_household, make_user


def _look(session, ctx, clock, household, actor, reason):
    clock.advance(minutes=1)
    return audit.record_household_read(session, ctx, household, actor=actor, reason=reason)


def test_the_export_reads_every_entry_of_the_filter_newest_first_in_batches(session, ctx, clock):
    household = make_household(session)
    other = make_household(session)
    agent = make_user(session, role=Role.HELPDESK)
    mine = [_look(session, ctx, clock, household, agent, f"look {n}") for n in range(7)]
    _look(session, ctx, clock, other, agent, "elsewhere")
    session.flush()
    flt = audit_trail.TrailFilter(household_id=household.id)
    exported = [row.reason for row in audit_trail.iter_trail(session, flt, batch=3)]
    assert exported == [f"look {n}" for n in reversed(range(7))]
    assert [e.id for e in audit_trail.trail_page(session, flt, limit=50).rows] == [e.id for e in reversed(mine)]


def test_who_looked_lists_staff_reads_of_the_household_and_never_the_citizens_own(session, ctx, clock):
    citizen = make_user(session, role=Role.CITIZEN, area="Lahore")
    household = citizen.household
    supervisor = make_user(session, role=Role.SUPERVISOR, area="Lahore")
    _look(session, ctx, clock, household, supervisor, audit.REASON_REVIEW)
    _look(session, ctx, clock, household, citizen, None)  # the citizen's own read
    clock.advance(minutes=1)
    audit.record(session, ctx, "helpdesk.lookup", actor_id=supervisor.id, cnic=citizen.cnic, outcome="out_of_scope")
    session.flush()
    lines, page = audit_trail.who_looked(session, ctx, citizen)
    assert [(line.role, line.reason, line.area.name_en) for line in lines] == [("supervisor", "review", "Lahore")]
    assert page.next_cursor is None
    assert audit_trail.access_line(session, ctx, citizen, lines[0].entry_id) is not None
    stranger = make_user(session, role=Role.CITIZEN)
    assert audit_trail.access_line(session, ctx, stranger, lines[0].entry_id) is None
