"""Complaints: categories, states and their moves, tracking numbers, deadlines, reopening and ratings."""
from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from enum import StrEnum

from .input_errors import InputError
from .numerals import to_latin_digits

CATEGORIES = ("not_surveyed", "wrong_information", "score_dispute", "benefit_not_received", "enumerator_conduct",
              "privacy", "other")

# Working days are not modelled: a deadline is calendar days, the way citizens count them.
DEFAULT_DEADLINE_DAYS = {"not_surveyed": 15, "wrong_information": 10, "score_dispute": 15,
                         "benefit_not_received": 7, "enumerator_conduct": 5, "privacy": 3, "other": 10}
REOPEN_WINDOW = timedelta(days=7)


class ComplaintState(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


OPEN_STATES = frozenset({ComplaintState.NEW, ComplaintState.ASSIGNED, ComplaintState.IN_PROGRESS,
                         ComplaintState.REOPENED})
MOVES: dict[ComplaintState, frozenset[ComplaintState]] = {
    ComplaintState.NEW: frozenset({ComplaintState.ASSIGNED, ComplaintState.IN_PROGRESS, ComplaintState.RESOLVED}),
    ComplaintState.ASSIGNED: frozenset({ComplaintState.ASSIGNED, ComplaintState.IN_PROGRESS, ComplaintState.RESOLVED}),
    ComplaintState.IN_PROGRESS: frozenset({ComplaintState.ASSIGNED, ComplaintState.RESOLVED}),
    ComplaintState.RESOLVED: frozenset({ComplaintState.CLOSED, ComplaintState.REOPENED}),
    ComplaintState.REOPENED: frozenset({ComplaintState.ASSIGNED, ComplaintState.IN_PROGRESS, ComplaintState.RESOLVED}),
    ComplaintState.CLOSED: frozenset(),
}


class ComplaintMoveError(ValueError):
    pass


def check_move(current: str, target: str) -> ComplaintState:
    current, target = ComplaintState(current), ComplaintState(target)
    if target not in MOVES[current]:
        raise ComplaintMoveError(f"{current} -> {target}")
    return target


_SYSTEM_RANDOM = random.SystemRandom()  # from the operating system's randomness, like `secrets`
_TRACKING = re.compile(r"^PSER-?C-?(\d{4})-?(\d{1,9})$")


class TrackingNumberError(InputError):
    """Why a text is not a tracking number: empty or shape."""


def format_tracking_number(year: int, number: int) -> str:
    return f"PSER-C-{year}-{number:06d}"


def random_tracking_number(year: int, digits: int = 6, rng: random.Random = _SYSTEM_RANDOM) -> str:
    """A tracking number whose number is drawn at random (never the row's id): it tells nobody how many
    complaints exist, and the next one cannot be guessed from the last. Uniqueness is the caller's check."""
    return format_tracking_number(year, rng.randrange(10 ** (digits - 1), 10**digits))


def parse_tracking_number(raw: str | None) -> str:
    """Accept it in any case, with spaces or Urdu digits, dashes optional: return PSER-C-YYYY-NNNNNN."""
    text = re.sub(r"[\s\u200b-\u200f]+", "", to_latin_digits(raw or "")).upper().replace("_", "-")
    if not text:
        raise TrackingNumberError("empty")
    match = _TRACKING.match(text)
    if not match:
        raise TrackingNumberError("shape")
    return format_tracking_number(int(match.group(1)), int(match.group(2)))


def deadline_for(category: str, filed_at: datetime, days: dict[str, int] | None = None) -> datetime:
    return filed_at + timedelta(days=(days or DEFAULT_DEADLINE_DAYS).get(category, DEFAULT_DEADLINE_DAYS["other"]))


def is_overdue(state: str, deadline: datetime, now: datetime) -> bool:
    return state in OPEN_STATES and deadline < now


def may_reopen(state: str, resolved_at: datetime | None, now: datetime) -> bool:
    return state == ComplaintState.RESOLVED and resolved_at is not None and now - resolved_at <= REOPEN_WINDOW


def may_rate(state: str, rating: int | None) -> bool:
    return state in (ComplaintState.RESOLVED, ComplaintState.CLOSED) and rating is None
