"""Staff and other accounts: created from the command line, the demo seed or /admin/staff; edited,
deactivated and given a one-time password by an administrator, every change audited with before and after."""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ..domain.cnic import normalise_cnic, prefix_range
from ..domain.household_status import HouseholdStatus
from ..domain.mobile import mask_mobile
from ..domain.passwords import password_problem
from ..domain.roles import AREA_BOUND_ROLES, Role
from ..models import Area, Household, HouseholdStatusChange, User, UserArea
from . import audit
from .auth import end_all_sessions
from .context import N_, ServiceContext
from .credentials import hash_password
from .keyset import Keyset, Page, paginate
from .staff_scope import forget_extra_areas

STAFF_ROLES = (Role.ENUMERATOR, Role.SUPERVISOR, Role.HELPDESK, Role.ADMIN)
STAFF_AREA_LEVELS = ("division", "district", "tehsil")
# Only a supervisor oversees several areas; the others work in one (an admin in none: all of Punjab).
MULTI_AREA_ROLES = frozenset({Role.SUPERVISOR})
# Letters and digits nobody misreads off a screen or an SMS (no 0/O, 1/l/I).
_OTP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
# A one-time password nobody used is of no use to keep: after this it no longer signs in (ask for a new one).
ONE_TIME_PASSWORD_LIFETIME = timedelta(days=3)
ONE_TIME_PASSWORD_SMS = N_("PSER: your one-time password is %(password)s. Sign in and choose your own password.")


class UserInputError(ValueError):
    """A refused change; `code` names the rule for the views' messages, the text is for the command line."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


def _check_areas(role: Role, areas: Sequence[Area]) -> None:
    if role in AREA_BOUND_ROLES and not areas:
        raise UserInputError(f"a {role} needs --area (a district or tehsil code or English name)", "area_needed")
    if len(areas) > 1 and role not in MULTI_AREA_ROLES:
        raise UserInputError(f"a {role} works in one area", "one_area_only")


def create_user(
    session: Session,
    ctx: ServiceContext,
    *,
    role: str,
    cnic: str,
    name: str,
    password: str,
    area: Area | None = None,
    areas: Sequence[Area] = (),
    mobile: str | None = None,
    check_password_strength: bool = True,
    must_change_password: bool = False,
    actor_id: int | None = None,
) -> User:
    """`area` or `areas` (the first is the primary one, users.area_id). A staff account's password is a
    one-time one when `must_change_password`: the first sign-in asks for a new one."""
    role = Role(role)
    cnic = normalise_cnic(cnic)
    areas = list(areas) or ([area] if area is not None else [])
    if role != Role.CITIZEN:
        _check_areas(role, areas)
    if check_password_strength and (problem := password_problem(password, personal=(name, cnic, mobile or ""))):
        raise UserInputError(f"password refused: {problem}", "weak_password")
    if session.scalar(select(User.id).where(User.cnic == cnic)) is not None:
        raise UserInputError(f"a user with CNIC {cnic} exists already", "cnic_taken")
    user = User(
        cnic=cnic,
        full_name=name.strip(),
        role=role,
        password_hash=hash_password(password, fast=ctx.fast_password_hash),
        area=areas[0] if areas else None,
        mobile=mobile,
        mobile_verified_at=ctx.now(),  # accounts made by an operator need no OTP
        must_change_password=must_change_password,
        password_expires_at=ctx.now() + ONE_TIME_PASSWORD_LIFETIME if must_change_password else None,
    )
    if role == Role.CITIZEN:
        user.household = Household(head_cnic=cnic, status=HouseholdStatus.REGISTERED, area=user.area)
    session.add(user)
    session.flush()
    if user.household is not None:
        session.add(
            HouseholdStatusChange(
                household_id=user.household.id, to_status=HouseholdStatus.REGISTERED, reason="account created"
            )
        )
    else:
        session.add_all(UserArea(user_id=user.id, area_id=a.id) for a in _unique(areas))
        session.flush()
    audit.record(session, ctx, "user.create", actor_id=actor_id, cnic=cnic, outcome=str(role),
                 detail={"after": staff_snapshot(session, user)} if role != Role.CITIZEN else None)
    return user


def _unique(areas: Sequence[Area]) -> list[Area]:
    seen: dict[int, Area] = {}
    for a in areas:
        seen.setdefault(a.id, a)
    return list(seen.values())


# --- reading --------------------------------------------------------------------------------------------


def staff_area_ids(session: Session, user: User) -> list[int]:
    """The staff member's areas, the primary one first."""
    extra = session.scalars(select(UserArea.area_id).where(UserArea.user_id == user.id).order_by(UserArea.area_id))
    ids = [user.area_id] if user.area_id is not None else []
    return ids + [a for a in extra if a not in ids]


def staff_snapshot(session: Session, user: User) -> dict:
    """What the audit log keeps of a staff account before and after a change (the mobile masked)."""
    codes = dict(session.execute(select(Area.id, Area.code).where(Area.id.in_(staff_area_ids(session, user)))).all())
    return {
        "name": user.full_name,
        "role": str(user.role),
        "areas": [codes[i] for i in staff_area_ids(session, user) if i in codes],
        "mobile": mask_mobile(user.mobile) if user.mobile else None,
        "active": not user.disabled,
    }


STAFF_ORDER = Keyset(columns=(User.id,), kinds=(int,), descending=True)  # the newest accounts first
STAFF_SEARCH_ORDER = Keyset(columns=(User.cnic, User.id), kinds=(str, int))


