"""Reaching "verified" and "returned" for back-check tests, and a household with a submitted revision.

`approve` and `return_for_fixes` go through the supervisor's review (services.review) at a given time. No test
writes a household's state."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.domain.household_status import HouseholdStatus
from app.models import Household, HouseholdRevision, HouseholdStatusChange, User
from app.models.base import utcnow
from app.services import review
from app.services.context import ServiceContext
from app.services.questionnaire import snapshot
from tests.factories import make_household
from tests.review_helpers import TEST_SETTINGS


def _ctx(at: datetime | None) -> ServiceContext:
    return ServiceContext.from_config(TEST_SETTINGS, clock=(lambda: at) if at else utcnow)


def approve(session: Session, household: Household, supervisor: User, *, at: datetime | None = None) -> Household:
    """submitted → verified by `supervisor` at `at` (the approval time the draw reads), through the review."""
    result = review.approve(session, _ctx(at), household, expected_version=household.version, actor=supervisor)
    assert result.ok, result.reason
    return household


def return_for_fixes(session: Session, household: Household, supervisor: User, *,
                     at: datetime | None = None) -> Household:
    """submitted → returned by `supervisor`, through the review."""
    result = review.return_for_fixes(session, _ctx(at), household, expected_version=household.version,
                                     actor=supervisor, reasons={"housing": "Rooms: please count them again."})
    assert result.ok, result.reason
    return household


def surveyed(session: Session, enumerator: User, *, area="Lahore", started: datetime | None = None,
             submitted: datetime | None = None, members: list[dict] | None = None, **answers) -> Household:
    """A household the enumerator surveyed and submitted, with its timeline (draft, then submitted) and its
    submitted revision, as questionnaire.submit leaves it."""
    submitted = submitted or utcnow()
    started = started or submitted
    household = make_household(session, area=area, status=HouseholdStatus.SUBMITTED, enumerator_id=enumerator.id,
                               members=members, **answers)
    session.add_all([
        HouseholdStatusChange(household_id=household.id, from_status=None, to_status=HouseholdStatus.DRAFT,
                              actor_id=enumerator.id, reason="started at the door", at=started),
        HouseholdStatusChange(household_id=household.id, from_status=HouseholdStatus.DRAFT,
                              to_status=HouseholdStatus.SUBMITTED, actor_id=enumerator.id, reason="submitted",
                              at=submitted)])
    session.add(HouseholdRevision(household_id=household.id, number=1, snapshot=snapshot(household),
                                  reason="submitted", created_by=enumerator.id, created_at=submitted))
    session.flush()
    return household
