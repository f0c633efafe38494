"""Disaster response: an event over some districts and tehsils, its households ranked by vulnerability
(domain.disaster, compiled here to SQL), relief recorded once per household, and the counts served and left.

The ranking of an area reads only the columns of ix_households_area_vulnerability, so PostgreSQL ranks a
tehsil from the index alone; the names and addresses of the one page shown are read afterwards, by id.
Relief is one INSERT … ON CONFLICT DO NOTHING on the (event, household) unique key: a second recording, or
two at the same instant, leaves one row, and the served count (relief_counts) is added to in the same
transaction only for the rows actually inserted."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, cast, delete, func, insert, literal, or_, select, text, tuple_
from sqlalchemy import Integer as SqlInteger
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..domain import disaster as rules
from ..domain.cnic import mask_cnic
from ..domain.disaster import ReliefCriteria
from ..models import (Area, DisasterEvent, DisasterEventArea, Household, HouseholdCount, HouseholdMember, ReliefCount,
                      ReliefDelivery)
from ..models.summary import NONE_KEY
from . import audit
from .area_tree import area_tree
from .context import ServiceContext
from .keyset import AFTER, Keyset, decode_cursor, encode_cursor

PAGE_SIZE = 50
# A cursor carries the last row's (-vulnerability, id) and its place in the list (for the rank numbers).
RANK_CURSOR = Keyset(columns=(), kinds=(int, int, int))


class DisasterError(ValueError):
    """A request the planner can correct; `message` is an English msgid."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- the event ----------------------------------------------------------------------------------------


def expand_areas(session: Session, area_ids: Iterable[int]) -> list[int]:
    """The household area ids an event covers: each chosen district with its tehsils (a household may
    still name only its district), each chosen tehsil itself."""
    tree = area_tree(session)
    found: set[int] = set()
    for area_id in area_ids:
        found.update(tree.descendants(area_id))
    return sorted(found)


def create_event(session: Session, ctx: ServiceContext, *, actor_id: int | None, name_en: str, name_ur: str,
                 kind: str, area_ids: Iterable[int], criteria: ReliefCriteria) -> DisasterEvent:
    chosen = sorted(set(area_ids))
    if not chosen:
        raise DisasterError("Choose at least one district or tehsil.")
    tree = area_tree(session)
    if any(tree.level.get(a) not in ("district", "tehsil") for a in chosen):
        raise DisasterError("Choose districts and tehsils only.")
    if kind not in rules.EVENT_KINDS:
        raise DisasterError("Choose the kind of disaster.")
    event = DisasterEvent(name_en=name_en.strip(), name_ur=name_ur.strip(), kind=kind, state=rules.OPEN,
                          criteria=criteria.as_dict(), created_by=actor_id, created_at=ctx.now(),
                          areas=[DisasterEventArea(area_id=a) for a in chosen])
    session.add(event)
    session.flush()
    audit.record(session, ctx, "disaster.create", actor_id=actor_id, outcome=str(event.id),
                 detail={"areas": chosen, "criteria": event.criteria})
    return event


def set_event_state(session: Session, ctx: ServiceContext, event: DisasterEvent, state: str, *,
                    actor_id: int | None) -> None:
    event.state = state
    event.closed_at = ctx.now() if state == rules.CLOSED else None
    audit.record(session, ctx, f"disaster.{state}", actor_id=actor_id, outcome=str(event.id))


def events(session: Session) -> list[DisasterEvent]:
    """Open events first, the latest first."""
    return list(session.scalars(select(DisasterEvent).order_by(
        case((DisasterEvent.state == rules.OPEN, 0), else_=1), DisasterEvent.created_at.desc(), DisasterEvent.id.desc())))


def event_area_ids(event: DisasterEvent) -> list[int]:
    return sorted(a.area_id for a in event.areas)


@dataclass(frozen=True)
class EventScope:
    """What a list needs of its event, as plain values (an export streams after the request's session)."""

    event_id: int
    household_areas: tuple[int, ...]  # the chosen areas and every area below them


def scope_of(session: Session, event: DisasterEvent) -> EventScope:
    return EventScope(event.id, tuple(expand_areas(session, event_area_ids(event))))


