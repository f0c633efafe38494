"""The public status check by CNIC: the stage and the next step, never personal details.

This is the portal's busiest public answer and an enumeration target, so it reads with one query and
writes its audit entry with one insert, without building ORM objects."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from ..domain.cnic import mask_cnic
from ..models import AuditEntry, Household, User
from .context import ServiceContext
from .privacy import keyed_hash


@dataclass(frozen=True)
class StatusAnswer:
    found: bool
    stage: str | None = None  # a HouseholdStatus value, or "unverified" for an account awaiting its OTP
    masked_name: str | None = None
    since: datetime | None = None
    area_id: int | None = None  # the household's area, for its survey schedule


def mask_name(full_name: str) -> str:
    """'Muhammad Ali Khan' -> 'M*** A** K***': recognisable to its owner, useless to a stranger."""
    return " ".join(word[0] + "*" * min(len(word) - 1, 3) for word in full_name.split() if word)


# Built once: the busiest public query should not rebuild its statements on every request.
_ACCOUNT = (
    select(User.full_name, User.mobile_verified_at, User.created_at, Household.status, Household.updated_at,
           Household.area_id)
    .outerjoin(Household, Household.id == User.household_id)
    .where(User.cnic == bindparam("cnic"))
)
_HOUSEHOLD = (
    select(Household.status, Household.updated_at, Household.area_id)
    .where(Household.head_cnic == bindparam("cnic"))
    .order_by(Household.id.desc())
    .limit(1)
)
_AUDIT = insert(AuditEntry.__table__)


def _answer(session: Session, cnic: str) -> StatusAnswer:
    connection = session.connection()  # plain rows, no ORM objects: this answer is read-only
    account = connection.execute(_ACCOUNT, {"cnic": cnic}).first()
    if account is not None:
        name = mask_name(account.full_name)
        if account.mobile_verified_at is None:
            return StatusAnswer(found=True, stage="unverified", masked_name=name, since=account.created_at)
        if account.status is not None:
            return StatusAnswer(found=True, stage=account.status, masked_name=name, since=account.updated_at,
                                area_id=account.area_id)
    # A household surveyed at the door may have no online account.
    household = connection.execute(_HOUSEHOLD, {"cnic": cnic}).first()
    if household is None:
        return StatusAnswer(found=False)
    return StatusAnswer(found=True, stage=household.status, since=household.updated_at, area_id=household.area_id)


def lookup_status(session: Session, ctx: ServiceContext, cnic: str, *, ip: str | None = None,
                  channel: str | None = None) -> StatusAnswer:
    """`ip` is where the question came from (the sending number for an SMS), kept only as a keyed hash;
    `channel` (e.g. "sms") is recorded in the entry's detail when the question did not come from the web."""
    answer = _answer(session, cnic)
    key = ctx.hash_key
    entry = {
        "at": ctx.now(), "action": "status_lookup", "cnic_hash": keyed_hash(key, cnic), "cnic_masked": mask_cnic(cnic),
        "ip_hash": keyed_hash(key, ip), "outcome": answer.stage or "not_found",
    }
    if channel:
        entry["detail"] = {"channel": channel}
    session.connection().execute(_AUDIT, entry)
    return answer
