"""Reaching "verified" and "returned" for back-check tests, and a household with a submitted revision.

`approve` and `return_for_fixes` move a household the way the supervisor's review does (the allowed move,
the timeline row with the supervisor and the time, the summary counts); the integrator replaces their bodies
with calls to services.review.approve / return_for_fixes. No other test writes a household's state."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.domain.household_status import HouseholdStatus, check_move
from app.models import Household, HouseholdRevision, HouseholdStatusChange, User
from app.models.base import utcnow
from app.services import summaries
from app.services.questionnaire import snapshot
from tests.factories import make_household


def _move(session: Session, household: Household, target: HouseholdStatus, actor: User, at: datetime,
          reason: str) -> Household:
    before = (household.area_id, household.status)
    check_move(household.status, target)
    session.execute(update(Household).where(Household.id == household.id)
                    .values(status=target, version=Household.version + 1, updated_at=at)
                    .execution_options(synchronize_session=False))
    session.refresh(household)
    summaries.count_household_change(session, before, (household.area_id, household.status))
    session.add(HouseholdStatusChange(household_id=household.id, from_status=before[1], to_status=target,
                                      actor_id=actor.id, reason=reason, at=at))
    session.flush()
    return household


def approve(session: Session, household: Household, supervisor: User, *, at: datetime | None = None) -> Household:
    """submitted → verified by `supervisor` at `at` (the approval time the draw reads)."""
    return _move(session, household, HouseholdStatus.VERIFIED, supervisor, at or utcnow(), "approved")


def return_for_fixes(session: Session, household: Household, supervisor: User, *,
                     at: datetime | None = None) -> Household:
    """submitted → returned by `supervisor`."""
    return _move(session, household, HouseholdStatus.RETURNED, supervisor, at or utcnow(), "returned")


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