# --- ranking ------------------------------------------------------------------------------------------


def _capped(column, cap: int):
    value = func.coalesce(column, 0)
    return case((value > cap, cap), else_=value)


def vulnerability_sql():
    """domain.disaster.vulnerability_hundredths as SQL, over the columns of ix_households_area_vulnerability."""
    h = Household
    base = cast(func.round((100 - func.coalesce(h.score, rules.NEUTRAL_SCORE)) * 100), SqlInteger)
    head = or_(h.facts_head_sex == "female", h.facts_head_marital_status == "widowed")
    points = (rules.WEIGHT_DISABLED * _capped(h.facts_disabled_count, rules.CAP_DISABLED)
              + rules.WEIGHT_ELDERLY * _capped(h.facts_elderly_count, rules.CAP_ELDERLY)
              + rules.WEIGHT_UNDER5 * _capped(h.facts_under5_count, rules.CAP_UNDER5)
              + case((head, rules.WEIGHT_FEMALE_OR_WIDOWED_HEAD), else_=0))
    return base + 100 * points


def criteria_sql(criteria: ReliefCriteria) -> list:
    """domain.disaster.ReliefCriteria.admits as SQL filters."""
    h = Household
    where = []
    if criteria.verified_only:
        where.append(h.status == "verified")
    if criteria.min_under5:
        where.append(func.coalesce(h.facts_under5_count, 0) >= criteria.min_under5)
    if criteria.with_disability:
        where.append(func.coalesce(h.facts_disabled_count, 0) > 0)
    if criteria.with_elderly:
        where.append(func.coalesce(h.facts_elderly_count, 0) > 0)
    if criteria.female_or_widowed_head:
        where.append(or_(h.facts_head_sex == "female", h.facts_head_marital_status == "widowed"))
    if criteria.score_below is not None:
        where.append(h.score < criteria.score_below)
    return where


@dataclass
class RankedHousehold:
    rank: int
    household_id: int
    vulnerability: int  # hundredths
    area_id: int | None
    status: str
    score: float | None
    band: str | None
    member_count: int | None
    under5: int | None
    elderly: int | None
    disabled: int | None
    female_or_widowed_head: bool
    head_name: str | None
    cnic_masked: str
    village: str | None
    address: str | None
    served_at: datetime | None = None
    head_cnic: str = field(default="", repr=False)  # for the audit entry only, never shown

    @property
    def vulnerability_points(self) -> float:
        return self.vulnerability / 100


@dataclass
class RankedPage:
    rows: list[RankedHousehold]
    next_cursor: str | None
    first_page: bool


def rank_page(session: Session, scope: EventScope, criteria: ReliefCriteria, cursor: str | None = None, *,
              limit: int = PAGE_SIZE) -> RankedPage:
    """One page of the event's households, the most vulnerable first (BadCursor for a forged cursor)."""
    vulnerability = vulnerability_sql().label("vulnerability")
    order = (-vulnerability_sql()).label("order_key")
    query = (select(Household.id, vulnerability, order)
             .where(Household.area_id.in_(scope.household_areas), *criteria_sql(criteria)))
    start = 0
    if cursor:
        _direction, (last_order, last_id, start) = decode_cursor(cursor, RANK_CURSOR)
        query = query.where(tuple_(-vulnerability_sql(), Household.id) > tuple_(literal(last_order), literal(last_id)))
    ranked = session.execute(query.order_by(order, Household.id).limit(limit + 1)).all()
    more = len(ranked) > limit
    ranked = ranked[:limit]
    details = _details(session, scope.event_id, [r.id for r in ranked])
    rows = [_ranked_row(start + i + 1, r.id, r.vulnerability, details[r.id]) for i, r in enumerate(ranked)]
    next_cursor = (encode_cursor(AFTER, (-ranked[-1].vulnerability, ranked[-1].id, start + len(ranked)), RANK_CURSOR)
                   if more else None)
    return RankedPage(rows, next_cursor, first_page=not cursor)


