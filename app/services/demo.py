"""Demo data for trying the portal: one account per role and households in every state."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.cnic import cnic_facts
from ..domain.household_status import HouseholdStatus
from ..domain.roles import Role
from ..domain.sample_households import person_name, sample_household
from ..models import Area, Household, HouseholdMember, HouseholdRevision, HouseholdStatusChange, User
from .areas import find_area
from .questionnaire import snapshot
from .credentials import hash_password
from .context import ServiceContext
from .users import create_user

DEMO_PASSWORD = "Punjab-Demo-2026"
DEMO_ACCOUNTS = (
    # role, CNIC, name, area
    (Role.CITIZEN, "35202-1111111-1", "Ahmad Raza", "Lahore"),
    (Role.ENUMERATOR, "35202-2222222-3", "Sana Tariq", "Lahore"),
    (Role.ENUMERATOR, "36302-6666666-9", "Bilal Ahmed", "Multan"),
    (Role.SUPERVISOR, "35202-3333333-5", "Imran Qureshi", "Lahore"),
    (Role.HELPDESK, "35202-4444444-6", "Ayesha Malik", None),  # the call centre serves all of Punjab
    (Role.ADMIN, "35202-5555555-7", "Farhan Siddiqui", None),
)
# The path each state took, so that every demo household has a believable history.
_PATHS = {
    HouseholdStatus.REGISTERED: [HouseholdStatus.REGISTERED],
    HouseholdStatus.SCHEDULED: [HouseholdStatus.REGISTERED, HouseholdStatus.SCHEDULED],
    HouseholdStatus.DRAFT: [HouseholdStatus.REGISTERED, HouseholdStatus.SCHEDULED, HouseholdStatus.DRAFT],
    HouseholdStatus.SUBMITTED: [HouseholdStatus.SCHEDULED, HouseholdStatus.DRAFT, HouseholdStatus.SUBMITTED],
    HouseholdStatus.RETURNED: [HouseholdStatus.DRAFT, HouseholdStatus.SUBMITTED, HouseholdStatus.RETURNED],
    HouseholdStatus.VERIFIED: [HouseholdStatus.DRAFT, HouseholdStatus.SUBMITTED, HouseholdStatus.VERIFIED],
    HouseholdStatus.REJECTED: [HouseholdStatus.DRAFT, HouseholdStatus.SUBMITTED, HouseholdStatus.REJECTED],
}


def ensure_demo_accounts(session: Session, ctx: ServiceContext) -> list[User]:
    users = []
    for role, cnic, name, area_name in DEMO_ACCOUNTS:
        user = session.scalars(select(User).where(User.cnic == cnic)).first()
        if user is None:
            area = find_area(session, area_name) if area_name else None
            user = create_user(
                session, ctx, role=role, cnic=cnic, name=name, password=DEMO_PASSWORD, area=area, mobile="03001234567"
            )
        users.append(user)
    return users


def seed_demo_households(session: Session, count: int, *, seed: int = 2026) -> int:
    """Add `count` households spread over the districts, cycling through every state."""
    rng = random.Random(seed + (session.scalar(select(Household.id).order_by(Household.id.desc()).limit(1)) or 0))
    districts = list(session.scalars(select(Area).where(Area.level == "district")))
    lahore = find_area(session, "Lahore")
    states = list(_PATHS)
    password_hash = hash_password(DEMO_PASSWORD)
    made = 0
    for i in range(count):
        state = states[i % len(states)]
        area = lahore if i % 3 == 0 else rng.choice(districts)
        cnic = _unused_cnic(session, rng)
        name = person_name(rng, cnic_facts(cnic).sex)
        household = Household(head_cnic=cnic, status=state, area=area, sections_saved={})
        if state not in (HouseholdStatus.REGISTERED, HouseholdStatus.SCHEDULED):
            _fill_questionnaire(household, name, cnic, rng)
        user = User(
            cnic=cnic, full_name=name, role=Role.CITIZEN, password_hash=password_hash, network="jazz",
            mobile=f"030{rng.randrange(10**8):08d}", household=household,
        )
        session.add_all([household, user])
        session.flush()
        previous = None
        for step in _PATHS[state]:
            session.add(HouseholdStatusChange(household_id=household.id, from_status=previous, to_status=step, reason="demo"))
            previous = step
        if state in (HouseholdStatus.SUBMITTED, HouseholdStatus.RETURNED, HouseholdStatus.VERIFIED,
                     HouseholdStatus.REJECTED):
            session.add(HouseholdRevision(household_id=household.id, number=1, snapshot=snapshot(household),
                                          reason="submitted"))
        made += 1
    return made


def _fill_questionnaire(household: Household, head_name: str, head_cnic: str, rng: random.Random) -> None:
    """Answers a field team would have recorded: a tehsil, and a family, housing, assets and income made from
    the question catalogue (domain.sample_households)."""
    tehsils = [a for a in household.area.children if a.level == "tehsil"] if household.area else []
    if tehsils:
        household.area = rng.choice(tehsils)
    today = date.today()
    sample = sample_household(rng, today=today, head_cnic=head_cnic, head_name=head_name)
    for column, value in sample.household.items():
        setattr(household, column, value)
    household.members = [HouseholdMember(position=position, **answers)
                         for position, answers in enumerate(sample.members, start=1)]
    household.sections_saved = {s: today.isoformat() for s in ("consent", "members", "housing", "assets", "income")}
    if household.status == HouseholdStatus.RETURNED:
        household.return_reasons = {"housing": "کمروں کی تعداد دوبارہ گنیں: ہم نے دو کمرے دیکھے۔",
                                    "members": "سربراہ کی تاریخ پیدائش شناختی کارڈ سے ملائیں۔"}


def seed_demo_complaints(session: Session, count: int, *, seed: int = 7) -> int:
    """Complaints from demo citizens in every state and category, some past their deadline."""
    from datetime import timedelta

    from ..domain.complaints import CATEGORIES, format_tracking_number
    from ..models import Complaint, ComplaintEvent
    from ..models.base import utcnow

    rng = random.Random(seed)
    citizens = list(session.scalars(select(User).where(User.role == Role.CITIZEN).limit(max(count, 1) * 2)))
    agents = list(session.scalars(select(User).where(User.role == Role.HELPDESK)))
    states = ("new", "assigned", "in_progress", "resolved", "closed", "reopened")
    now = utcnow()
    made = 0
    for i in range(min(count, len(citizens))):
        citizen, state, category = citizens[i], states[i % len(states)], CATEGORIES[i % len(CATEGORIES)]
        household = citizen.household
        district = household.area if household and household.area else None
        while district is not None and district.level == "tehsil":
            district = district.parent
        filed = now - timedelta(days=rng.randrange(0, 20), hours=rng.randrange(0, 24))
        complaint = Complaint(cnic=citizen.cnic, mobile=citizen.mobile or "03001234567", category=category,
                              description="شکایت کی مثال: سروے ٹیم ہمارے محلے میں نہیں آئی۔", state=state,
                              district_id=district.id if district else None, created_at=filed,
                              deadline_at=filed + timedelta(days=rng.choice((3, 7, 10, 15))),
                              assigned_to_id=agents[0].id if agents and state != "new" else None)
        if state in ("resolved", "closed"):
            complaint.resolution = "سروے ٹیم نے دورہ کر لیا ہے۔"
            complaint.resolved_at = filed + timedelta(days=2)
        if state == "closed":
            complaint.closed_at, complaint.rating = filed + timedelta(days=3), rng.randrange(1, 6)
        session.add(complaint)
        session.flush()
        complaint.tracking_no = format_tracking_number(filed.year, complaint.id)
        session.add(ComplaintEvent(complaint_id=complaint.id, kind="filed", public=True, to_state="new", at=filed))
        if state != "new":
            session.add(ComplaintEvent(complaint_id=complaint.id, kind="state", public=True, from_state="new",
                                       to_state=state, at=filed + timedelta(days=1)))
        made += 1
    return made


def _unused_cnic(session: Session, rng: random.Random) -> str:
    while True:
        cnic = f"3{rng.randrange(10**4):04d}-{rng.randrange(10**7):07d}-{rng.randrange(10)}"
        if session.scalar(select(User.id).where(User.cnic == cnic)) is None:
            return cnic
