"""The public status check by CNIC: the stage and the next step, never personal details."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Household, User
from . import audit


@dataclass(frozen=True)
class StatusAnswer:
    found: bool
    stage: str | None = None  # a HouseholdStatus value, or "unverified" for an account awaiting its OTP
    masked_name: str | None = None
    since: datetime | None = None


def mask_name(full_name: str) -> str:
    """'Muhammad Ali Khan' -> 'M*** A** K***': recognisable to its owner, useless to a stranger."""
    return " ".join(word[0] + "*" * min(len(word) - 1, 3) for word in full_name.split() if word)


def lookup_status(session: Session, cnic: str, *, ip: str | None = None) -> StatusAnswer:
    user = session.scalars(select(User).where(User.cnic == cnic)).first()
    household = None
    if user is not None and user.household_id:
        household = session.get(Household, user.household_id)
    if household is None:
        # A household surveyed at the door may have no online account.
        household = session.scalars(
            select(Household).where(Household.head_cnic == cnic).order_by(Household.id.desc()).limit(1)
        ).first()
    if user is None and household is None:
        answer = StatusAnswer(found=False)
    elif user is not None and not user.is_verified:
        answer = StatusAnswer(found=True, stage="unverified", masked_name=mask_name(user.full_name), since=user.created_at)
    else:
        name = mask_name(user.full_name) if user is not None else None
        answer = StatusAnswer(found=True, stage=household.status, masked_name=name, since=household.updated_at)
    audit.record(session, "status_lookup", cnic=cnic, ip=ip, outcome=answer.stage or "not_found")
    session.commit()
    return answer
