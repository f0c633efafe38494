"""Households as the scorer and the facts refresh left them, and a disaster event over some areas."""
from __future__ import annotations

from datetime import date

from app.domain.disaster import ReliefCriteria
from app.services import disaster
from app.services.areas import find_area
from tests.factories import make_household

# Ages on the day the facts are counted (tests/services/conftest.FIXED_NOW is in 2026).
ADULT, CHILD_UNDER_5, ELDER = date(1985, 1, 1), date(2024, 6, 1), date(1950, 1, 1)


def scored_household(session, *, area="TSL-LHR-01", score=None, status="verified", head_sex="male",
                     head_marital="married", under5=0, elderly=0, disabled=0, head_name="Head", **fields):
    """A household with a real member roster whose facts_* are counted by the service, and the score the
    scorer left (set directly: scoring is another engineer's)."""
    from app.services.household_facts import refresh

    members = [{"name": head_name, "relation": "head", "sex": head_sex, "dob": ADULT, "marital_status": head_marital,
                "disability": "visual" if disabled else "none"}]
    members += [{"name": f"Child {i}", "relation": "son", "dob": CHILD_UNDER_5} for i in range(under5)]
    members += [{"name": f"Elder {i}", "relation": "father", "dob": ELDER, "marital_status": "married"}
                for i in range(elderly)]
    members += [{"name": f"Disabled {i}", "relation": "brother", "dob": ADULT, "marital_status": "never_married",
                 "disability": "hearing"} for i in range(max(disabled - 1, 0))]
    household = make_household(session, area=area, status=status, members=members, **fields)
    refresh(session, household, date(2026, 3, 2))
    household.score = score
    household.score_band = None if score is None else ("ultra_poor" if score < 16.17 else "poor" if score < 32 else "other")
    session.flush()
    return household


def flood(session, ctx, *areas: str, criteria: ReliefCriteria | None = None, actor_id=None):
    return disaster.create_event(session, ctx, actor_id=actor_id, name_en="Flood 2026", name_ur="سیلاب ۲۰۲۶",
                                 kind="flood", area_ids=[find_area(session, a).id for a in areas],
                                 criteria=criteria or ReliefCriteria())
