"""Creating accounts from the command line and the demo seed."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.cnic import normalise_cnic
from ..domain.household_status import HouseholdStatus
from ..domain.passwords import password_problem
from ..domain.roles import AREA_BOUND_ROLES, Role
from ..models import Area, Household, HouseholdStatusChange, User
from . import audit
from .context import ServiceContext
from .credentials import hash_password


class UserInputError(ValueError):
    pass


def create_user(
    session: Session,
    ctx: ServiceContext,
    *,
    role: str,
    cnic: str,
    name: str,
    password: str,
    area: Area | None = None,
    mobile: str | None = None,
    check_password_strength: bool = True,
) -> User:
    role = Role(role)
    cnic = normalise_cnic(cnic)
    if role in AREA_BOUND_ROLES and area is None:
        raise UserInputError(f"a {role} needs --area (a district or tehsil code or English name)")
    if check_password_strength and (problem := password_problem(password, personal=(name, cnic, mobile or ""))):
        raise UserInputError(f"password refused: {problem}")
    if session.scalar(select(User.id).where(User.cnic == cnic)) is not None:
        raise UserInputError(f"a user with CNIC {cnic} exists already")
    user = User(
        cnic=cnic,
        full_name=name.strip(),
        role=role,
        password_hash=hash_password(password, fast=ctx.fast_password_hash),
        area=area,
        mobile=mobile,
        mobile_verified_at=ctx.now(),  # accounts made by an operator need no OTP
    )
    if role == Role.CITIZEN:
        user.household = Household(head_cnic=cnic, status=HouseholdStatus.REGISTERED, area=area)
    session.add(user)
    session.flush()
    if user.household is not None:
        session.add(
            HouseholdStatusChange(
                household_id=user.household.id, to_status=HouseholdStatus.REGISTERED, reason="account created"
            )
        )
    audit.record(session, ctx, "user.create", cnic=cnic, outcome=str(role))
    return user
