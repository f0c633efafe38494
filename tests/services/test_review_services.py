"""The review's use cases without HTTP: decisions checked against the version, the household's life and the
supervisor's area; the timeline, audit, counts and SMS that follow; the queue; revisions side by side."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain.roles import Role
from app.models import AuditEntry, Household, HouseholdFlag, HouseholdRevision, HouseholdStatusChange
from app.services import questionnaire, review
from app.services.keyset import BadCursor
from app.services.overview import households_by_status
from app.services.summaries import rebuild_summaries
from tests.factories import cnic_for, make_household, make_user
from tests.review_helpers import approve_through_review
from tests.services.conftest import count_rows


# What a member form always sends besides the person's own answers.
MEMBER = {"sex": "male", "disability": "none", "chronic_illness": False}


@pytest.fixture
def supervisor(session):
    return make_user(session, role=Role.SUPERVISOR, area="Lahore")


def submitted_household(session, **fields):
    """A citizen's household, submitted: the citizen (verified, Urdu) is linked to it."""
    cnic = cnic_for()
    household = make_household(session, area="Lahore", status="submitted", head_cnic=cnic, **fields)
    make_user(session, cnic=cnic, household=household, mobile="03001112223", locale="ur")
    return household


def moves(session, household) -> list[tuple[str | None, str]]:
    return [(c.from_status, c.to_status) for c in review.timeline(session, household)]


def test_approve_verifies_records_the_move_audits_counts_and_tells_the_household(session, ctx, notifier, supervisor):
    household = submitted_household(session)
    session.commit()
    rebuild_summaries(session)
    lahore = supervisor.area
    before = households_by_status(session, lahore)
    result = review.approve(session, ctx, household, expected_version=1, actor=supervisor, note="All checked.")
    session.flush()
    assert result.ok and household.status == "verified" and household.version == 2
    assert moves(session, household)[-1] == ("submitted", "verified")
    assert review.timeline(session, household)[-1].actor_id == supervisor.id
    assert count_rows(session, AuditEntry, AuditEntry.action == "household.approve") == 1
    after = households_by_status(session, lahore)
    assert (after["submitted"], after["verified"]) == (before["submitted"] - 1, before["verified"] + 1)
    assert [(s.to_mobile, s.message, s.locale, s.purpose) for s in notifier.sent] == [
        ("03001112223", review.DECISION_SMS["verified"], "ur", "review")]


def test_a_stale_version_changes_nothing_and_says_conflict(session, ctx, notifier, supervisor):
    household = submitted_household(session)
    result = review.approve(session, ctx, household, expected_version=7, actor=supervisor)
    assert (result.ok, result.reason) == (False, "conflict")
    assert household.status == "submitted" and household.version == 1
    assert notifier.sent == [] and count_rows(session, HouseholdStatusChange, HouseholdStatusChange.to_status == "verified") == 0


def test_a_second_approval_is_already_done_not_an_error(session, ctx, notifier, supervisor):
    household = submitted_household(session)
    assert review.approve(session, ctx, household, expected_version=1, actor=supervisor).ok
    again = review.approve(session, ctx, household, expected_version=1, actor=supervisor)
    assert (again.ok, again.reason) == (False, "already")
    assert household.version == 2 and len(notifier.sent) == 1


def test_a_guarded_update_that_lost_the_race_is_a_conflict(session, ctx, supervisor):
    household = submitted_household(session)
    session.commit()
    # Another reviewer's save commits between this page's read and its decision.
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    with Session(session.get_bind()) as other:
        other.execute(update(Household).where(Household.id == household.id).values(version=Household.version + 1))
        other.commit()
    result = review.reject(session, ctx, household, expected_version=1, actor=supervisor, reason="Not found there.")
    assert (result.ok, result.reason) == (False, "conflict") and household.status == "submitted"


def test_return_needs_a_reason_per_known_section_each_at_most_500_characters(session, ctx, supervisor):
    household = submitted_household(session)
    for reasons, problems in (({}, {"reasons": "required"}), ({"housing": "   "}, {"reasons": "required"}),
                              ({"garden": "Count the trees"}, {"garden": "unknown_section"}),
                              ({"income": "x" * 501}, {"income": "too_long"})):
        result = review.return_for_fixes(session, ctx, household, expected_version=1, actor=supervisor, reasons=reasons)
        assert (result.ok, result.reason, result.problems) == (False, "invalid", problems)
    result = review.return_for_fixes(session, ctx, household, expected_version=1, actor=supervisor,
                                     reasons={"members": "Check the head's date of birth.", "housing": "Rooms: 2."})
    assert result.ok and household.status == "returned"
    assert household.return_reasons == {"members": "Check the head's date of birth.", "housing": "Rooms: 2."}
    assert review.timeline(session, household)[-1].reason == "members: Check the head's date of birth.\nhousing: Rooms: 2."


