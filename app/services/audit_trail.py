"""Reading the audit log: the administrator's viewer (filtered by person, action, district, household and
time; newest first, a page at a time, or streamed whole for a CSV), and "who looked at my data", the reads of
a citizen's household by staff, with the role, area, date and stated reason, never who they were."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Select, bindparam, or_, select, tuple_
from sqlalchemy.orm import Session

from ..domain.roles import Role
from ..models import Area, AuditEntry, Complaint, User
from . import audit
from .context import ServiceContext
from .keyset import Keyset, Page, paginate
from .privacy import keyed_hash

# Newest first; every filter's index ends in (at, id), so each page is one index range.
TRAIL_ORDER = Keyset(columns=(AuditEntry.at, AuditEntry.id), kinds=(datetime, int), descending=True)
STAFF_ROLES = (Role.ENUMERATOR, Role.SUPERVISOR, Role.HELPDESK, Role.ADMIN)


@dataclass(frozen=True)
class TrailFilter:
    actor_id: int | None = None
    action: str | None = None
    area_id: int | None = None
    household_id: int | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def as_detail(self) -> dict:
        """The filter as the export's audit entry records it."""
        return {key: (value.isoformat() if isinstance(value, datetime) else value)
                for key, value in self.__dict__.items() if value is not None}


def actor_by_cnic(session: Session, cnic: str) -> int | None:
    return session.scalar(select(User.id).where(User.cnic == cnic))


def _conditions(flt: TrailFilter) -> list:
    conditions = []
    if flt.actor_id is not None:
        conditions.append(AuditEntry.actor_id == flt.actor_id)
    if flt.action:
        conditions.append(AuditEntry.action == flt.action)
    if flt.area_id is not None:
        conditions.append(AuditEntry.area_id == flt.area_id)
    if flt.household_id is not None:
        conditions.append(AuditEntry.household_id == flt.household_id)
    if flt.since is not None:
        conditions.append(AuditEntry.at >= flt.since)
    if flt.until is not None:
        conditions.append(AuditEntry.at < flt.until)
    return conditions


def _filtered(flt: TrailFilter) -> Select:
    return select(AuditEntry).where(*_conditions(flt))


def trail_page(session: Session, flt: TrailFilter, cursor: str | None = None, *, limit: int = 50) -> Page:
    """One page of the filtered log, newest first; keyset.BadCursor for a cursor this list did not make."""
    return paginate(session, _filtered(flt), TRAIL_ORDER, cursor, limit=limit)


def iter_trail(session: Session, flt: TrailFilter, *, batch: int = 5000) -> Iterator[Row]:
    """Every entry of the filter, newest first, as plain rows (the entries' column names), read a keyset batch
    at a time along the filter's index: memory stays flat at any size, and no ORM object is built."""
    table = AuditEntry.__table__
    query = select(table).where(*_conditions(flt)).order_by(table.c.at.desc(), table.c.id.desc()).limit(batch)
    last = None
    while True:
        page = query if last is None else query.where(tuple_(table.c.at, table.c.id) < tuple_(
            bindparam(None, last.at, type_=table.c.at.type), bindparam(None, last.id, type_=table.c.id.type)))
        rows = session.execute(page).all()
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]


def record_export(session: Session, ctx: ServiceContext, flt: TrailFilter, *, actor: User, ip: str | None) -> None:
    """Reading the log is itself a read: the export says who took which part of it."""
    audit.record(session, ctx, "audit.export", actor_id=actor.id, actor_role=str(actor.role), ip=ip, outcome="csv",
                 detail={"filter": flt.as_detail()})


def record_view(session: Session, ctx: ServiceContext, flt: TrailFilter, *, actor: User, ip: str | None) -> None:
    """The filter stands in the entry's detail (not in its household column: the log's reads are not reads of
    a household, and would crowd the household's own entries)."""
    audit.record(session, ctx, "audit.view", actor_id=actor.id, actor_role=str(actor.role), ip=ip, outcome="page",
                 detail={"filter": flt.as_detail()})


# --- who looked at my data ---------------------------------------------------------------------------


@dataclass
class AccessLine:
    """One read of the citizen's data by staff, as the citizen may see it: never the staff member."""

    entry_id: int
    at: datetime
    role: str | None
    area: Area | None
    reason: str | None
    action: str


def _reads_of(user: User, ctx: ServiceContext) -> Select:
    """Staff reads of the user's household, or of records naming their CNIC (a look-up, a complaint),
    that showed something; the user's own reads are not here (a citizen is not staff)."""
    about = [AuditEntry.cnic_hash == keyed_hash(ctx.hash_key, user.cnic)]
    if user.household_id is not None:
        about.append(AuditEntry.household_id == user.household_id)
    return select(AuditEntry).where(
        or_(*about), AuditEntry.action.in_(audit.READ_ACTIONS), AuditEntry.actor_role.in_([str(r) for r in STAFF_ROLES]),
        AuditEntry.actor_id != user.id,
        or_(AuditEntry.outcome.is_(None), AuditEntry.outcome.not_in(audit.EMPTY_OUTCOMES)))


def _lines(session: Session, entries: list[AuditEntry]) -> list[AccessLine]:
    """The staff member's area (where they work), found in one query for the page; nothing else of them."""
    actor_ids = {e.actor_id for e in entries if e.actor_id is not None}
    areas = dict(session.execute(select(User.id, Area).join(Area, Area.id == User.area_id)
                                 .where(User.id.in_(actor_ids))).tuples().all()) if actor_ids else {}
    return [AccessLine(entry_id=e.id, at=e.at, role=e.actor_role, area=areas.get(e.actor_id), reason=e.reason,
                       action=e.action) for e in entries]


def who_looked(session: Session, ctx: ServiceContext, user: User, cursor: str | None = None, *,
               limit: int = 20) -> tuple[list[AccessLine], Page]:
    """One page of who looked at the citizen's data, newest first."""
    page = paginate(session, _reads_of(user, ctx), TRAIL_ORDER, cursor, limit=limit)
    return _lines(session, page.rows), page


def access_line(session: Session, ctx: ServiceContext, user: User, entry_id: int) -> AccessLine | None:
    """One line of the user's own list (None for any other entry: a citizen complains only about theirs)."""
    entry = session.scalars(_reads_of(user, ctx).where(AuditEntry.id == entry_id)).first()
    return _lines(session, [entry])[0] if entry is not None else None


def file_privacy_complaint(session: Session, ctx: ServiceContext, user: User, entry_id: int, *,
                           describe: Callable[[AccessLine], str], locale: str, ip: str | None) -> Complaint | None:
    """A privacy complaint about one read, in one step: the complaint service files it (tracking number, SMS,
    deadline), described by `describe` in the citizen's words. None when the entry is not one of theirs;
    complaints.TooManyOpenComplaints as for any complaint."""
    from .complaints import file_complaint

    line = access_line(session, ctx, user, entry_id)
    if line is None or not user.mobile:  # the complaint's answers go to the account's mobile
        return None
    household = user.household
    district = session.get(Area, household.district_id) if household and household.district_id else None
    return file_complaint(session, ctx, cnic=user.cnic, mobile=user.mobile, category="privacy",
                          description=describe(line), district=district, filed_by=user, locale=locale, ip=ip)
