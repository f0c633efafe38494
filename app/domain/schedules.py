"""Rules for survey schedules and announcements: dates in order, not already over, and no two schedules of
one area (or of a district and one of its tehsils) on the same days."""
from __future__ import annotations

from datetime import date

MAX_MESSAGE = 500


def date_problem(starts_on: date, ends_on: date, today: date) -> str | None:
    """None when the dates can be used; else `end_before_start` or `ended` (the whole span is past)."""
    if ends_on < starts_on:
        return "end_before_start"
    if ends_on < today:
        return "ended"
    return None


def overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    """Two spans of whole days (both ends included) share at least one day."""
    return a_start <= b_end and b_start <= a_end
