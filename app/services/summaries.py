"""Summary counts kept by the write path, in the same transaction as the change they count: households by
area and status, users by role, complaints by district, state, category and officer, and how long resolved
complaints took. Home pages and dashboards read these few rows instead of scanning the registry.

ORM writes are counted by mapper events (inserts, deletes, and changes of the counted columns) and applied
as +n/-n upserts at the end of each flush. Bulk statements bypass those events: a set-based writer applies
its own deltas (see complaints.escalate_overdue), and bulk loads end with `rebuild_summaries`, which is also
the repair command `flask summaries rebuild`."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import Date, Float, Integer, cast, delete, event, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from ..domain.complaints import OPEN_STATES, ComplaintState
from ..domain.household_status import HouseholdStatus
from ..models import (Complaint, ComplaintCount, ComplaintResolveTime, Household, HouseholdCount, OpenComplaintDeadline,
                      User, UserCount)
from ..models.summary import NONE_KEY
from .area_tree import area_tree

_PENDING = "pser_summary_deltas"


# --- what a change adds and removes -------------------------------------------------------------------


def _old_and_new(target, key: str):
    """The value before this flush and the value it writes (active_history keeps the old one loaded)."""
    history = instance_state(target).attrs[key].history
    if not history.has_changes():
        value = getattr(target, key)
        return value, value
    return (history.deleted[0] if history.deleted else None), (history.added[0] if history.added else None)


def _household_key(area_id, status) -> tuple:
    return (area_id or NONE_KEY, status or HouseholdStatus.REGISTERED)


def _complaint_key(district_id, state, category, assignee_id) -> tuple:
    return (district_id or NONE_KEY, state or ComplaintState.NEW, category, assignee_id or NONE_KEY)


def resolve_hours(created_at, resolved_at) -> float:
    return max((resolved_at - created_at).total_seconds() / 3600, 0.0)


def _pending(target) -> dict[str, Counter]:
    session = object_session(target)
    return session.info.setdefault(_PENDING, {"households": Counter(), "users": Counter(), "complaints": Counter(),
                                              "resolve": Counter(), "resolve_hours": Counter(), "deadlines": Counter()})


def _count_deadline(pending, district_id, state, deadline_at, sign: int) -> None:
    if state in OPEN_STATES and deadline_at is not None:
        pending["deadlines"][(district_id or NONE_KEY, deadline_at.astimezone(UTC).date())] += sign


def _count_resolution(pending, district_id, created_at, resolved_at, sign: int) -> None:
    if resolved_at is None or created_at is None:
        return
    hours = resolve_hours(created_at, resolved_at)
    key = (district_id or NONE_KEY, int(hours))
    pending["resolve"][key] += sign
    pending["resolve_hours"][key] += sign * hours


def _set_household_district(connection: Connection, target: Household) -> None:
    """The write path keeps `district_id` (and `visit_requested`) in step with the area (and a visit request)."""
    target.visit_requested = target.resurvey_requested_at is not None
    target.district_id = (area_tree(connection, must_have=target.area_id).district_of(target.area_id)
                          if target.area_id is not None else None)


def _household_inserted(_mapper, connection, target: Household) -> None:
    _set_household_district(connection, target)
    _pending(target)["households"][_household_key(target.area_id, target.status)] += 1


def _household_updated(_mapper, connection, target: Household) -> None:
    old_area, new_area = _old_and_new(target, "area_id")
    old_status, new_status = _old_and_new(target, "status")
    if old_area != new_area or target.district_id is None and new_area is not None:
        _set_household_district(connection, target)
    target.visit_requested = target.resurvey_requested_at is not None
    if (old_area, old_status) != (new_area, new_status):
        counts = _pending(target)["households"]
        counts[_household_key(old_area, old_status)] -= 1
        counts[_household_key(new_area, new_status)] += 1


def _household_deleted(_mapper, _connection, target: Household) -> None:
    old_area, _ = _old_and_new(target, "area_id")
    old_status, _ = _old_and_new(target, "status")
    _pending(target)["households"][_household_key(old_area, old_status)] -= 1


def _user_inserted(_mapper, _connection, target: User) -> None:
    _pending(target)["users"][(target.role,)] += 1


def _user_updated(_mapper, _connection, target: User) -> None:
    old, new = _old_and_new(target, "role")
    if old != new:
        counts = _pending(target)["users"]
        counts[(old,)] -= 1
        counts[(new,)] += 1


def _user_deleted(_mapper, connection, target: User) -> None:
    old, _ = _old_and_new(target, "role")
    pending = _pending(target)
    pending["users"][(old,)] -= 1
    # The database sets complaints.assigned_to_id to NULL (ON DELETE SET NULL), out of the ORM's sight.
    district_key = func.coalesce(Complaint.district_id, NONE_KEY)
    for district, state, category, n in connection.execute(
            select(district_key, Complaint.state, Complaint.category, func.count())
            .where(Complaint.assigned_to_id == target.id).group_by(district_key, Complaint.state, Complaint.category)):
        pending["complaints"][(district, state, category, target.id)] -= n
        pending["complaints"][(district, state, category, NONE_KEY)] += n
    # Complaints this session holds learn of it too, so that a later change of one counts from "nobody".
    for held in list(object_session(target).identity_map.values()):
        if isinstance(held, Complaint) and held.assigned_to_id == target.id:
            set_committed_value(held, "assigned_to_id", None)


_COMPLAINT_KEYS = ("district_id", "state", "category", "assigned_to_id")


def _complaint_inserted(_mapper, _connection, target: Complaint) -> None:
    pending = _pending(target)
    pending["complaints"][_complaint_key(*(getattr(target, k) for k in _COMPLAINT_KEYS))] += 1
    _count_resolution(pending, target.district_id, target.created_at, target.resolved_at, +1)
    _count_deadline(pending, target.district_id, target.state or ComplaintState.NEW, target.deadline_at, +1)


def _complaint_updated(_mapper, _connection, target: Complaint) -> None:
    pairs = [_old_and_new(target, key) for key in _COMPLAINT_KEYS]
    old, new = tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    pending = _pending(target)
    if old != new:
        pending["complaints"][_complaint_key(*old)] -= 1
        pending["complaints"][_complaint_key(*new)] += 1
    old_deadline, new_deadline = _old_and_new(target, "deadline_at")
    if (old[0], old[1], old_deadline) != (new[0], new[1], new_deadline):
        _count_deadline(pending, old[0], old[1], old_deadline, -1)
        _count_deadline(pending, new[0], new[1], new_deadline, +1)
    old_resolved, new_resolved = _old_and_new(target, "resolved_at")
    if old_resolved != new_resolved or old[0] != new[0]:
        _count_resolution(pending, old[0], target.created_at, old_resolved, -1)
        _count_resolution(pending, new[0], target.created_at, new_resolved, +1)


def _complaint_deleted(_mapper, _connection, target: Complaint) -> None:
    pending = _pending(target)
    old = tuple(_old_and_new(target, key)[0] for key in _COMPLAINT_KEYS)
    pending["complaints"][_complaint_key(*old)] -= 1
    _count_resolution(pending, old[0], target.created_at, _old_and_new(target, "resolved_at")[0], -1)
    _count_deadline(pending, old[0], old[1], _old_and_new(target, "deadline_at")[0], -1)


def _forget_pending(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)  # left over from a flush that failed


def _apply_pending(session: Session, _flush_context) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        apply_deltas(session.connection(), pending)


# --- applying deltas ------------------------------------------------------------------------------------


def _upsert(connection: Connection, table, keys: tuple[str, ...], values: dict[tuple, tuple]) -> None:
    """Add each row's values to the stored ones (insert when new), in key order so that two transactions
    lock the same rows in the same order."""
    value_columns = [c.name for c in table.columns if c.name not in keys]
    rows = [dict(zip(keys, key), **dict(zip(value_columns, vals))) for key, vals in sorted(values.items())
            if any(vals)]
    if not rows:
        return
    dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={c: table.c[c] + statement.excluded[c] for c in value_columns})
    connection.execute(statement)


def apply_deltas(connection: Connection, pending: dict[str, Counter]) -> None:
    """Apply +n/-n changes (as collected by the listeners, or computed by a set-based writer)."""
    _upsert(connection, HouseholdCount.__table__, ("area_key", "status"),
            {k: (n,) for k, n in pending.get("households", {}).items()})
    _upsert(connection, UserCount.__table__, ("role",), {k: (n,) for k, n in pending.get("users", {}).items()})
    _upsert(connection, ComplaintCount.__table__, ("district_key", "state", "category", "assignee_key"),
            {k: (n,) for k, n in pending.get("complaints", {}).items()})
    _upsert(connection, OpenComplaintDeadline.__table__, ("district_key", "deadline_day"),
            {k: (n,) for k, n in pending.get("deadlines", {}).items()})
    resolve, hours = pending.get("resolve", {}), pending.get("resolve_hours", {})
    _upsert(connection, ComplaintResolveTime.__table__, ("district_key", "hours"),
            {k: (n, hours.get(k, 0.0)) for k, n in resolve.items()})


def bulk_deltas(*, households: Iterable[tuple[int | None, str]] = (), users: Iterable[str] = (),
                complaints: Iterable[dict] = ()) -> dict[str, Counter]:
    """The +n deltas of rows a set-based writer inserted (the bulk loader, the demo's complaints): households as
    (area_id, status), users as their role, complaints as row dicts. Apply them with `apply_deltas` in the
    writer's transaction, as the listeners do for ORM writes."""
    pending: dict[str, Counter] = {"households": Counter(), "users": Counter(), "complaints": Counter(),
                                   "resolve": Counter(), "resolve_hours": Counter(), "deadlines": Counter()}
    for area_id, status in households:
        pending["households"][_household_key(area_id, status)] += 1
    for role in users:
        pending["users"][(role,)] += 1
    for row in complaints:
        pending["complaints"][_complaint_key(*(row.get(k) for k in _COMPLAINT_KEYS))] += 1
        _count_resolution(pending, row.get("district_id"), row.get("created_at"), row.get("resolved_at"), +1)
        _count_deadline(pending, row.get("district_id"), row.get("state") or ComplaintState.NEW,
                        row.get("deadline_at"), +1)
    return pending


def listen() -> None:
    """Register the listeners (once per process; every session of every engine)."""
    if event.contains(Household, "before_insert", _household_inserted):
        return
    for model, inserted, updated, deleted in ((Household, _household_inserted, _household_updated, _household_deleted),
                                              (User, _user_inserted, _user_updated, _user_deleted),
                                              (Complaint, _complaint_inserted, _complaint_updated, _complaint_deleted)):
        event.listen(model, "before_insert", inserted)
        event.listen(model, "before_update", updated)
        event.listen(model, "before_delete", deleted)
    event.listen(Session, "before_flush", _forget_pending)
    event.listen(Session, "after_flush", _apply_pending)


# --- rebuilding -----------------------------------------------------------------------------------------


def _hours_between(session: Session, start, end):
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def rebuild_summaries(session: Session) -> None:
    """Count everything again, set-based (a few statements whatever the size). After a bulk load, or to
    repair counts a bulk statement bypassed. The caller commits."""
    session.flush()
    tables = (HouseholdCount, UserCount, ComplaintCount, ComplaintResolveTime, OpenComplaintDeadline)
    if session.get_bind().dialect.name == "postgresql":
        # Writers wait until the recount commits, then add their own change on top: a writer that has not
        # committed is not in the recount, and one that has is counted once (SQLite locks the whole file).
        session.execute(text("LOCK TABLE " + ", ".join(t.__tablename__ for t in tables) + " IN EXCLUSIVE MODE"))
    for table in tables:
        session.execute(delete(table))
    area_key = func.coalesce(Household.area_id, NONE_KEY)
    session.execute(insert(HouseholdCount).from_select(
        ["area_key", "status", "households"],
        select(area_key, Household.status, func.count()).group_by(area_key, Household.status)))
    session.execute(insert(UserCount).from_select(
        ["role", "users"], select(User.role, func.count()).group_by(User.role)))
    district_key = func.coalesce(Complaint.district_id, NONE_KEY)
    assignee_key = func.coalesce(Complaint.assigned_to_id, NONE_KEY)
    session.execute(insert(ComplaintCount).from_select(
        ["district_key", "state", "category", "assignee_key", "complaints"],
        select(district_key, Complaint.state, Complaint.category, assignee_key, func.count())
        .group_by(district_key, Complaint.state, Complaint.category, assignee_key)))
    if session.get_bind().dialect.name == "postgresql":
        day = cast(func.timezone("UTC", Complaint.deadline_at), Date)
    else:
        day = func.date(Complaint.deadline_at)
    session.execute(insert(OpenComplaintDeadline).from_select(
        ["district_key", "deadline_day", "complaints"],
        select(district_key, day, func.count()).where(Complaint.state.in_([str(s) for s in OPEN_STATES]))
        .group_by(district_key, day)))
    hours = func.greatest if session.get_bind().dialect.name == "postgresql" else func.max
    hours = hours(_hours_between(session, Complaint.created_at, Complaint.resolved_at), 0.0)
    bucket = cast(func.floor(hours), Integer) if session.get_bind().dialect.name == "postgresql" else cast(hours, Integer)
    resolved = (select(district_key.label("district_key"), bucket.label("hours"), cast(hours, Float).label("h"))
                .where(Complaint.resolved_at.is_not(None)).subquery())
    session.execute(insert(ComplaintResolveTime).from_select(
        ["district_key", "hours", "complaints", "total_hours"],
        select(resolved.c.district_key, resolved.c.hours, func.count(), func.sum(resolved.c.h))
        .group_by(resolved.c.district_key, resolved.c.hours)))


# --- reading --------------------------------------------------------------------------------------------


def households_by_status(session: Session, area_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Households per status within the areas (all of Punjab when None), every status present."""
    query = select(HouseholdCount.status, func.sum(HouseholdCount.households)).group_by(HouseholdCount.status)
    if area_ids is not None:
        query = query.where(HouseholdCount.area_key.in_(list(area_ids)))
    counts = {status: int(n or 0) for status, n in session.execute(query)}
    return {status.value: counts.get(status.value, 0) for status in HouseholdStatus}


def users_by_role(session: Session) -> dict[str, int]:
    return {role: int(n) for role, n in session.execute(select(UserCount.role, UserCount.users))}


@dataclass
class ComplaintFigures:
    by_category: dict[str, int]  # open complaints
    by_state: dict[str, int]
    workload: dict[int, int]  # officer id -> open complaints
    median_hours_to_resolve: float | None


def _median(buckets: list[tuple[int, int, float]]) -> float | None:
    """The median of a histogram of whole hours, each bucket standing at its own mean."""
    total = sum(n for _, n, _ in buckets)
    if total <= 0:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the middle two
    found, seen = [], 0
    for _, n, hours in sorted(buckets):
        if n <= 0:
            continue
        while wanted and wanted[0] < seen + n:
            found.append(hours / n)
            wanted.pop(0)
        seen += n
    return sum(found) / len(found)


def complaint_figures(session: Session, district_keys: Iterable[int] | None = None) -> ComplaintFigures:
    """The dashboard's figures for complaints in these districts (NONE_KEY: naming no district; all when None)."""
    keys = list(district_keys) if district_keys is not None else None
    query = (select(ComplaintCount.state, ComplaintCount.category, ComplaintCount.assignee_key,
                    func.sum(ComplaintCount.complaints))
             .group_by(ComplaintCount.state, ComplaintCount.category, ComplaintCount.assignee_key))
    times = (select(ComplaintResolveTime.hours, func.sum(ComplaintResolveTime.complaints),
                    func.sum(ComplaintResolveTime.total_hours)).group_by(ComplaintResolveTime.hours))
    if keys is not None:
        query = query.where(ComplaintCount.district_key.in_(keys))
        times = times.where(ComplaintResolveTime.district_key.in_(keys))
    by_category, by_state, workload = Counter(), Counter(), Counter()
    for state, category, assignee, n in session.execute(query):
        n = int(n or 0)
        by_state[state] += n
        if state in OPEN_STATES:
            by_category[category] += n
            if assignee != NONE_KEY:
                workload[assignee] += n
    median = _median([(h, int(n or 0), float(t or 0.0)) for h, n, t in session.execute(times)])
    return ComplaintFigures(by_category={k: v for k, v in by_category.items() if v},
                            by_state={k: v for k, v in by_state.items() if v},
                            workload={k: v for k, v in workload.items() if v}, median_hours_to_resolve=median)


def household_moves(moves: Iterable[tuple[int | None, str, str]]) -> dict[str, Counter]:
    """The -1/+1 deltas of households a bulk UPDATE moved, given as (area_id, from status, to status);
    apply them with `apply_deltas` in the writer's transaction."""
    counts: Counter = Counter()
    for area_id, before, after in moves:
        counts[_household_key(area_id, before)] -= 1
        counts[_household_key(area_id, after)] += 1
    return {"households": counts}


def count_household_change(session: Session, before: tuple, after: tuple) -> None:
    """For a writer that changed a household's (area_id, status) with a bulk UPDATE, which no ORM event sees."""
    if before != after:
        apply_deltas(session.connection(), {"households": Counter({_household_key(*before): -1,
                                                                   _household_key(*after): +1})})


def overdue_before_today(session: Session, now: datetime, district_keys: Iterable[int] | None = None) -> int:
    """Open complaints whose deadline day (UTC) is before today's: the rest of the overdue count is today's
    part, which the caller counts on the open-complaints index."""
    query = select(func.sum(OpenComplaintDeadline.complaints)).where(
        OpenComplaintDeadline.deadline_day < now.astimezone(UTC).date())
    if district_keys is not None:
        query = query.where(OpenComplaintDeadline.district_key.in_(list(district_keys)))
    return int(session.scalar(query) or 0)


def start_of_day(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(UTC).date(), time(), UTC)
