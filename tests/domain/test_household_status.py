"""The life of a household record: which moves a record may make and which it may not."""
from __future__ import annotations

import itertools

import pytest

from app.domain.household_status import TIMELINE, HouseholdStatus, StatusMoveError, check_move

S = HouseholdStatus

EXPECTED_MOVES = {
    (S.REGISTERED, S.SCHEDULED),
    (S.REGISTERED, S.DRAFT),
    (S.SCHEDULED, S.DRAFT),
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.RETURNED),
    (S.SUBMITTED, S.VERIFIED),
    (S.SUBMITTED, S.REJECTED),
    (S.RETURNED, S.SUBMITTED),
    (S.VERIFIED, S.DRAFT),  # a new revision after a birth, death, move or disaster
    (S.REJECTED, S.SCHEDULED),
}
ALL_PAIRS = set(itertools.product(S, S))


def test_each_state_moves_exactly_where_the_design_allows():
    for state in S:
        accepted = {target for target in S if target != state and _accepted(state, target)}
        assert accepted == {b for a, b in EXPECTED_MOVES if a == state}, state


def test_allowed_moves_are_exactly_the_designed_ones():
    actual = {(a, b) for a, b in itertools.product(S, S) if _accepted(a, b)}
    assert actual == EXPECTED_MOVES


def _accepted(current, target) -> bool:
    try:
        check_move(current, target)
    except StatusMoveError:
        return False
    return True


@pytest.mark.parametrize(("current", "target"), sorted(EXPECTED_MOVES), ids=lambda s: str(s))
def test_every_allowed_move_is_accepted(current, target):
    assert check_move(current, target) is target


def test_moves_may_be_given_as_plain_strings():
    assert check_move("submitted", "verified") is S.VERIFIED
    assert check_move("draft", "submitted") == "submitted"


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("registered", "verified"),
        ("registered", "submitted"),
        ("scheduled", "submitted"),
        ("draft", "verified"),
        ("submitted", "draft"),
        ("returned", "verified"),
        ("rejected", "verified"),
        ("rejected", "draft"),
        ("verified", "rejected"),
        ("verified", "registered"),
    ],
)
def test_forbidden_move_is_refused(current, target):
    with pytest.raises(StatusMoveError) as err:
        check_move(current, target)
    assert current in str(err.value) and target in str(err.value)


@pytest.mark.parametrize(("current", "target"), sorted(ALL_PAIRS - EXPECTED_MOVES), ids=lambda s: str(s))
def test_every_move_not_designed_is_refused(current, target):
    with pytest.raises(StatusMoveError):
        check_move(current, target)


@pytest.mark.parametrize("state", list(S), ids=str)
def test_a_record_cannot_move_to_the_state_it_is_in(state):
    with pytest.raises(StatusMoveError):
        check_move(state, state)


def test_a_status_move_error_is_a_value_error():
    assert issubclass(StatusMoveError, ValueError)


def test_unknown_state_name_is_refused():
    with pytest.raises(ValueError):
        check_move("approved", "draft")
    with pytest.raises(ValueError):
        check_move("draft", "finished")


def test_the_citizens_timeline_follows_allowed_moves_in_order():
    assert TIMELINE[0] is S.REGISTERED and TIMELINE[-1] is S.VERIFIED
    for a, b in itertools.pairwise(TIMELINE):
        assert (a, b) in EXPECTED_MOVES and check_move(a, b) is b
