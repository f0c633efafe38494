"""The planners' dashboard on /admin/: coverage by district, complaint states and relief served, read only
from summary tables (household_counts, complaint_counts, relief_counts) and small reference tables (areas,
disaster_events), never from the registry itself, so a page view costs the same at 1 or 20 million
households."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from ..domain.household_status import HouseholdStatus
from ..models import Area, ComplaintCount, DisasterEvent, HouseholdCount, ReliefCount
from .area_tree import area_tree

# A household is "surveyed" once its questionnaire reached a supervisor, whatever the supervisor decided.
SURVEYED = frozenset({HouseholdStatus.SUBMITTED, HouseholdStatus.RETURNED, HouseholdStatus.VERIFIED,
                      HouseholdStatus.REJECTED})


@dataclass
class DistrictCoverage:
    district_id: int | None  # None: households that name no district yet
    name: str
    registered: int = 0  # every household record, whatever its state
    surveyed: int = 0
    verified: int = 0


def _district_names(session: Session, locale: str) -> dict[int, str]:
    name = Area.name_ur if locale == "ur" else Area.name_en
    return dict(session.execute(select(Area.id, name).where(Area.level == "district")).tuples().all())


def coverage_by_district(session: Session, locale: str, *, unplaced_name: str = "") -> list[DistrictCoverage]:
    """Registered, surveyed and verified households per district, the most registered first: one statement
    over household_counts (an area and status a row) and the areas, answering one row per district."""
    area, district_area = aliased(Area), aliased(Area)
    district = case((area.level == "tehsil", area.parent_id), (area.level == "district", area.id))
    name = district_area.name_ur if locale == "ur" else district_area.name_en
    n = HouseholdCount.households
    query = (select(district_area.id, name, func.sum(n),
                    func.sum(case((HouseholdCount.status.in_([str(s) for s in SURVEYED]), n), else_=0)),
                    func.sum(case((HouseholdCount.status == HouseholdStatus.VERIFIED.value, n), else_=0)))
             .select_from(HouseholdCount).outerjoin(area, area.id == HouseholdCount.area_key)
             .outerjoin(district_area, district_area.id == district).group_by(district_area.id, name))
    rows = [DistrictCoverage(district_id, district_name or unplaced_name, int(registered or 0), int(surveyed or 0),
                             int(verified or 0))
            for district_id, district_name, registered, surveyed, verified in session.execute(query)]
    return sorted((r for r in rows if r.registered), key=lambda r: (-r.registered, r.name))


def complaints_by_state(session: Session) -> dict[str, int]:
    """Complaints per state (complaint_counts: a few hundred rows whatever the number of complaints)."""
    query = select(ComplaintCount.state, func.sum(ComplaintCount.complaints)).group_by(ComplaintCount.state)
    return {state: int(n) for state, n in session.execute(query) if n}


@dataclass
class EventServed:
    event_id: int
    name: str
    state: str
    served: int = 0
    by_district: list[tuple[str, int]] = field(default_factory=list)


def relief_served(session: Session, locale: str, *, limit: int = 10) -> list[EventServed]:
    """Households served in the latest events (open ones first), in total and per district."""
    events = session.scalars(select(DisasterEvent).order_by(
        (DisasterEvent.state == "open").desc(), DisasterEvent.created_at.desc(), DisasterEvent.id.desc())
        .limit(limit)).all()
    if not events:
        return []
    tree = area_tree(session)
    names = _district_names(session, locale)
    per_event: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for event_id, area_key, served in session.execute(
            select(ReliefCount.event_id, ReliefCount.area_key, ReliefCount.served)
            .where(ReliefCount.event_id.in_([e.id for e in events]))):
        per_event[event_id][tree.district_of(area_key) if area_key in tree else None] += served
    found = []
    for event in events:
        districts = per_event.get(event.id, {})
        found.append(EventServed(event.id, event.name(locale), event.state, sum(districts.values()),
                                 sorted(((names.get(d, ""), n) for d, n in districts.items() if n),
                                        key=lambda pair: (-pair[1], pair[0]))))
    return found
