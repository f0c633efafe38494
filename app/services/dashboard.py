"""The planners' dashboard on /admin/: coverage by district, complaint states and relief served, read only
from summary tables (household_counts, complaint_counts, relief_counts) and small reference tables (areas,
disaster_events), never from the registry itself, so a page view costs the same at 1 or 20 million
households."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.household_status import HouseholdStatus
from ..models import Area, DisasterEvent, HouseholdCount, ReliefCount
from . import summaries
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
    return {a.id: a.name(locale) for a in session.scalars(select(Area).where(Area.level == "district"))}


def coverage_by_district(session: Session, locale: str, *, unplaced_name: str = "") -> list[DistrictCoverage]:
    """Registered, surveyed and verified households per district, the most registered first."""
    tree = area_tree(session)
    names = _district_names(session, locale)
    found: dict[int | None, DistrictCoverage] = {}
    for area_key, status, n in session.execute(
            select(HouseholdCount.area_key, HouseholdCount.status, HouseholdCount.households)):
        if not n:
            continue
        district = tree.district_of(area_key) if area_key in tree else None
        row = found.get(district)
        if row is None:
            row = found[district] = DistrictCoverage(district, names.get(district, unplaced_name))
        row.registered += n
        if status in SURVEYED:
            row.surveyed += n
        if status == HouseholdStatus.VERIFIED:
            row.verified += n
    return sorted(found.values(), key=lambda r: (-r.registered, r.name))


def complaints_by_state(session: Session) -> dict[str, int]:
    return summaries.complaint_figures(session).by_state


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
