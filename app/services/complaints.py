"""Complaints as use cases: filing and tracking for citizens; the helpdesk's queue, replies, state changes,
escalation past deadlines, citizen look-ups (audited, without income or health) and follow-up actions."""
from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import LargeBinary, and_, case, false, func, insert, literal, select, true, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from ..domain.complaints import (
    OPEN_STATES,
    REOPEN_WINDOW,
    ComplaintMoveError,
    ComplaintState,
    check_move,
    deadline_for,
    may_rate,
    may_reopen,
)
from ..domain.household_status import HouseholdStatus
from ..domain.mobile import mask_mobile
from ..domain.roles import Role
from ..models import Area, AuditEntry, Complaint, ComplaintEvent, ComplaintFiler, Household, User
from ..models.base import UtcDateTime, utcnow
from ..models.summary import NONE_KEY
from . import audit, summaries
from .area_tree import area_tree
from .context import N_, ServiceContext
from .keyset import Keyset, Page, paginate
from .privacy import keyed_hash
from .review import reopen as reopen_household
from .staff_scope import CITIZENS, COMPLAINTS, staff_scope
from .tracking_numbers import assign_tracking_number


class TooManyOpenComplaints(Exception):
    pass


class ComplaintActionError(Exception):
    """A move the complaint's state does not allow; `code` says which."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _deadline_days(ctx: ServiceContext) -> dict[str, int]:
    return ctx.settings["COMPLAINT_DEADLINE_DAYS"]


def _notify(session: Session, ctx: ServiceContext, complaint: Complaint, message: str,
            locale: str | None = None) -> None:
    """An SMS to the citizen, in the citizen's language (Urdu unless their account says otherwise).
    `message` is a msgid, translated by the notifier under the citizen's locale."""
    if locale is None:  # the filer's account's language; a complaint filed without one is answered in Urdu
        user = session.get(User, complaint.filed_by_id) if complaint.filed_by_id else None
        locale = (user.locale if user else None) or "ur"
    ctx.notifier.send_sms(session, complaint.mobile, message, locale=locale, purpose="complaint",
                          tracking=complaint.tracking_no)


def _event(session: Session, complaint: Complaint, kind: str, actor: User | None, *, text: str | None = None,
           public: bool = False, from_state: str | None = None, to_state: str | None = None) -> None:
    session.add(ComplaintEvent(complaint_id=complaint.id, kind=kind, actor_id=actor.id if actor else None, text=text,
                               public=public, from_state=from_state, to_state=to_state))


# Short enough for one or two Urdu SMS; the tracking number is filled in per complaint.
STATE_SMS = {
    ComplaintState.ASSIGNED: N_("PSER complaint %(tracking)s is being handled by our team."),
    ComplaintState.IN_PROGRESS: N_("PSER complaint %(tracking)s: work has started on it."),
    ComplaintState.RESOLVED: N_("PSER complaint %(tracking)s is resolved. If not satisfied, reopen it within 7 days."),
    ComplaintState.CLOSED: N_("PSER complaint %(tracking)s is closed. Thank you."),
    ComplaintState.REOPENED: N_("PSER complaint %(tracking)s has been reopened."),
}
FILED_SMS = N_("PSER: your complaint is registered. Tracking number %(tracking)s.")
REPLY_SMS = N_("PSER complaint %(tracking)s: there is a reply. Track it on the portal.")


def filer_key(ctx: ServiceContext, *, cnic: str, mobile: str, filed_by: User | None) -> str:
    """Who is filing, for the cap: the account when signed in; otherwise the CNIC together with the mobile
    that will receive the answers (keyed hash: the filers' table holds no CNIC)."""
    if filed_by is not None:
        return f"account:{filed_by.id}"
    return keyed_hash(ctx.hash_key, f"{cnic}|{mobile}")


def _filed_by_filter(*, cnic: str, mobile: str, filed_by: User | None):
    if filed_by is not None:
        return Complaint.filed_by_id == filed_by.id
    return and_(Complaint.filed_by_id.is_(None), Complaint.cnic == cnic, Complaint.mobile == mobile)


