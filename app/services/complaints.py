"""Complaints as use cases: filing and tracking for citizens; the helpdesk's queue, replies, state changes,
escalation past deadlines, citizen look-ups (audited, without income or health) and follow-up actions."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session, selectinload

from ..domain.complaints import (
    OPEN_STATES,
    REOPEN_WINDOW,
    ComplaintMoveError,
    ComplaintState,
    check_move,
    deadline_for,
    format_tracking_number,
    may_rate,
    may_reopen,
)
from ..domain.mobile import mask_mobile
from ..domain.roles import Role
from ..models import Area, Complaint, ComplaintEvent, Household, User
from ..models.base import utcnow
from . import audit
from .context import N_, ServiceContext
from .overview import area_and_descendants


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
    if locale is None:
        user = session.scalars(select(User).where(User.cnic == complaint.cnic)).first()
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


def open_count(session: Session, cnic: str) -> int:
    return session.scalar(select(func.count()).select_from(Complaint)
                          .where(Complaint.cnic == cnic, Complaint.state.in_(list(OPEN_STATES)))) or 0


def file_complaint(session: Session, ctx: ServiceContext, *, cnic: str, mobile: str, category: str,
                   description: str, district: Area | None, filed_by: User | None, locale: str,
                   ip: str | None) -> Complaint:
    """Raises TooManyOpenComplaints after adding an audit entry that the caller commits with the refusal."""
    if open_count(session, cnic) >= ctx.settings["COMPLAINT_MAX_OPEN"]:
        audit.record(session, ctx, "complaint.file", cnic=cnic, ip=ip, outcome="too_many_open")
        raise TooManyOpenComplaints(cnic)
    now = ctx.now()
    complaint = Complaint(cnic=cnic, mobile=mobile, category=category, description=description,
                          district_id=district.id if district else None, filed_by_id=filed_by.id if filed_by else None,
                          deadline_at=deadline_for(category, now, _deadline_days(ctx)), created_at=now)
    session.add(complaint)
    session.flush()
    complaint.tracking_no = format_tracking_number(now.year, complaint.id)
    _event(session, complaint, "filed", filed_by, public=True, to_state=ComplaintState.NEW)
    _notify(session, ctx, complaint, FILED_SMS, locale=locale)
    audit.record(session, ctx, "complaint.file", actor_id=filed_by.id if filed_by else None, cnic=cnic, ip=ip,
                 outcome=complaint.tracking_no)
    return complaint


def find_for_citizen(session: Session, ctx: ServiceContext, tracking_no: str, cnic: str, *,
                     ip: str | None) -> Complaint | None:
    """Both must match: a tracking number alone shows nothing."""
    complaint = session.scalars(select(Complaint).where(Complaint.tracking_no == tracking_no,
                                                        Complaint.cnic == cnic)).first()
    audit.record(session, ctx, "complaint.track", cnic=cnic, ip=ip, outcome="found" if complaint else "not_found")
    return complaint


def public_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    return [event for event in complaint.events if event.public]


def citizen_complaints(session: Session, cnic: str) -> list[Complaint]:
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
    """Per record: an admin handles every complaint; a helpdesk agent without an area (the call centre) all
    of Punjab; an agent or supervisor with an area that area's complaints (and those naming no district)."""
    if user.role == Role.ADMIN:
        return True
    if user.role not in (Role.HELPDESK, Role.SUPERVISOR):
        return False
    if user.area is None:
        return user.role == Role.HELPDESK
    return complaint.district_id is None or complaint.district_id in area_and_descendants(session, user.area)


def _in_scope(session: Session, query, user: User):
    """Limit a query of complaints to what `user` may handle (see may_handle)."""
    if user.role == Role.ADMIN or (user.area is None and user.role == Role.HELPDESK):
        return query
    if user.area is None:
        return query.where(false())
    return query.where(Complaint.district_id.in_(area_and_descendants(session, user.area))
                       | Complaint.district_id.is_(None))


@dataclass
class QueueFilter:
    state: str | None = None
    category: str | None = None
    district_id: int | None = None
    overdue: bool = False
    mine: bool = False


def queue(session: Session, user: User, flt: QueueFilter, *, limit: int = 100) -> list[Complaint]:
    query = _in_scope(session, select(Complaint), user)
    if flt.state:
        query = query.where(Complaint.state == flt.state)
    else:
        query = query.where(Complaint.state.in_(list(OPEN_STATES)))
    if flt.category:
        query = query.where(Complaint.category == flt.category)
    if flt.district_id:
        query = query.where(Complaint.district_id == flt.district_id)
    if flt.overdue:
        query = query.where(Complaint.deadline_at < utcnow(), Complaint.state.in_(list(OPEN_STATES)))
    if flt.mine:
        query = query.where(Complaint.assigned_to_id == user.id)
    # The queue names each complaint's officer: loaded together, not one query per row.
    return list(session.scalars(query.options(selectinload(Complaint.assigned_to))
                                .order_by(Complaint.deadline_at, Complaint.id).limit(limit)))


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


