"""Demo data for trying the portal: one account per role and households in every state."""
from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.household_status import HouseholdStatus
from ..domain.roles import Role
from ..models import Area, Household, HouseholdStatusChange, User
from .areas import find_area
from .credentials import hash_password
from .users import create_user

DEMO_PASSWORD = "Punjab-Demo-2026"
DEMO_ACCOUNTS = (
    # role, CNIC, name, area
    (Role.CITIZEN, "35202-1111111-1", "Ahmad Raza", "Lahore"),
    (Role.ENUMERATOR, "35202-2222222-3", "Sana Tariq", "Lahore"),
    (Role.SUPERVISOR, "35202-3333333-5", "Imran Qureshi", "Lahore"),
    (Role.HELPDESK, "35202-4444444-6", "Ayesha Malik", "Lahore"),
    (Role.ADMIN, "35202-5555555-7", "Farhan Siddiqui", None),
)
_FIRST = ["Muhammad", "Ali", "Fatima", "Zainab", "Usman", "Bilal", "Hira", "Nadia", "Kashif", "Rubina", "Asif", "Shazia"]
_LAST = ["Khan", "Ahmed", "Butt", "Chaudhry", "Malik", "Qureshi", "Sheikh", "Awan", "Rana", "Bhatti", "Gill", "Javed"]
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


def ensure_demo_accounts(session: Session) -> list[User]:
    users = []
    for role, cnic, name, area_name in DEMO_ACCOUNTS:
        user = session.scalars(select(User).where(User.cnic == cnic)).first()
        if user is None:
            area = find_area(session, area_name) if area_name else None
            user = create_user(
                session, role=role, cnic=cnic, name=name, password=DEMO_PASSWORD, area=area, mobile="03001234567"
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
        household = Household(head_cnic=cnic, status=state, area=area)
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
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
        made += 1
    session.commit()
    return made


def _unused_cnic(session: Session, rng: random.Random) -> str:
    while True:
        cnic = f"3{rng.randrange(10**4):04d}-{rng.randrange(10**7):07d}-{rng.randrange(10)}"
        if session.scalar(select(User.id).where(User.cnic == cnic)) is None:
            return cnic