def open_count(session: Session, *, cnic: str, mobile: str, filed_by: User | None) -> int:
    """The open complaints of one filer: a stranger typing someone's CNIC fills only their own count (a CNIC
    with their mobile), never the account's, so the owner is never kept from complaining."""
    return session.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.is_open(), _filed_by_filter(cnic=cnic, mobile=mobile, filed_by=filed_by))) or 0


def _hold_filer(session: Session, key: str) -> None:
    """Lock the filer's row until the transaction ends (made on first use): a parallel filing by the same
    filer waits here, and counts after this one is committed."""
    dialect = session.get_bind().dialect.name
    make_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(make_insert(ComplaintFiler).values(key=key).on_conflict_do_nothing(index_elements=["key"]))
    session.execute(select(ComplaintFiler.key).where(ComplaintFiler.key == key).with_for_update())


def file_complaint(session: Session, ctx: ServiceContext, *, cnic: str, mobile: str, category: str,
                   description: str, district: Area | None, filed_by: User | None, locale: str,
                   ip: str | None, confirm_by_sms: bool = True) -> Complaint:
    """Raises TooManyOpenComplaints after adding an audit entry that the caller commits with the refusal.
    Anyone may complain without an account; such a complaint reaches the mobile typed with it, counts
    against that CNIC and mobile only, and never shows on, counts against or changes an account.
    `confirm_by_sms=False`: the caller sends its own confirmation (a complaint filed by SMS gets one short reply)."""
    _hold_filer(session, filer_key(ctx, cnic=cnic, mobile=mobile, filed_by=filed_by))
    if open_count(session, cnic=cnic, mobile=mobile, filed_by=filed_by) >= ctx.settings["COMPLAINT_MAX_OPEN"]:
        audit.record(session, ctx, "complaint.file", actor_id=filed_by.id if filed_by else None, cnic=cnic, ip=ip,
                     outcome="too_many_open")
        raise TooManyOpenComplaints(cnic)
    now = ctx.now()
    complaint = Complaint(cnic=cnic, mobile=mobile, category=category, description=description,
                          district_id=district.id if district else None, filed_by_id=filed_by.id if filed_by else None,
                          deadline_at=deadline_for(category, now, _deadline_days(ctx)), created_at=now)
    session.add(complaint)
    session.flush()
    assign_tracking_number(session, complaint, now.year)
    _event(session, complaint, "filed", filed_by, public=True, to_state=ComplaintState.NEW)
    if confirm_by_sms:
        _notify(session, ctx, complaint, FILED_SMS, locale=locale)
    audit.record(session, ctx, "complaint.file", actor_id=filed_by.id if filed_by else None, cnic=cnic, ip=ip,
                 outcome=complaint.tracking_no)
    return complaint


def find_for_citizen(session: Session, ctx: ServiceContext, tracking_no: str, cnic: str, *,
                     ip: str | None, viewer: User | None = None) -> Complaint | None:
    """Both must match: a tracking number alone shows nothing. A signed-in, verified citizen who tracks a
    complaint filed without signing in, with their CNIC and the mobile their account verified, has shown it
    is theirs (its tracking number reached that phone): from then on it is listed on their pages."""
    complaint = session.scalars(select(Complaint).where(Complaint.tracking_no == tracking_no,
                                                        Complaint.cnic == cnic)).first()
    if (complaint is not None and viewer is not None and complaint.filed_by_id is None
            and viewer.role == Role.CITIZEN and viewer.is_verified and viewer.cnic == complaint.cnic
            and viewer.mobile == complaint.mobile):
        complaint.filed_by_id = viewer.id
        audit.record(session, ctx, "complaint.claim", actor_id=viewer.id, cnic=cnic, ip=ip,
                     outcome=complaint.tracking_no)
    audit.record(session, ctx, "complaint.track", cnic=cnic, ip=ip, outcome="found" if complaint else "not_found")
    return complaint


def public_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    return [event for event in complaint.events if event.public]


