"""A household in the registry, as a citizen who reports a change has one: surveyed, submitted (revision 1)
and approved through the supervisor's review, with a verified citizen account linked to it."""
from __future__ import annotations

from datetime import date

from app.domain.household_status import HouseholdStatus
from app.domain.roles import Role
from app.models import Household
from app.services import questionnaire, review
from tests.factories import cnic_for, make_household, make_user

SECTIONS_SAVED = {s: "2026-01-01T00:00:00+00:00" for s in ("consent", "members", "housing", "assets", "income")}
ANSWERS = {"consent_given": True, "address": "House 5, Street 2", "village": "Mozang", "tenure": "owned",
           "rooms": 2, "roof": "rcc", "walls": "burnt_brick", "toilet": "flush_pit", "water": "hand_pump",
           "electricity": "grid", "cooking_fuel": "lpg", "main_income_source": "wages", "monthly_income": 30000,
           "has_bank_account": False, "bisp_beneficiary": False, "receives_remittances": False}
FAMILY = [
    {"name": "Akram Ali", "relation": "head", "sex": "male", "dob": date(1985, 1, 1), "marital_status": "married",
     "disability": "none", "chronic_illness": False, "can_read": True, "education": "matric",
     "employment": "daily_wage"},
    {"name": "Naseem Bibi", "relation": "spouse", "sex": "female", "dob": date(1990, 3, 3),
     "marital_status": "married", "disability": "none", "chronic_illness": False, "can_read": True,
     "education": "primary", "employment": "housework"},
]


def verified_household(session, ctx, *, area="Lahore", status=HouseholdStatus.VERIFIED, mobile="03001112223",
                       locale="ur"):
    """(household, citizen, supervisor): submitted through the questionnaire (revision 1) and, for a verified
    one, approved by a supervisor of its district. Flushed, not committed."""
    cnic = cnic_for()
    household = make_household(session, area=area, status=HouseholdStatus.DRAFT, head_cnic=cnic,
                               members=[dict(FAMILY[0], cnic=cnic), FAMILY[1]], sections_saved=dict(SECTIONS_SAVED),
                               **ANSWERS)
    citizen = make_user(session, cnic=cnic, household=household, mobile=mobile, locale=locale)
    supervisor = make_user(session, role=Role.SUPERVISOR, area=household.area.parent if household.area.level == "tehsil" else household.area)
    enumerator = make_user(session, role=Role.ENUMERATOR, area=household.area)
    assert questionnaire.submit(session, ctx, household, expected_version=household.version, actor=enumerator).ok
    if status == HouseholdStatus.VERIFIED:
        assert review.approve(session, ctx, household, expected_version=household.version, actor=supervisor).ok
    session.flush()
    return household, citizen, supervisor


def reload(session, household: Household) -> Household:
    """The household as committed now, its members and area loaded; the read's transaction is ended, so a
    test client's request may write (SQLite locks the file while a reader is open)."""
    session.expire_all()
    fresh = session.get(Household, household.id)
    fresh.members, fresh.area  # noqa: B018 (loaded before the transaction ends)
    if not session.new and not session.dirty:
        expire, session.expire_on_commit = session.expire_on_commit, False
        session.commit()
        session.expire_on_commit = expire
    return fresh