def _escalation_target(session: Session, complaint: Complaint) -> User | None:
    if complaint.district_id is not None:
        for supervisor in session.scalars(select(User).where(User.role == Role.SUPERVISOR, User.disabled.is_(False))):
            if supervisor.area and complaint.district_id in area_and_descendants(session, supervisor.area):
                return supervisor
    return session.scalars(select(User).where(User.role == Role.ADMIN, User.disabled.is_(False))
                           .order_by(User.id)).first()


def escalate_overdue(session: Session, ctx: ServiceContext, now: datetime | None = None) -> tuple[int, int]:
    """Escalate open complaints past their deadline (each once), and close resolved ones whose reopening
    window has passed. Safe to run any number of times. Returns (escalated, closed)."""
    now = now or ctx.now()
    escalated = 0
    for complaint in session.scalars(select(Complaint).where(Complaint.state.in_(list(OPEN_STATES)),
                                                             Complaint.deadline_at < now,
                                                             Complaint.escalated_at.is_(None))):
        target = _escalation_target(session, complaint)
        complaint.escalated_at, complaint.escalated_to_id = now, target.id if target else None
        _event(session, complaint, "escalated", None, text=target.full_name if target else None)
        audit.record(session, ctx, "complaint.escalate", cnic=complaint.cnic, outcome=complaint.tracking_no)
        escalated += 1
    closed = 0
    for complaint in session.scalars(select(Complaint).where(Complaint.state == ComplaintState.RESOLVED,
                                                             Complaint.resolved_at < now - REOPEN_WINDOW)):
        _close(session, complaint, None, now)
        closed += 1
    return escalated, closed


@dataclass
class CitizenView:
    """What the helpdesk may see of a citizen: never income, disability or health."""

    cnic: str
    full_name: str | None
    mobile: str | None
    registered: bool
    verified: bool
    household_id: int | None
    household_status: str | None
    household_area: Area | None
    self_declared: bool
    member_count: int
    complaints: list[Complaint]


def look_up_citizen(session: Session, ctx: ServiceContext, cnic: str, *, reason: str, actor: User,
                    ip: str | None) -> CitizenView:
    user = session.scalars(select(User).where(User.cnic == cnic)).first()
    household = session.get(Household, user.household_id) if user and user.household_id else session.scalars(
        select(Household).where(Household.head_cnic == cnic).order_by(Household.id.desc())).first()
    view = CitizenView(
        cnic=cnic, full_name=user.full_name if user else None, mobile=user.mobile if user else None,
        registered=user is not None, verified=bool(user and user.is_verified),
        household_id=household.id if household else None, household_status=household.status if household else None,
        household_area=household.area if household else None, self_declared=bool(household and household.self_declared),
        member_count=len(household.members) if household else 0, complaints=citizen_complaints(session, cnic))
    audit.record(session, ctx, "helpdesk.lookup", actor_id=actor.id, cnic=cnic, ip=ip,
                 outcome="found" if (user or household) else "not_found", detail={"reason": reason[:300]})
    return view


def request_resurvey(session: Session, ctx: ServiceContext, complaint: Complaint, actor: User, reason: str) -> bool:
    household = session.scalars(select(Household).where(Household.head_cnic == complaint.cnic)
                                .order_by(Household.id.desc())).first()
    if household is None:
        user = session.scalars(select(User).where(User.cnic == complaint.cnic)).first()
        household = user.household if user else None
    if household is None:
        return False
    household.resurvey_requested_at, household.resurvey_reason = ctx.now(), reason[:300]
    if household.area_id is None and complaint.district_id is not None:
        household.area_id = complaint.district_id  # so the district's enumerators see it
    _event(session, complaint, "resurvey", actor, text=reason, public=True)
    audit.record(session, ctx, "complaint.resurvey", actor_id=actor.id, cnic=complaint.cnic,
                 outcome=str(household.id))
    return True


def correct_contact(session: Session, ctx: ServiceContext, complaint: Complaint, mobile: str, actor: User) -> None:
    old = complaint.mobile
    complaint.mobile = mobile
    user = session.scalars(select(User).where(User.cnic == complaint.cnic)).first()
    if user is not None:
        user.mobile = mobile
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


def dashboard(session: Session, user: User) -> Dashboard:
    complaints = list(session.scalars(_in_scope(session, select(Complaint), user)))
    open_ones = [c for c in complaints if c.state in OPEN_STATES]
    now = utcnow()
    by_category: dict[str, int] = {}
    for c in open_ones:
        by_category[c.category] = by_category.get(c.category, 0) + 1
    by_state: dict[str, int] = {}
    for c in complaints:
        by_state[c.state] = by_state.get(c.state, 0) + 1
    hours = [(c.resolved_at - c.created_at).total_seconds() / 3600 for c in complaints if c.resolved_at]
    workload: dict[str, int] = {}
    for c in open_ones:
        if c.assigned_to is not None:
            workload[c.assigned_to.full_name] = workload.get(c.assigned_to.full_name, 0) + 1
    return Dashboard(by_category=by_category, by_state=by_state,
                     median_hours_to_resolve=statistics.median(hours) if hours else None,
                     overdue=sum(1 for c in open_ones if c.deadline_at < now),
                     workload=sorted(workload.items(), key=lambda kv: -kv[1]))