def citizen_complaints(session: Session, user: User) -> list[Complaint]:
    """What a signed-in citizen sees as theirs: what they filed, or verified as theirs (find_for_citizen);
    never what others filed with their CNIC."""
    return list(session.scalars(select(Complaint).where(Complaint.filed_by_id == user.id)
                                .order_by(Complaint.id.desc())))


def complaints_about(session: Session, cnic: str) -> list[Complaint]:
    """Every complaint naming a CNIC, whoever filed it: for staff, not for the citizen's own pages."""
    return list(session.scalars(select(Complaint).where(Complaint.cnic == cnic).order_by(Complaint.id.desc())))


def reopen(session: Session, ctx: ServiceContext, complaint: Complaint, reason: str, *, ip: str | None) -> None:
    now = ctx.now()
    if not may_reopen(complaint.state, complaint.resolved_at, now):
        raise ComplaintActionError("reopen_window" if complaint.state == ComplaintState.RESOLVED else "not_resolved")
    previous = complaint.state
    complaint.state = check_move(previous, ComplaintState.REOPENED)
    complaint.deadline_at = deadline_for(complaint.category, now, _deadline_days(ctx))
    complaint.escalated_at = complaint.escalated_to_id = None
    _event(session, complaint, "state", None, text=reason, public=True, from_state=previous,
           to_state=ComplaintState.REOPENED)
    _notify(session, ctx, complaint, STATE_SMS[ComplaintState.REOPENED])
    audit.record(session, ctx, "complaint.reopen", cnic=complaint.cnic, ip=ip, outcome=complaint.tracking_no)


def rate(session: Session, ctx: ServiceContext, complaint: Complaint, rating: int, *, ip: str | None) -> None:
    if not may_rate(complaint.state, complaint.rating):
        raise ComplaintActionError("not_rateable")
    complaint.rating = rating
    _event(session, complaint, "rated", None, text=str(rating), public=True)
    if complaint.state == ComplaintState.RESOLVED:  # rating the answer accepts it
        _close(session, complaint, None, ctx.now())
    audit.record(session, ctx, "complaint.rate", cnic=complaint.cnic, ip=ip, outcome=str(rating))


def _close(session: Session, complaint: Complaint, actor: User | None, now: datetime) -> None:
    previous = complaint.state
    complaint.state = check_move(previous, ComplaintState.CLOSED)
    complaint.closed_at = now
    _event(session, complaint, "state", actor, public=True, from_state=previous, to_state=ComplaintState.CLOSED)


# --- the helpdesk --------------------------------------------------------------------------------


def may_handle(session: Session, user: User, complaint: Complaint) -> bool:
    """Per record, by the staff scope rule (services.staff_scope): an admin every complaint; a helpdesk agent
    without an area (the call centre) all of Punjab; an agent or supervisor with an area that area's
    complaints, and those naming no district."""
    return staff_scope(session, user, COMPLAINTS).covers(complaint.district_id, unplaced=True)


def _scope_keys(session: Session, user: User) -> list[int] | None:
    """The summary keys of what `user` may handle: None for everything (see may_handle)."""
    scope = staff_scope(session, user, COMPLAINTS)
    if scope.everywhere:
        return None
    return [*scope.areas, NONE_KEY] if scope.areas else []


def _in_scope(session: Session, query, user: User):
    """Limit a query of complaints to what `user` may handle (see may_handle)."""
    return query.where(staff_scope(session, user, COMPLAINTS).where(Complaint.district_id, unplaced=True))


@dataclass
class QueueFilter:
    state: str | None = None
    category: str | None = None
    district_id: int | None = None
    overdue: bool = False
    mine: bool = False


# Nearest deadline first: the queue and a supervisor's escalated complaints.
DEADLINE_ORDER = Keyset(columns=(Complaint.deadline_at, Complaint.id), kinds=(datetime, int))


