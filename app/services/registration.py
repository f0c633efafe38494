"""Citizen sign-up: one account per CNIC, a household record in state `registered`, and an OTP."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.household_status import HouseholdStatus
from ..domain.roles import Role
from ..models import Household, HouseholdStatusChange, User
from . import audit
from .context import ServiceContext
from .credentials import hash_password
from .otp import issue_otp


class CnicAlreadyRegistered(Exception):
    pass


@dataclass(frozen=True)
class Registration:
    full_name: str
    cnic: str  # canonical
    network: str
    mobile: str  # canonical
    email: str | None
    password: str
    locale: str


def _drop_stale_unverified(session: Session, ctx: ServiceContext, cnic: str) -> None:
    """An account whose mobile was never verified does not hold a CNIC for ever: someone may have typed
    another person's number. After a day it gives way to a new registration."""
    ttl = ctx.settings["UNVERIFIED_ACCOUNT_TTL_SECONDS"]
    stale = session.scalars(
        select(User).where(
            User.cnic == cnic,
            User.mobile_verified_at.is_(None),
            User.role == Role.CITIZEN,
            User.created_at < ctx.now() - timedelta(seconds=ttl),
        )
    ).first()
    if stale is None:
        return
    _remove_account(session, stale)
    audit.record(session, ctx, "registration.expired", cnic=cnic, outcome="removed")


def _remove_account(session: Session, user: User) -> None:
    household = user.household
    session.delete(user)
    session.flush()
    if household is not None:
        session.delete(household)  # through the ORM, so that the household counts see it go


def release_unverified(session: Session, ctx: ServiceContext, cnic: str, *, actor: User, reason: str,
                       ip: str | None = None) -> bool:
    """The helpdesk frees a CNIC held by an account whose mobile was never verified, before the day is out,
    for its real owner who called. Never a verified account, never staff. Audited with the reason."""
    held = session.scalars(
        select(User).where(User.cnic == cnic, User.mobile_verified_at.is_(None), User.role == Role.CITIZEN)
    ).first()
    if held is None:
        audit.record(session, ctx, "registration.release", actor_id=actor.id, cnic=cnic, ip=ip, outcome="refused",
                     detail={"reason": reason})
        return False
    _remove_account(session, held)
    audit.record(session, ctx, "registration.release", actor_id=actor.id, cnic=cnic, ip=ip, outcome="released",
                 detail={"reason": reason})
    return True


def set_home_area(session: Session, ctx: ServiceContext, user: User, area) -> bool:
    """Where a registered household lives, told by the citizen, so that its area's survey team sees it.
    Only before the survey: afterwards the area is what the enumerator recorded."""
    household = user.household
    if household is None or household.status not in (HouseholdStatus.REGISTERED, HouseholdStatus.SCHEDULED):
        return False
    household.area_id = area.id
    audit.record(session, ctx, "household.area", actor_id=user.id, cnic=user.cnic, outcome=area.code,
                 household_id=household.id)
    from .schedules import schedule_new_registration

    schedule_new_registration(session, ctx, household)  # an area already scheduled: told now, once
    return True


def register_citizen(session: Session, ctx: ServiceContext, reg: Registration, *, ip: str | None = None) -> User:
    """Create the account, its household and the first OTP. Raises CnicAlreadyRegistered, after adding an
    audit entry that the caller commits with the refusal."""
    if session.scalar(select(User.id).where(User.cnic == reg.cnic)) is not None:
        _drop_stale_unverified(session, ctx, reg.cnic)
        if session.scalar(select(User.id).where(User.cnic == reg.cnic)) is not None:
            audit.record(session, ctx, "registration", cnic=reg.cnic, ip=ip, outcome="duplicate")
            raise CnicAlreadyRegistered(reg.cnic)
    # Slow on purpose: before any insert, so outside the unique index's lock.
    password_hash = hash_password(reg.password, fast=ctx.fast_password_hash)
    household = Household(head_cnic=reg.cnic, status=HouseholdStatus.REGISTERED)
    user = User(
        cnic=reg.cnic,
        full_name=reg.full_name,
        role=Role.CITIZEN,
        password_hash=password_hash,
        network=reg.network,
        mobile=reg.mobile,
        email=reg.email,
        locale=reg.locale,
        household=household,
    )
    try:
        # A savepoint: if the unique index refuses, only these two rows are undone, not the caller's work.
        with session.begin_nested():
            session.add_all([household, user])
    except IntegrityError:
        # Another request registered the same CNIC a moment ago: the unique index decided.
        audit.record(session, ctx, "registration", cnic=reg.cnic, ip=ip, outcome="duplicate")
        raise CnicAlreadyRegistered(reg.cnic) from None
    session.add(
        HouseholdStatusChange(
            household_id=household.id,
            from_status=None,
            to_status=HouseholdStatus.REGISTERED,
            actor_id=user.id,
            reason="online registration",
        )
    )
    issue_otp(session, ctx, user)
    audit.record(session, ctx, "registration", actor_id=user.id, cnic=reg.cnic, ip=ip, outcome="created")
    return user