def _details(session: Session, event_id: int, ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    h = Household
    head_name = (select(func.min(HouseholdMember.name)).where(HouseholdMember.household_id == h.id,
                                                               HouseholdMember.relation == "head")
                 .correlate(h).scalar_subquery())
    query = (select(h.id, h.area_id, h.status, h.score, h.score_band, h.facts_member_count, h.facts_under5_count,
                    h.facts_elderly_count, h.facts_disabled_count, h.facts_head_sex, h.facts_head_marital_status,
                    h.head_cnic, h.village, h.address, head_name.label("head_name"),
                    ReliefDelivery.delivered_at)
             .outerjoin(ReliefDelivery, and_(ReliefDelivery.household_id == h.id, ReliefDelivery.event_id == event_id))
             .where(h.id.in_(ids)))
    return {row.id: row._asdict() for row in session.execute(query)}


def _ranked_row(rank: int, household_id: int, vulnerability: int, d: dict) -> RankedHousehold:
    return RankedHousehold(
        rank=rank, household_id=household_id, vulnerability=int(vulnerability), area_id=d["area_id"],
        status=d["status"], score=d["score"], band=d["score_band"], member_count=d["facts_member_count"],
        under5=d["facts_under5_count"], elderly=d["facts_elderly_count"], disabled=d["facts_disabled_count"],
        female_or_widowed_head=rules.female_or_widowed_head(d["facts_head_sex"], d["facts_head_marital_status"]),
        head_name=d["head_name"], cnic_masked=mask_cnic(d["head_cnic"]), village=d["village"], address=d["address"],
        served_at=d["delivered_at"], head_cnic=d["head_cnic"])


def iter_ranked(session: Session, scope: EventScope, criteria: ReliefCriteria, *,
                chunk: int = 1000) -> Iterator[RankedHousehold]:
    """Every household of the list in order, a chunk at a time (an export keeps its memory flat)."""
    cursor = None
    while True:
        page = rank_page(session, scope, criteria, cursor, limit=chunk)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def audit_list_read(session: Session, ctx: ServiceContext, *, actor_id: int | None, event: DisasterEvent,
                    rows: list[RankedHousehold], how: str, criteria: ReliefCriteria | None = None) -> None:
    """A relief list shows heads' names and masked CNICs: one audit entry per read, naming the households
    shown (a page, a printed sheet), or, for a whole export, the criteria that chose them."""
    detail = {"event": event.id, "households": [r.household_id for r in rows]}
    if criteria is not None:
        detail["criteria"] = criteria.as_dict()
    audit.record(session, ctx, "disaster.list", actor_id=actor_id, outcome=how, detail=detail)


# --- counts -------------------------------------------------------------------------------------------


@dataclass
class AreaCounts:
    area_id: int
    affected: int
    served: int

    @property
    def left(self) -> int:
        return self.affected - self.served


def counts_by_area(session: Session, scope: EventScope, criteria: ReliefCriteria) -> list[AreaCounts]:
    """Per household area of the event: households on the list (affected), served, and left to serve. With no
    criteria every household of the areas is on the list, so the summary tables answer (household_counts,
    relief_counts); criteria need the households themselves (one index range per area)."""
    if not criteria.as_dict():
        return _counts_from_summaries(session, scope)
    h = Household
    query = (select(h.area_id, func.count(), func.count(ReliefDelivery.id))
             .outerjoin(ReliefDelivery, and_(ReliefDelivery.household_id == h.id,
                                             ReliefDelivery.event_id == scope.event_id))
             .where(h.area_id.in_(scope.household_areas), *criteria_sql(criteria))
             .group_by(h.area_id).order_by(h.area_id))
    return [AreaCounts(area_id, int(n), int(served)) for area_id, n, served in session.execute(query)]


def _counts_from_summaries(session: Session, scope: EventScope) -> list[AreaCounts]:
    affected = dict(session.execute(
        select(HouseholdCount.area_key, func.sum(HouseholdCount.households))
        .where(HouseholdCount.area_key.in_(scope.household_areas)).group_by(HouseholdCount.area_key)).tuples().all())
    served = served_by_area(session, scope.event_id)
    return [AreaCounts(area_id, int(n), served.get(area_id, 0)) for area_id, n in sorted(affected.items()) if n]


# --- relief -------------------------------------------------------------------------------------------


@dataclass
class ReliefOutcome:
    recorded: list[int] = field(default_factory=list)
    already: dict[int, datetime] = field(default_factory=dict)  # household id -> when it was served
    refused: list[int] = field(default_factory=list)  # not a household of the event's areas


def _dialect_insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def add_served(session: Session, served: Counter) -> None:
    """Add to relief_counts (+n per (event, area)), in key order so two writers lock rows in one order."""
    rows = [{"event_id": e, "area_key": a, "served": n} for (e, a), n in sorted(served.items()) if n]
    if not rows:
        return
    statement = _dialect_insert(session)(ReliefCount).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=["event_id", "area_key"], set_={"served": ReliefCount.served + statement.excluded.served}))