def queue(session: Session, user: User, flt: QueueFilter, *, now: datetime | None = None, cursor: str | None = None,
          limit: int = 50) -> Page:
    """One page of the queue; raises keyset.BadCursor for a cursor this list did not make."""
    query = _in_scope(session, select(Complaint), user)
    if flt.state:
        query = query.where(Complaint.state == flt.state)
    else:
        query = query.where(Complaint.is_open())
    if flt.category:
        query = query.where(Complaint.category == flt.category)
    if flt.district_id:
        query = query.where(Complaint.district_id == flt.district_id)
    if flt.overdue:
        query = query.where(Complaint.deadline_at < (now or utcnow()), Complaint.is_open())
    if flt.mine:
        query = query.where(Complaint.assigned_to_id == user.id)
    # The queue names each complaint's officer: loaded together, not one query per row.
    return paginate(session, query.options(selectinload(Complaint.assigned_to)), DEADLINE_ORDER, cursor, limit=limit)


def escalated_to(session: Session, user: User, *, cursor: str | None = None, limit: int = 50) -> Page:
    """One page of the open complaints escalated to `user`, nearest deadline first."""
    query = select(Complaint).where(Complaint.escalated_to_id == user.id, Complaint.is_open())
    return paginate(session, query, DEADLINE_ORDER, cursor, limit=limit)


def agents(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == Role.HELPDESK, User.disabled.is_(False))
                                .order_by(User.full_name)))


def assign(session: Session, ctx: ServiceContext, complaint: Complaint, agent: User, actor: User) -> None:
    previous = complaint.state
    if previous not in OPEN_STATES:
        raise ComplaintActionError("not_open")
    complaint.assigned_to_id = agent.id
    target = ComplaintState.ASSIGNED if previous in (ComplaintState.NEW, ComplaintState.REOPENED) else previous
    if target != previous:
        complaint.state = check_move(previous, target)
        _notify(session, ctx, complaint, STATE_SMS[target])
    _event(session, complaint, "assigned", actor, text=agent.full_name, public=target != previous,
           from_state=previous, to_state=target)
    audit.record(session, ctx, "complaint.assign", actor_id=actor.id, cnic=complaint.cnic,
                 outcome=complaint.tracking_no)


def change_state(session: Session, ctx: ServiceContext, complaint: Complaint, target: str, actor: User, *,
                 text: str | None) -> None:
    """Move the complaint; resolving needs a resolution the citizen will read. A refusal changes nothing."""
    previous = complaint.state
    try:
        moved = check_move(previous, target)
    except (ComplaintMoveError, ValueError):  # a move the state machine forbids, or no such state
        raise ComplaintActionError("bad_move") from None
    if moved == ComplaintState.RESOLVED and not (text or "").strip():
        raise ComplaintActionError("resolution_needed")
    complaint.state = moved
    now = ctx.now()
    if target == ComplaintState.RESOLVED:
        complaint.resolution, complaint.resolved_at = text.strip(), now
    if target == ComplaintState.CLOSED:
        complaint.closed_at = now
    _event(session, complaint, "state", actor, text=text, public=True, from_state=previous, to_state=target)
    _notify(session, ctx, complaint, STATE_SMS[ComplaintState(target)])
    audit.record(session, ctx, "complaint.state", actor_id=actor.id, cnic=complaint.cnic, outcome=str(target))


def add_message(session: Session, ctx: ServiceContext, complaint: Complaint, actor: User, text: str, *,
                public: bool) -> None:
    """A public reply reaches the citizen's timeline (and phone); an internal note never does."""
    _event(session, complaint, "reply" if public else "note", actor, text=text, public=public)
    if public:
        _notify(session, ctx, complaint, REPLY_SMS)
    audit.record(session, ctx, "complaint.reply" if public else "complaint.note", actor_id=actor.id,
                 cnic=complaint.cnic, outcome=complaint.tracking_no)


