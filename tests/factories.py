"""Rows for service tests, added to the session the test gives and flushed, never committed: the test
decides what is already in the database (it commits) and what the service under test adds."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

from sqlalchemy.orm import Session

from app.domain.complaints import DEFAULT_DEADLINE_DAYS, format_tracking_number
from app.domain.household_status import HouseholdStatus
from app.domain.roles import Role
from app.models import Area, Complaint, Household, HouseholdMember, User
from app.models.base import utcnow
from app.services.areas import find_area
from app.services.credentials import hash_password

PASSWORD = "Kites-Over-Ravi-77"
_serial = count(1)


def _area(session: Session, area: Area | str | None) -> Area | None:
    if area is None or isinstance(area, Area):
        return area
    found = find_area(session, area)
    assert found is not None, f"no area {area!r}"
    return found


def cnic_for(sex: str = "male") -> str:
    """A fresh valid CNIC of Punjab whose last digit agrees with `sex` (odd male, even female)."""
    return f"35202-{next(_serial):07d}-{1 if sex == 'male' else 2}"


def make_user(session: Session, *, role: str = Role.CITIZEN, area: Area | str | None = None,
              cnic: str | None = None, name: str = "Test Person", password: str = PASSWORD,
              verified: bool = True, **fields) -> User:
    user = User(cnic=cnic or cnic_for(), full_name=name, role=role, area=_area(session, area),
                password_hash=hash_password(password, fast=True), mobile=fields.pop("mobile", "03001234567"),
                mobile_verified_at=utcnow() if verified else None, locale=fields.pop("locale", "ur"), **fields)
    if role == Role.CITIZEN and "household" not in fields:
        user.household = Household(head_cnic=user.cnic, status=HouseholdStatus.REGISTERED, area=user.area)
    session.add(user)
    session.flush()
    return user


def make_member(session: Session, household: Household, *, name: str = "Member", relation: str = "son",
                sex: str = "male", dob: date | None = date(2010, 5, 1), **fields) -> HouseholdMember:
    position = max((m.position for m in household.members), default=0) + 1
    member = HouseholdMember(household_id=household.id, position=position, name=name, relation=relation,
                             sex=sex, dob=dob, **fields)
    session.add(member)
    session.flush()
    session.refresh(household, ["members"])
    return member


def make_household(session: Session, *, area: Area | str | None = "Lahore",
                   status: str = HouseholdStatus.DRAFT, members: list[dict] | None = None,
                   head_cnic: str | None = None, **fields) -> Household:
    """A household with its members (dicts of member fields); `members` None gives a head only."""
    if status in (HouseholdStatus.SUBMITTED, HouseholdStatus.RETURNED, HouseholdStatus.VERIFIED,
                  HouseholdStatus.REJECTED):
        fields.setdefault("submitted_at", utcnow())  # as questionnaire.submit sets it
    household = Household(head_cnic=head_cnic or cnic_for(), status=status, area=_area(session, area),
                          sections_saved=fields.pop("sections_saved", {}), **fields)
    session.add(household)
    session.flush()
    if members is None:
        members = [{"name": "Head", "relation": "head", "sex": "male", "dob": date(1980, 1, 1),
                    "cnic": household.head_cnic, "marital_status": "married"}]
    for values in members:
        make_member(session, household, **values)
    return household


def make_complaint(session: Session, *, cnic: str | None = None, mobile: str = "03001234567",
                   category: str = "not_surveyed", state: str = "new", district: Area | str | None = "Lahore",
                   created_at: datetime | None = None, deadline_at: datetime | None = None, **fields) -> Complaint:
    created_at = created_at or utcnow()
    complaint = Complaint(cnic=cnic or cnic_for(), mobile=mobile, category=category, state=state,
                          description=fields.pop("description", "Nobody came to survey our house."),
                          district=_area(session, district), created_at=created_at,
                          deadline_at=deadline_at or created_at + timedelta(days=DEFAULT_DEADLINE_DAYS[category]),
                          **fields)
    session.add(complaint)
    session.flush()
    complaint.tracking_no = format_tracking_number(created_at.year, complaint.id)
    session.flush()
    return complaint
