"""Citizens' changes and corrections without HTTP: a request filed for the citizen's own household, the
area's queue, a field visit, a refusal with its reason, and applying the change as a new revision through
the supervisor's review, with every earlier revision kept as it was."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain.change_requests import MAX_OPEN
from app.domain.household_status import HouseholdStatus
from app.domain.roles import Role
from app.models import AuditEntry, ChangeRequest, HouseholdRevision, HouseholdStatusChange
from app.services import change_requests as service
from app.services import review, scoring
from tests.change_request_helpers import reload, verified_household
from tests.factories import make_user
from tests.services.conftest import FIXED_NOW, count_rows

TODAY = FIXED_NOW.date()
BIRTH = {"name": "Zainab", "sex": "female", "relation": "daughter", "dob": TODAY - timedelta(days=20)}


def revision(session, household, number) -> HouseholdRevision:
    return session.scalars(select(HouseholdRevision).where(HouseholdRevision.household_id == household.id,
                                                           HouseholdRevision.number == number)).one()


def test_a_birth_reported_by_a_citizen_and_applied_keeps_the_old_revision_readable(session, ctx, notifier):
    scoring.ensure_illustrative_model(session, ctx)
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    session.commit()
    first = dict(revision(session, household, 1).snapshot)
    notifier.sent.clear()

    filed = service.file_request(session, ctx, citizen, "birth", dict(BIRTH))
    assert filed.ok and filed.request.state == "open"
    helpdesk = make_user(session, role=Role.HELPDESK, area=None)
    session.commit()

    applied = service.apply(session, ctx, filed.request, expected_version=1, actor=helpdesk)
    assert applied.ok, applied.reason
    session.commit()
    household = reload(session, household)
    assert household.status == HouseholdStatus.SUBMITTED
    assert sorted(m.name for m in household.members) == ["Akram Ali", "Naseem Bibi", "Zainab"]
    assert filed.request.state == "applied" and filed.request.revision_number == 2

    assert review.approve(session, ctx, household, expected_version=household.version, actor=supervisor).ok
    session.commit()
    household = reload(session, household)
    assert household.status == HouseholdStatus.VERIFIED and household.score is not None
    second = revision(session, household, 2).snapshot
    assert [m["name"] for m in second["members"]] == ["Akram Ali", "Naseem Bibi", "Zainab"]
    assert revision(session, household, 1).snapshot == first  # the old revision, unchanged and readable
    assert [m["name"] for m in first["members"]] == ["Akram Ali", "Naseem Bibi"]
    moves = [(c.from_status, c.to_status) for c in review.timeline(session, household)][-3:]
    assert moves == [("verified", "draft"), ("draft", "submitted"), ("submitted", "verified")]
    reopened = review.timeline(session, household)[-3]
    assert reopened.reason == f"Change request {filed.request.id}: birth" and reopened.actor_id == helpdesk.id
    assert count_rows(session, AuditEntry, AuditEntry.action == "change_request.apply") == 1
    steps = [s.message for s in notifier.sent if s.purpose == "change_request"]
    assert steps == [service.STEP_SMS["received"], service.STEP_SMS["applied"]]
    assert all(s.locale == "ur" and s.to_mobile == citizen.mobile for s in notifier.sent)


def test_a_death_removes_the_member_from_the_new_revision_only(session, ctx):
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    spouse = next(m for m in household.members if m.relation == "spouse")
    filed = service.file_request(session, ctx, citizen, "death", {"member_id": spouse.id, "date": TODAY})
    assert filed.ok
    assert service.apply(session, ctx, filed.request, expected_version=1, actor=supervisor).ok
    household = reload(session, household)
    assert [m.relation for m in household.members] == ["head"]
    assert len(revision(session, household, 1).snapshot["members"]) == 2
    assert len(revision(session, household, 2).snapshot["members"]) == 1


def test_a_move_and_a_new_income_are_written_to_their_sections(session, ctx):
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    supervisor_admin = make_user(session, role=Role.ADMIN)
    moved = service.file_request(session, ctx, citizen, "move", {"tehsil": "TSL-MUL-02", "address": "Street 9"})
    income = service.file_request(session, ctx, citizen, "income", {"monthly_income": 12000})
    assert moved.ok and income.ok
    assert service.apply(session, ctx, income.request, expected_version=1, actor=supervisor).ok
    household = reload(session, household)
    assert household.monthly_income == 12000 and household.status == "submitted"
    assert review.approve(session, ctx, household, expected_version=household.version, actor=supervisor).ok
    assert service.apply(session, ctx, moved.request, expected_version=1, actor=supervisor_admin).ok
    household = reload(session, household)
    assert household.area.code == "TSL-MUL-02" and household.address == "Street 9"
    assert revision(session, household, 2).snapshot["household"]["monthly_income"] == 12000


def test_a_field_visit_puts_the_household_first_for_the_enumerators_and_tells_the_citizen(session, ctx, notifier):
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    filed = service.file_request(session, ctx, citizen, "disaster",
                                 {"damage": "house_damaged", "date": TODAY, "description": "Roof fell in the rain."})
    result = service.ask_field_visit(session, ctx, filed.request, expected_version=1, actor=supervisor)
    assert result.ok and filed.request.state == "in_progress" and filed.request.field_visit_requested
    session.flush()
    household = reload(session, household)
    assert household.visit_requested and household.resurvey_reason.startswith("change request")
    assert notifier.sent[-1].message == service.STEP_SMS["visit"]
    again = service.ask_field_visit(session, ctx, filed.request, expected_version=2, actor=supervisor)
    assert (again.ok, again.reason) == (False, "already")


def test_a_declined_request_says_why_and_clears_its_visit(session, ctx, notifier):
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    filed = service.file_request(session, ctx, citizen, "income", {"monthly_income": 5000})
    assert service.ask_field_visit(session, ctx, filed.request, expected_version=1, actor=supervisor).ok
    assert service.decline(session, ctx, filed.request, expected_version=2, actor=supervisor, reason="").reason == "invalid"
    result = service.decline(session, ctx, filed.request, expected_version=2, actor=supervisor,
                             reason="The visit found the same income as before.")
    assert result.ok and filed.request.state == "declined" and filed.request.decided_by == supervisor.id
    assert filed.request.reason == "The visit found the same income as before."  # whole, on /me/requests
    session.flush()
    assert not reload(session, household).visit_requested
    last = notifier.sent[-1]
    assert last.message == service.STEP_SMS["declined"] and last.params["reason"] == "The visit found the same income as before."[:service.SMS_REASON_MAX - 1] + "…"
    assert reload(session, household).status == "verified"  # nothing was written


def test_a_stale_page_changes_nothing(session, ctx):
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    filed = service.file_request(session, ctx, citizen, "birth", dict(BIRTH))
    assert service.ask_field_visit(session, ctx, filed.request, expected_version=1, actor=supervisor).ok
    stale = service.apply(session, ctx, filed.request, expected_version=1, actor=supervisor)
    assert (stale.ok, stale.reason) == (False, "conflict")
    assert reload(session, household).status == "verified" and len(reload(session, household).members) == 2


def test_another_districts_supervisor_may_not_touch_the_request(session, ctx):
    household, citizen, _ = verified_household(session, ctx, area="TSL-LHR-03")
    multan = make_user(session, role=Role.SUPERVISOR, area="DST-MUL")
    filed = service.file_request(session, ctx, citizen, "birth", dict(BIRTH))
    assert not service.may_handle(session, multan, filed.request)
    assert service.apply(session, ctx, filed.request, expected_version=1, actor=multan).reason == "forbidden"
    assert service.request_queue(session, multan).rows == []
    lahore = make_user(session, role=Role.SUPERVISOR, area="DST-LHR")
    assert [r.id for r in service.request_queue(session, lahore).rows] == [filed.request.id]


def test_a_change_that_leaves_no_head_is_undone_whole(session, ctx):
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    session.commit()
    head = next(m for m in household.members if m.relation == "head")
    filed = service.file_request(session, ctx, citizen, "death", {"member_id": head.id, "date": TODAY})
    result = service.apply(session, ctx, filed.request, expected_version=1, actor=supervisor)
    assert (result.ok, result.reason) == (False, "problems")
    household = reload(session, household)
    assert household.status == "verified" and len(household.members) == 2
    assert session.get(ChangeRequest, filed.request.id).state == "open"
    assert count_rows(session, HouseholdStatusChange, HouseholdStatusChange.household_id == household.id,
                      HouseholdStatusChange.to_status == "draft") == 0


def test_bad_answers_and_too_many_open_requests_are_refused(session, ctx):
    household, citizen, _ = verified_household(session, ctx, area="TSL-LHR-03")
    future = service.file_request(session, ctx, citizen, "birth", dict(BIRTH, dob=TODAY + timedelta(days=1)))
    assert (future.reason, future.problems) == ("invalid", {"dob": "future"})
    son_girl = service.file_request(session, ctx, citizen, "birth", dict(BIRTH, relation="son"))
    assert son_girl.problems == {"relation": "relation_sex"}
    stranger = service.file_request(session, ctx, citizen, "death", {"member_id": 999999, "date": TODAY})
    assert stranger.problems == {"member_id": "required"}
    for _ in range(MAX_OPEN):
        assert service.file_request(session, ctx, citizen, "income", {"monthly_income": 1}).ok
    assert service.file_request(session, ctx, citizen, "income", {"monthly_income": 1}).reason == "too_many"


def test_a_household_not_yet_surveyed_cannot_ask(session, ctx):
    citizen = make_user(session)  # a registered household
    assert service.file_request(session, ctx, citizen, "income", {"monthly_income": 1}).reason == "not_yet"


@pytest.mark.parametrize("kind, status", [("marriage", "married"), ("divorce", "divorced")])
def test_a_marriage_or_divorce_changes_the_members_marital_status_in_the_new_revision(session, ctx, kind, status):
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    spouse = next(m for m in household.members if m.relation == "spouse")
    filed = service.file_request(session, ctx, citizen, kind, {"member_id": spouse.id, "date": TODAY})
    assert service.apply(session, ctx, filed.request, expected_version=1, actor=supervisor).ok
    household = reload(session, household)
    assert next(m for m in household.members if m.relation == "spouse").marital_status == status
    first = revision(session, household, 1).snapshot["members"]
    assert next(m for m in first if m["relation"] == "spouse")["marital_status"] == "married"


def test_the_queue_pages_the_oldest_request_first(session, ctx, clock):
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    filed = []
    for income in (100, 200, 300):
        filed.append(service.file_request(session, ctx, citizen, "income", {"monthly_income": income}).request.id)
        clock.advance(minutes=5)
    first = service.request_queue(session, supervisor, limit=2)
    assert [r.id for r in first.rows] == filed[:2] and first.next_cursor
    second = service.request_queue(session, supervisor, cursor=first.next_cursor, limit=2)
    assert [r.id for r in second.rows] == filed[2:]


def test_every_step_sms_fits_one_urdu_message(app):
    from app.services.notifier import SmsNotifier

    notifier = SmsNotifier("console", str(app.config.get("BABEL_TRANSLATION_DIRECTORIES") or "translations").split(";"))
    for step, message in service.STEP_SMS.items():
        text = notifier.translate(message, "ur", number="12345", reason="ب" * service.SMS_REASON_MAX)
        assert text != message and len(text) <= 70, (step, len(text))


def test_applying_disaster_damage_opens_the_household_for_the_survey_teams_visit(session, ctx, notifier):
    household, citizen, supervisor = verified_household(session, ctx, area="TSL-LHR-03")
    filed = service.file_request(session, ctx, citizen, "correction",
                                 {"section": "housing", "description": "We have two rooms, not three."})
    assert service.apply(session, ctx, filed.request, expected_version=1, actor=supervisor).ok
    session.flush()
    household = reload(session, household)
    assert household.status == "draft" and household.visit_requested  # the enumerator edits it at the visit
    assert filed.request.state == "applied" and filed.request.revision_number is None
    assert notifier.sent[-1].message == service.STEP_SMS["reopened"]
    assert [r.number for r in service.revisions(session, household)] == [1]