def _escalation_targets(session: Session):
    """Who gets an overdue complaint, as one SQL expression over its district: the first supervisor (by
    account number) whose area holds the district, else the first administrator. Worked out once per run."""
    tree = area_tree(session)
    by_area: dict[int, int] = {}
    for supervisor_id, area_id in session.execute(
            select(User.id, User.area_id).where(User.role == Role.SUPERVISOR, User.disabled.is_(False),
                                                User.area_id.is_not(None)).order_by(User.id)):
        for area in tree.descendants(area_id):
            by_area.setdefault(area, supervisor_id)
    admin_id = session.scalar(select(User.id).where(User.role == Role.ADMIN, User.disabled.is_(False))
                              .order_by(User.id).limit(1))
    fallback = literal(admin_id, type_=Complaint.escalated_to_id.type)
    return case(by_area, value=Complaint.district_id, else_=fallback) if by_area else fallback


def _sql_keyed_hash(session: Session, column, key: bytes):
    """privacy.keyed_hash (HMAC-SHA256, hex) computed by the database, for INSERT ... SELECT: PostgreSQL's
    sha256() with the key's pads bound as parameters; on SQLite a function registered on the connection."""
    if session.get_bind().dialect.name == "postgresql":
        block = key.ljust(64, b"\0")
        inner = literal(bytes(b ^ 0x36 for b in block), LargeBinary)
        outer = literal(bytes(b ^ 0x5C for b in block), LargeBinary)
        return func.encode(func.sha256(outer.concat(func.sha256(inner.concat(func.convert_to(column, "UTF8"))))),
                           "hex")
    raw = session.connection().connection.driver_connection
    raw.create_function("pser_keyed_hash", 1, lambda value: None if not value else hmac.new(
        key, value.encode(), hashlib.sha256).hexdigest(), deterministic=True)
    return func.pser_keyed_hash(column)


def _sql_masked_cnic(column):
    """domain.cnic.mask_cnic in SQL: 35202-1234567-1 -> 35202-*****67-1."""
    return (func.substr(column, 1, 5) + literal("-*****") + func.substr(column, 12, 2) + literal("-")
            + func.substr(column, 15, 1))