def staff_page(session: Session, *, role: str | None = None, area_id: int | None = None,
               cnic_prefix: str | None = None, cursor: str | None = None, limit: int = 50) -> Page:
    """One page of staff accounts, of one role and working in one area when given; a CNIC prefix search is a
    range on the users' CNIC index. Raises keyset.BadCursor for a cursor this list did not make."""
    query = select(User).where(User.role != Role.CITIZEN)
    if role:
        query = query.where(User.role == role)
    if area_id is not None:
        query = query.where(or_(User.area_id == area_id,
                                User.id.in_(select(UserArea.user_id).where(UserArea.area_id == area_id))))
    order = STAFF_ORDER
    if cnic_prefix:
        low, high = prefix_range(cnic_prefix)
        query = query.where(User.cnic >= low, *([User.cnic < high] if high is not None else []))
        order = STAFF_SEARCH_ORDER
    return paginate(session, query, order, cursor, limit=limit)


# --- changing -------------------------------------------------------------------------------------------


def _active_admin_ids(session: Session) -> list[int]:
    """The active administrators, their rows locked (PostgreSQL) so that two admins demoting each other at
    once cannot both pass the last-admin check."""
    query = select(User.id).where(User.role == Role.ADMIN, User.disabled.is_(False)).order_by(User.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return list(session.scalars(query))


def _guard_last_admin(session: Session, user: User) -> None:
    if user.role == Role.ADMIN and not user.disabled and _active_admin_ids(session) == [user.id]:
        raise UserInputError("the last active admin cannot be removed", "last_admin")


def _staff(user: User) -> None:
    if user.role == Role.CITIZEN:
        raise UserInputError("not a staff account", "not_staff")


@dataclass(frozen=True)
class StaffChange:
    name: str
    role: str
    areas: Sequence[Area]
    mobile: str | None


def update_staff(session: Session, ctx: ServiceContext, actor: User, user: User, change: StaffChange) -> User:
    """Edit a staff account. Nobody changes their own role; the last active admin stays an admin."""
    _staff(user)
    role = Role(change.role)
    if role not in STAFF_ROLES:
        raise UserInputError("not a staff role", "not_staff")
    if user.id == actor.id and role != user.role:
        raise UserInputError("nobody changes their own role", "own_role")
    if role != user.role:
        _guard_last_admin(session, user)
    areas = _unique(change.areas)
    _check_areas(role, areas)
    before = staff_snapshot(session, user)
    user.full_name, user.role, user.mobile = change.name.strip(), role, change.mobile
    user.area = areas[0] if areas else None
    session.execute(delete(UserArea).where(UserArea.user_id == user.id))
    session.add_all(UserArea(user_id=user.id, area_id=a.id) for a in areas)
    session.flush()
    forget_extra_areas(session, user.id)
    after = staff_snapshot(session, user)
    if before != after:
        audit.record(session, ctx, "user.update", actor_id=actor.id, cnic=user.cnic, outcome=str(role),
                     detail={"user": user.id, "before": before, "after": after})
    return user


def set_active(session: Session, ctx: ServiceContext, actor: User, user: User, active: bool) -> int:
    """Deactivate (every session of the account ends at once: the next request finds none) or reactivate.
    Returns how many sessions ended."""
    _staff(user)
    if not active and user.id == actor.id:
        raise UserInputError("nobody deactivates their own account", "own_account")
    if active == (not user.disabled):
        return 0
    if not active:
        _guard_last_admin(session, user)
    before = staff_snapshot(session, user)
    user.disabled = not active
    ended = 0 if active else end_all_sessions(session, ctx, user.id)
    audit.record(session, ctx, "user.activate" if active else "user.deactivate", actor_id=actor.id, cnic=user.cnic,
                 outcome="success", detail={"user": user.id, "before": before, "after": staff_snapshot(session, user),
                                            "sessions_ended": ended})
    return ended


def one_time_password() -> str:
    """12 characters from a 55-letter alphabet: about 69 bits, far past any guessing."""
    return "".join(secrets.choice(_OTP_ALPHABET) for _ in range(12))


def reset_staff_password(session: Session, ctx: ServiceContext, actor: User, user: User, *, by_sms: bool) -> str | None:
    """A one-time password for a staff member, good for ONE_TIME_PASSWORD_LIFETIME: only its hash is kept,
    every session of the account ends, and the next sign-in must choose a new password. Returned to be shown once, or sent to the staff member's
    mobile (then None is returned)."""
    _staff(user)
    if by_sms and not user.mobile:
        raise UserInputError("this account has no mobile number", "no_mobile")
    password = one_time_password()
    user.password_hash = hash_password(password, fast=ctx.fast_password_hash)
    user.must_change_password = True
    user.password_expires_at = ctx.now() + ONE_TIME_PASSWORD_LIFETIME
    user.failed_logins, user.locked_until = 0, None
    ended = end_all_sessions(session, ctx, user.id)
    if by_sms:
        ctx.notifier.send_sms(session, user.mobile, ONE_TIME_PASSWORD_SMS, locale=user.locale or "ur",
                              purpose="staff_password", password=password)
    audit.record(session, ctx, "user.password_reset", actor_id=actor.id, cnic=user.cnic,
                 outcome="sms" if by_sms else "shown", detail={"user": user.id, "sessions_ended": ended})
    return None if by_sms else password


def choose_new_password(session: Session, ctx: ServiceContext, user: User, password: str) -> None:
    """The staff member's own password after a one-time one (the view checks its strength with the form)."""
    user.password_hash = hash_password(password, fast=ctx.fast_password_hash)
    user.must_change_password, user.password_expires_at = False, None
    audit.record(session, ctx, "password.change", actor_id=user.id, cnic=user.cnic, outcome="success")
