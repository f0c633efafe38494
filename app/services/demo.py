"""Demo data for trying the portal: one account per role and households in every state."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.household_status import HouseholdStatus
from ..domain.roles import Role
from ..domain.sample_households import person_name, sample_household
from ..models import Area, Household, User
from .areas import find_area
from .bulk_load import HouseholdRow, LoadReport, load_households, next_ids, write_rows
from .context import ServiceContext
from .summaries import apply_deltas, bulk_deltas
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


def missing_demo_numbers(session: Session, count: int) -> range:
    """The demo households still to make so that demo-0000001 … demo-`count` exist.

    So `seed-demo --households N` run twice adds nothing the second time, and a larger N adds only the rest.
    """
    existing, highest = session.execute(
        select(func.count(), func.max(Household.import_key)).where(Household.import_key.like("demo-%"))).one()
    # The usual case: demo-0000001 … demo-M are all there, so generation starts after M. Otherwise start at 1
    # and let the loader skip the keys it finds.
    start = existing + 1 if existing and int(highest.removeprefix("demo-")) == existing else 1
    return range(start, count + 1)


def seed_demo_households(session: Session, numbers: range, *, now: datetime, password_hash: str,
                         batch_size: int = 5000, on_batch=None) -> LoadReport:
    """Demo households `numbers` (see missing_demo_numbers) through the bulk loader, as an import would load them.

    Every demo citizen shares `password_hash`: one hash of DEMO_PASSWORD, made once by the caller.
    """
    places = demo_places(session)
    today = now.date()
    rows = (demo_household_row(number, places, today) for number in numbers)
    return load_households(session, rows, now=now, password_hash=password_hash, batch_size=batch_size,
                           on_batch=on_batch)


def demo_key(number: int) -> str:
    return f"demo-{number:07d}"


@dataclass(frozen=True)
class DemoPlaces:
    lahore: int
    districts: tuple[int, ...]
    tehsils: dict[int, tuple[int, ...]]  # district id -> its tehsils


def demo_places(session: Session) -> DemoPlaces:
    areas = session.execute(select(Area.id, Area.level, Area.parent_id, Area.code).order_by(Area.code)).all()
    tehsils: dict[int, list[int]] = {}
    for area_id, level, parent_id, _ in areas:
        if level == "tehsil":
            tehsils.setdefault(parent_id, []).append(area_id)
    return DemoPlaces(lahore=next(a.id for a in areas if a.code == "DST-LHR"),
                      districts=tuple(a.id for a in areas if a.level == "district"),
                      tehsils={district: tuple(ids) for district, ids in tehsils.items()})


def demo_household_row(number: int, places: DemoPlaces, today: date) -> HouseholdRow:
    """Demo household `number`: the same one every time. Its state cycles through every state, a third live in
    Lahore, and from the draft on it has a family and answers that pass the questionnaire's rules.

    The one place demo rows are made; the family and the answers come from the question catalogue's generator.
    """
    rng = random.Random(number)
    states = list(_PATHS)
    state = states[(number - 1) % len(states)]
    district = places.lahore if (number - 1) % 3 == 0 else rng.choice(places.districts)
    head_sex = "male" if rng.random() < 0.85 else "female"
    head_cnic = _demo_cnic(number, head_sex, rng)
    head_name = person_name(rng, head_sex)
    path = _PATHS[state]
    row = HouseholdRow(
        line=number, key=demo_key(number), area_id=district, head_cnic=head_cnic, status=state,
        answers={"sections_saved": {}}, reason="demo",
        history=list(zip([None, *path[:-1]], path)),
        account={"full_name": head_name, "network": "jazz", "mobile": f"030{rng.randrange(10**8):08d}"},
    )
    if state in (HouseholdStatus.REGISTERED, HouseholdStatus.SCHEDULED):
        return row
    row.area_id = rng.choice(places.tehsils.get(district) or (district,))
    # The family and the answers come from the question catalogue (domain.sample_households).
    sample = sample_household(rng, today=today, head_cnic=head_cnic, head_name=head_name)
    row.members = sample.members
    row.answers.update(sample.household)
    row.answers["sections_saved"] = {s: today.isoformat() for s in ("consent", "members", "housing", "assets", "income")}
    if state == HouseholdStatus.RETURNED:
        row.answers["return_reasons"] = {"housing": "کمروں کی تعداد دوبارہ گنیں: ہم نے دو کمرے دیکھے۔",
                                         "members": "سربراہ کی تاریخ پیدائش شناختی کارڈ سے ملائیں۔"}
    return row


def _demo_cnic(number: int, sex: str, rng: random.Random) -> str:
    """A Punjab CNIC (3…) of its own for each number: a bijection of the number, its last digit by sex."""
    body = f"3{(number * 7_919_113 + 1_234_567) % 10**11:011d}"
    last = rng.choice("13579" if sex == "male" else "02468")
    return f"{body[:5]}-{body[5:12]}-{last}"


def seed_demo_complaints(session: Session, count: int, *, now: datetime, first_key: str = "demo-",
                         seed: int = 7) -> int:
    """`count` complaints from the demo citizens whose household key is `first_key` or later, in every state and
    category, some past their deadline. Written set-based, like the households."""
    from ..domain.complaints import CATEGORIES, format_tracking_number
    from ..models import Complaint, ComplaintEvent

    rng = random.Random(seed)
    citizens = session.execute(
        select(User.cnic, User.mobile, Household.area_id).join(Household, User.household_id == Household.id)
        .where(User.role == Role.CITIZEN, Household.import_key.like("demo-%"), Household.import_key >= first_key)
        .order_by(Household.import_key).limit(count)).all()
    parents = dict(session.execute(select(Area.id, Area.parent_id).where(Area.level == "tehsil")).all())
    agent = session.scalar(select(User.id).where(User.role == Role.HELPDESK).order_by(User.id).limit(1))
    states = ("new", "assigned", "in_progress", "resolved", "closed", "reopened")
    complaints, events = [], []
    for i, ((cnic, mobile, area_id), complaint_id) in enumerate(
            zip(citizens, next_ids(session, Complaint.__table__, len(citizens)))):
        state, category = states[i % len(states)], CATEGORIES[i % len(CATEGORIES)]
        filed = now - timedelta(days=rng.randrange(0, 20), hours=rng.randrange(0, 24))
        complaint = {"id": complaint_id, "tracking_no": format_tracking_number(filed.year, complaint_id),
                     "cnic": cnic, "mobile": mobile or "03001234567", "category": category,
                     "description": "شکایت کی مثال: سروے ٹیم ہمارے محلے میں نہیں آئی۔", "state": state,
                     "district_id": parents.get(area_id, area_id), "created_at": filed, "updated_at": filed,
                     "deadline_at": filed + timedelta(days=rng.choice((3, 7, 10, 15))),
                     "assigned_to_id": agent if state != "new" else None, "resolution": None, "resolved_at": None,
                     "closed_at": None, "rating": None}
        if state in ("resolved", "closed"):
            complaint["resolution"] = "سروے ٹیم نے دورہ کر لیا ہے۔"
            complaint["resolved_at"] = filed + timedelta(days=2)
        if state == "closed":
            complaint["closed_at"], complaint["rating"] = filed + timedelta(days=3), rng.randrange(1, 6)
        complaints.append(complaint)
        events.append({"complaint_id": complaint_id, "kind": "filed", "public": True, "from_state": None,
                       "to_state": "new", "at": filed})
        if state != "new":
            events.append({"complaint_id": complaint_id, "kind": "state", "public": True, "from_state": "new",
                           "to_state": state, "at": filed + timedelta(days=1)})
    write_rows(session, Complaint.__table__, complaints)
    write_rows(session, ComplaintEvent.__table__, events)
    apply_deltas(session.connection(), bulk_deltas(complaints=complaints))  # the dashboard's counts, same transaction
    return len(complaints)
