"""Tracking numbers for complaints: random, checked unique, in the readable PSER-C-YYYY-NNNNNN shape."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.complaints import random_tracking_number
from ..models import Complaint

# Six digits while a year's numbers are sparse; after repeated collisions (a busy year) a longer number.
DIGITS_BY_ATTEMPT = (6, 6, 6, 6, 6, 6, 8, 8, 8, 9, 9, 9)


class NoTrackingNumber(RuntimeError):
    """Twelve random draws all taken: never expected (a 9-digit space per year)."""


def assign_tracking_number(session: Session, complaint: Complaint, year: int) -> str:
    """Give `complaint` (already flushed) a random tracking number no other complaint has. A draw taken by
    a parallel filing between the check and the write is undone by its savepoint and drawn again."""
    for digits in DIGITS_BY_ATTEMPT:
        candidate = random_tracking_number(year, digits)
        if session.scalar(select(Complaint.id).where(Complaint.tracking_no == candidate)) is not None:
            continue
        try:
            with session.begin_nested():
                complaint.tracking_no = candidate
                session.flush()
        except IntegrityError:
            continue
        return candidate
    raise NoTrackingNumber(year)