def test_reject_keeps_the_reason_for_the_citizen(session, ctx, notifier, supervisor):
    household = submitted_household(session)
    assert review.reject(session, ctx, household, expected_version=1, actor=supervisor, reason="").reason == "invalid"
    assert review.reject(session, ctx, household, expected_version=1, actor=supervisor, reason="No such house.").ok
    session.flush()
    assert household.status == "rejected"
    assert review.latest_reason(session, household, "rejected") == "No such house."
    assert notifier.sent[-1].message == review.DECISION_SMS["rejected"]


def test_a_decision_the_state_does_not_allow_is_refused(session, ctx, supervisor):
    household = make_household(session, area="Lahore", status="draft")
    result = review.approve(session, ctx, household, expected_version=1, actor=supervisor)
    assert (result.ok, result.reason) == (False, "not_allowed") and household.status == "draft"
    result = review.reopen(session, ctx, household, expected_version=1, actor=supervisor, reason="New baby")
    assert result.reason == "already"  # a draft is open already


def test_a_supervisor_of_another_district_may_not_decide(session, ctx, notifier):
    household = submitted_household(session)
    multan = make_user(session, role=Role.SUPERVISOR, area="Multan")
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    for actor in (multan, enumerator):
        result = review.approve(session, ctx, household, expected_version=1, actor=actor)
        assert (result.ok, result.reason) == (False, "forbidden")
    assert household.status == "submitted" and notifier.sent == []


def test_a_verified_household_changes_only_through_a_reopening_and_a_new_revision(session, ctx, supervisor):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    household = make_household(session, area=supervisor.area.children[0], status="draft", rooms=3,
                               sections_saved={s: "2026-03-01" for s in ("consent", "housing", "assets", "income")},
                               consent_given=True)
    assert questionnaire.submit(session, ctx, household, expected_version=1, actor=enumerator).ok
    approve_through_review(session, household, ctx=ctx, supervisor=supervisor)
    assert household.status == "verified"
    assert not questionnaire.save_section(session, ctx, household, "housing", {"rooms": 2},
                                          expected_version=household.version, actor=enumerator).ok
    result = review.reopen(session, ctx, household, expected_version=household.version, actor=supervisor,
                           reason="A child was born")
    assert result.ok and household.status == "draft"
    assert questionnaire.save_section(session, ctx, household, "housing", {"rooms": 2},
                                      expected_version=household.version, actor=enumerator).ok
    assert questionnaire.submit(session, ctx, household, expected_version=household.version, actor=enumerator).ok
    session.flush()
    revisions = session.scalars(select(HouseholdRevision).where(HouseholdRevision.household_id == household.id)
                                .order_by(HouseholdRevision.number)).all()
    assert [r.snapshot["household"]["rooms"] for r in revisions] == [3, 2]  # the first one is kept as it was
    compared = review.revisions_compared(session, household)
    assert [v.revision.number for v in compared] == [1, 2]
    assert compared[0].changed == set() and (None, "rooms") in compared[1].changed
    assert compared[1].record.rooms == 2 and compared[1].record.area == household.area
    assert moves(session, household)[-4:] == [("draft", "submitted"), ("submitted", "verified"),
                                              ("verified", "draft"), ("draft", "submitted")]


def test_revisions_compared_follows_members_added_and_changed(session, ctx, supervisor):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    household = make_household(session, area="Lahore", status="draft", consent_given=True,
                               sections_saved={s: "2026-03-01" for s in ("consent", "housing", "assets", "income")})
    head = household.members[0]
    questionnaire.submit(session, ctx, household, expected_version=1, actor=enumerator)
    review.return_for_fixes(session, ctx, household, expected_version=household.version, actor=supervisor,
                            reasons={"members": "The son is missing; check the head's birth date."})
    questionnaire.save_member(session, ctx, household, head.id, {**MEMBER, "name": "Head", "relation": "head",
                                                                  "dob": date(1981, 1, 1), "cnic": household.head_cnic,
                                                                  "marital_status": "married"},
                              expected_version=household.version, actor=enumerator)
    questionnaire.save_member(session, ctx, household, None, {**MEMBER, "name": "Son", "relation": "son",
                                                               "dob": date(2015, 2, 2)},
                              expected_version=household.version, actor=enumerator)
    session.refresh(household, ["members"])
    assert questionnaire.submit(session, ctx, household, expected_version=household.version, actor=enumerator).ok
    session.flush()
    first, second = review.revisions_compared(session, household)
    son = next(m for m in second.record.members if m.name == "Son")
    assert second.added_members == {son.id} and (head.id, "dob") in second.changed
    assert next(m for m in first.record.members if m.id == head.id).dob == date(1980, 1, 1)