def record_relief(session: Session, ctx: ServiceContext, event: DisasterEvent, household_ids: Iterable[int], *,
                  actor_id: int | None, items: str, note: str | None = None) -> ReliefOutcome:
    """Relief given to these households in this event, once each: a household already served is reported
    with the time it was, not recorded again, whoever recorded it first."""
    if event.state != rules.OPEN:
        raise DisasterError("This event is closed: no more relief can be recorded for it.")
    wanted = sorted(set(household_ids))
    outcome = ReliefOutcome()
    if not wanted:
        return outcome
    inside = expand_areas(session, event_area_ids(event))
    found = {row.id: row for row in session.execute(
        select(Household.id, Household.area_id, Household.head_cnic)
        .where(Household.id.in_(wanted), Household.area_id.in_(inside)))}
    outcome.refused = [i for i in wanted if i not in found]
    now = ctx.now()
    rows = [{"event_id": event.id, "household_id": i, "area_key": found[i].area_id or NONE_KEY, "delivered_at": now,
             "delivered_by": actor_id, "items": items.strip(), "note": (note or "").strip() or None}
            for i in wanted if i in found]
    if rows:
        statement = (_dialect_insert(session)(ReliefDelivery).values(rows)
                     .on_conflict_do_nothing(index_elements=["event_id", "household_id"])
                     .returning(ReliefDelivery.household_id, ReliefDelivery.area_key))
        inserted = session.execute(statement).all()
        outcome.recorded = sorted(r.household_id for r in inserted)
        add_served(session, Counter((event.id, r.area_key) for r in inserted))
    missed = [r["household_id"] for r in rows if r["household_id"] not in set(outcome.recorded)]
    if missed:
        outcome.already = dict(session.execute(
            select(ReliefDelivery.household_id, ReliefDelivery.delivered_at)
            .where(ReliefDelivery.event_id == event.id, ReliefDelivery.household_id.in_(missed))).tuples().all())
    for household_id in outcome.recorded:
        audit.record(session, ctx, "relief.record", actor_id=actor_id, cnic=found[household_id].head_cnic,
                     outcome=str(household_id), detail={"event": event.id}, household_id=household_id)
    return outcome


def served_by_area(session: Session, event_id: int) -> dict[int, int]:
    """The served counts of one event per household area, from the summary table."""
    return {a: int(n) for a, n in session.execute(
        select(ReliefCount.area_key, ReliefCount.served).where(ReliefCount.event_id == event_id))}


def area_names(session: Session, area_ids: Iterable[int], locale: str) -> dict[int, str]:
    ids = list(set(area_ids))
    if not ids:
        return {}
    return {a.id: a.name(locale) for a in session.scalars(select(Area).where(Area.id.in_(ids)))}


def rebuild_relief_counts(session: Session) -> None:
    """Count relief_counts again from relief_deliveries (part of the repair `flask summaries rebuild`)."""
    if session.get_bind().dialect.name == "postgresql":
        # As rebuild_summaries does: a recording waits until the recount commits, then adds its own on top.
        session.execute(text("LOCK TABLE relief_counts IN EXCLUSIVE MODE"))
    session.execute(delete(ReliefCount))
    session.execute(insert(ReliefCount).from_select(
        ["event_id", "area_key", "served"],
        select(ReliefDelivery.event_id, ReliefDelivery.area_key, func.count())
        .group_by(ReliefDelivery.event_id, ReliefDelivery.area_key)))
