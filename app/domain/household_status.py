"""The life of a household record: its states and the moves allowed between them."""
from __future__ import annotations

from enum import StrEnum


class HouseholdStatus(StrEnum):
    REGISTERED = "registered"  # signed up online, no survey planned yet
    SCHEDULED = "scheduled"  # a survey is planned for the area
    DRAFT = "draft"  # an enumerator or the citizen started the questionnaire
    SUBMITTED = "submitted"  # waiting for a supervisor
    RETURNED = "returned"  # sent back with reasons, to be fixed and resubmitted
    VERIFIED = "verified"  # accepted; scored and banded
    REJECTED = "rejected"  # refused by a supervisor, with a reason


ALLOWED_MOVES: dict[HouseholdStatus, frozenset[HouseholdStatus]] = {
    HouseholdStatus.REGISTERED: frozenset({HouseholdStatus.SCHEDULED, HouseholdStatus.DRAFT}),
    HouseholdStatus.SCHEDULED: frozenset({HouseholdStatus.DRAFT}),
    HouseholdStatus.DRAFT: frozenset({HouseholdStatus.SUBMITTED}),
    HouseholdStatus.SUBMITTED: frozenset(
        {HouseholdStatus.RETURNED, HouseholdStatus.VERIFIED, HouseholdStatus.REJECTED}
    ),
    HouseholdStatus.RETURNED: frozenset({HouseholdStatus.SUBMITTED}),
    # A verified household changes only through a new revision (birth, death, move, disaster).
    HouseholdStatus.VERIFIED: frozenset({HouseholdStatus.DRAFT}),
    HouseholdStatus.REJECTED: frozenset({HouseholdStatus.SCHEDULED}),
}


class StatusMoveError(ValueError):
    pass


def check_move(current: HouseholdStatus | str, target: HouseholdStatus | str) -> HouseholdStatus:
    """Return the target state, or raise StatusMoveError when the record may not move there."""
    current, target = HouseholdStatus(current), HouseholdStatus(target)
    if target not in ALLOWED_MOVES[current]:
        raise StatusMoveError(f"{current} -> {target} is not allowed")
    return target


# The order in which a citizen's timeline shows the stages.
TIMELINE = (
    HouseholdStatus.REGISTERED,
    HouseholdStatus.SCHEDULED,
    HouseholdStatus.DRAFT,
    HouseholdStatus.SUBMITTED,
    HouseholdStatus.VERIFIED,
)