def test_the_queue_is_the_areas_submitted_households_oldest_first_in_pages(session, ctx, supervisor):
    now = ctx.now()
    ids = [make_household(session, area="Lahore", status="submitted", submitted_at=now - timedelta(hours=h)).id
           for h in (1, 5, 3, 2, 4)]
    make_household(session, area="Multan", status="submitted", submitted_at=now - timedelta(days=30))
    make_household(session, area="Lahore", status="returned", submitted_at=now - timedelta(days=30))
    first = review.review_queue(session, supervisor, limit=3)
    assert [h.id for h in first.rows] == [ids[1], ids[4], ids[2]]
    second = review.review_queue(session, supervisor, limit=3, cursor=first.next_cursor)
    assert [h.id for h in second.rows] == [ids[3], ids[0]] and second.next_cursor is None
    older = review.review_queue(session, supervisor, older_than_days=1,
                                now=now + timedelta(days=1) - timedelta(hours=3, minutes=30))
    assert [h.id for h in older.rows] == [ids[1], ids[4]]
    with pytest.raises(BadCursor):
        review.review_queue(session, supervisor, cursor="bm90IGEgY3Vyc29y")


def test_the_queue_filters_by_flag_code_and_count(session, supervisor):
    plain = make_household(session, area="Lahore", status="submitted")
    flagged = make_household(session, area="Lahore", status="submitted", flag_count=2)
    for code in ("cnic_elsewhere", "head_minor"):
        session.add(HouseholdFlag(household_id=flagged.id, code=code, severity="warning", message_en="m", message_ur="م"))
    session.flush()
    assert [h.id for h in review.review_queue(session, supervisor, flagged=True).rows] == [flagged.id]
    assert [h.id for h in review.review_queue(session, supervisor, flagged=False).rows] == [plain.id]
    assert [h.id for h in review.review_queue(session, supervisor, flag_code="head_minor").rows] == [flagged.id]
    assert review.review_queue(session, supervisor, flag_code="mobile_many").rows == []
    assert review.flag_codes(session) == ["cnic_elsewhere", "head_minor"]


def test_a_helpdesk_resurvey_reopens_a_verified_household(session, ctx, supervisor):
    from app.services.complaints import request_resurvey
    from tests.factories import make_complaint

    household = submitted_household(session)
    approve_through_review(session, household, ctx=ctx, supervisor=supervisor)
    complaint = make_complaint(session, cnic=household.head_cnic)
    agent = make_user(session, role=Role.HELPDESK)
    assert request_resurvey(session, ctx, complaint, agent, "A child was born in May")
    session.flush()
    assert household.status == "draft" and household.resurvey_reason == "A child was born in May"
    assert moves(session, household)[-1] == ("verified", "draft")
    assert review.timeline(session, household)[-1].reason == "A child was born in May"


def test_a_resurvey_of_a_household_not_yet_verified_only_asks_for_a_visit(session, ctx):
    from app.services.complaints import request_resurvey
    from tests.factories import make_complaint

    household = make_household(session, area="Lahore", status="registered")
    complaint = make_complaint(session, cnic=household.head_cnic)
    assert request_resurvey(session, ctx, complaint, make_user(session, role=Role.HELPDESK), "Nobody came")
    assert household.status == "registered" and household.resurvey_requested_at is not None


def test_an_approved_household_is_scored_under_the_active_model_and_keeps_the_version_that_scored_it(
        session, ctx, supervisor):
    from app.models import HouseholdScore
    from app.services import scoring

    assert scoring.ensure_illustrative_model(session, ctx)
    household = submitted_household(session)
    session.commit()
    assert household.score is None
    approve_through_review(session, household, ctx=ctx, supervisor=supervisor)
    assert household.status == "verified"
    assert household.score is not None and 0 <= household.score <= 100 and household.score_band
    history = session.scalars(select(HouseholdScore).where(HouseholdScore.household_id == household.id)).all()
    assert [(h.model_id, h.score) for h in history] == [(household.score_model_id, household.score)]