def escalate_overdue(session: Session, ctx: ServiceContext, now: datetime | None = None) -> tuple[int, int]:
    """Escalate open complaints past their deadline (each once), and close resolved ones whose reopening
    window has passed. Safe to run any number of times. Returns (escalated, closed). Set-based: the same
    few statements for ten overdue complaints or a hundred thousand; `now` marks this run's rows (the
    caller passes a fresh one each run). The caller commits."""
    now = now or ctx.now()
    at = literal(now, UtcDateTime())
    session.flush()
    escalated = session.execute(
        update(Complaint)
        .where(Complaint.is_open(), Complaint.deadline_at < now, Complaint.escalated_at.is_(None))
        .values(escalated_at=now, escalated_to_id=_escalation_targets(session), updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if escalated:
        this_run = Complaint.escalated_at == now
        session.execute(insert(ComplaintEvent).from_select(
            ["complaint_id", "at", "kind", "text", "public"],
            select(Complaint.id, at, literal("escalated"), User.full_name, false())
            .select_from(Complaint).outerjoin(User, User.id == Complaint.escalated_to_id).where(this_run)))
        session.execute(insert(AuditEntry).from_select(
            ["at", "action", "cnic_hash", "cnic_masked", "outcome", "area_id"],
            select(at, literal("complaint.escalate"), _sql_keyed_hash(session, Complaint.cnic, ctx.hash_key),
                   _sql_masked_cnic(Complaint.cnic), Complaint.tracking_no, Complaint.district_id).where(this_run)))
    closed = session.execute(
        update(Complaint)
        .where(Complaint.state == ComplaintState.RESOLVED, Complaint.resolved_at < now - REOPEN_WINDOW)
        .values(state=ComplaintState.CLOSED, closed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if closed:
        this_run = and_(Complaint.state == ComplaintState.CLOSED, Complaint.closed_at == now)
        session.execute(insert(ComplaintEvent).from_select(
            ["complaint_id", "at", "kind", "from_state", "to_state", "public"],
            select(Complaint.id, at, literal("state"), literal(str(ComplaintState.RESOLVED)),
                   literal(str(ComplaintState.CLOSED)), true()).where(this_run)))
        # A bulk UPDATE passes no ORM event: move the counts here, from what this run closed.
        district_key = func.coalesce(Complaint.district_id, NONE_KEY)
        assignee_key = func.coalesce(Complaint.assigned_to_id, NONE_KEY)
        moved = Counter()
        for district, category, assignee, n in session.execute(
                select(district_key, Complaint.category, assignee_key, func.count()).where(this_run)
                .group_by(district_key, Complaint.category, assignee_key)):
            moved[(district, str(ComplaintState.RESOLVED), category, assignee)] -= n
            moved[(district, str(ComplaintState.CLOSED), category, assignee)] += n
        summaries.apply_deltas(session.connection(), {"complaints": moved})
    for item in list(session.identity_map.values()):  # what this session holds of them is out of date
        if isinstance(item, Complaint):
            session.expire(item)
    return escalated, closed


@dataclass
class CitizenView:
    """What the helpdesk may see of a citizen: never income, disability or health, and the mobile masked
    (the number to call is the complaint's, revealed on the complaint with an audited action).
    `in_scope` False: nobody with this CNIC in the viewer's area, and nothing else is filled in."""

    cnic: str
    in_scope: bool
    full_name: str | None = None
    mobile_masked: str | None = None
    registered: bool = False
    verified: bool = False
    household_id: int | None = None
    household_status: str | None = None
    household_area: Area | None = None
    self_declared: bool = False
    member_count: int = 0
    complaints: list[Complaint] = field(default_factory=list)


def _citizen_records(session: Session, cnic: str) -> tuple[User | None, Household | None, list[Complaint]]:
    user = session.scalars(select(User).where(User.cnic == cnic)).first()
    household = session.get(Household, user.household_id) if user and user.household_id else session.scalars(
        select(Household).where(Household.head_cnic == cnic).order_by(Household.id.desc())).first()
    return user, household, complaints_about(session, cnic)


def _covers_citizen(scope, user: User | None, household: Household | None, about: list[Complaint]) -> bool:
    """A citizen lies in their household's area; with no household placed yet, in the districts of the
    complaints about them. Area staff get one answer for "nobody" and "somebody elsewhere": a look-up tells
    no one who exists outside their area."""
    if scope.everywhere:
        return True
    if user is None and household is None:
        return False
    if household is not None and household.area_id is not None:
        return scope.covers(household.area_id)
    return any(scope.covers(c.district_id, unplaced=True) for c in about)


def may_see_citizen(session: Session, actor: User, cnic: str) -> bool:
    """The staff scope rule for a citizen, for actions on their account (the helpdesk's release)."""
    return _covers_citizen(staff_scope(session, actor, CITIZENS), *_citizen_records(session, cnic))


def look_up_citizen(session: Session, ctx: ServiceContext, cnic: str, *, reason: str, actor: User,
                    ip: str | None) -> CitizenView:
    """By the staff scope rule: a citizen lies in their household's area, or, with no household placed yet,
    in the districts of the complaints about them; staff see only citizens (and complaints) of their area."""
    user, household, about = _citizen_records(session, cnic)
    scope = staff_scope(session, actor, CITIZENS)
    in_scope = _covers_citizen(scope, user, household, about)
    found = user is not None or household is not None
    shown = household if in_scope else None  # the household the agent is shown, with the reason they gave
    audit.record(session, ctx, "helpdesk.lookup", actor_id=actor.id, actor_role=str(actor.role), cnic=cnic, ip=ip,
                 outcome=("found" if in_scope else "out_of_scope") if found else "not_found",
                 detail={"reason": reason[:300]}, household_id=shown.id if shown else None,
                 area_id=shown.district_id if shown else None, reason=reason)
    if not in_scope:
        return CitizenView(cnic=cnic, in_scope=False)
    return CitizenView(
        cnic=cnic, in_scope=True, full_name=user.full_name if user else None,
        mobile_masked=mask_mobile(user.mobile) if user and user.mobile else None,
        registered=user is not None, verified=bool(user and user.is_verified),
        household_id=household.id if household else None, household_status=household.status if household else None,
        household_area=household.area if household else None, self_declared=bool(household and household.self_declared),
        member_count=len(household.members) if household else 0,
        complaints=[c for c in about if scope.covers(c.district_id, unplaced=True)])


def request_resurvey(session: Session, ctx: ServiceContext, complaint: Complaint, actor: User, reason: str) -> bool:
    household = session.scalars(select(Household).where(Household.head_cnic == complaint.cnic)
                                .order_by(Household.id.desc())).first()
    if household is None:
        user = session.scalars(select(User).where(User.cnic == complaint.cnic)).first()
        household = user.household if user else None
    if household is None:
        return False
    if household.status == HouseholdStatus.VERIFIED:
        # A verified household changes only through a new revision: opened again (verified → draft) with the
        # helpdesk's reason; the next submit makes the new revision, the earlier ones stay readable.
        reopen_household(session, ctx, household, expected_version=household.version, actor=actor,
                         reason=reason[:300])
    household.resurvey_requested_at, household.resurvey_reason = ctx.now(), reason[:300]
    if household.area_id is None and complaint.district_id is not None:
        household.area_id = complaint.district_id  # so the district's enumerators see it
    _event(session, complaint, "resurvey", actor, text=reason, public=True)
    audit.record(session, ctx, "complaint.resurvey", actor_id=actor.id, cnic=complaint.cnic,
                 outcome=str(household.id), household_id=household.id, area_id=household.district_id,
                 reason=audit.complaint_reason(complaint.tracking_no))
    return True


def correct_contact(session: Session, ctx: ServiceContext, complaint: Complaint, mobile: str, actor: User) -> None:
    """The number this complaint's answers go to. Never an account's: a complaint's CNIC may have been typed
    by anyone, and an account's mobile changes only through the account's own verified flows."""
    old = complaint.mobile
    complaint.mobile = mobile
    _event(session, complaint, "contact", actor, text=None)
    audit.record(session, ctx, "complaint.contact", actor_id=actor.id, cnic=complaint.cnic,
                 outcome=complaint.tracking_no, detail={"from": mask_mobile(old), "to": mask_mobile(mobile)})


def link_duplicate(session: Session, ctx: ServiceContext, complaint: Complaint, original: Complaint,
                   actor: User) -> None:
    if original.id == complaint.id:
        raise ComplaintActionError("same")
    complaint.duplicate_of_id = original.id
    _event(session, complaint, "linked", actor, text=original.tracking_no)
    audit.record(session, ctx, "complaint.link", actor_id=actor.id, cnic=complaint.cnic,
                 outcome=original.tracking_no)


@dataclass
class Dashboard:
    by_category: dict[str, int]
    by_state: dict[str, int]
    median_hours_to_resolve: float | None
    overdue: int
    workload: list[tuple[str, int]]


def dashboard(session: Session, user: User, now: datetime | None = None) -> Dashboard:
    """Counts from the summary tables (kept by the write path); overdue counted on the open-complaints
    index; nothing here reads the complaints themselves."""
    now = now or utcnow()
    keys = _scope_keys(session, user)
    figures = summaries.complaint_figures(session, keys)
    # Overdue: whole days from the summary, today's part on the open-complaints index (a day's worth).
    overdue = summaries.overdue_before_today(session, now, keys) + (session.scalar(
        _in_scope(session, select(func.count()).select_from(Complaint), user)
        .where(Complaint.is_open(), Complaint.deadline_at >= summaries.start_of_day(now),
               Complaint.deadline_at < now)) or 0)
    names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(list(figures.workload))))
                 .tuples().all()) if figures.workload else {}
    workload = sorted(((names.get(officer, "?"), n) for officer, n in figures.workload.items()), key=lambda kv: -kv[1])
    return Dashboard(by_category=figures.by_category, by_state=figures.by_state,
                     median_hours_to_resolve=figures.median_hours_to_resolve, overdue=overdue, workload=workload)
