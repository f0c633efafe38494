"""Changes and corrections a citizen asks for (a birth, a death, a marriage, a divorce, a move, disaster
damage, a new income, a wrong answer), and staff's work on them: the area's queue (oldest first), a field
visit, a refusal with a reason, and applying the change as a new household revision that goes through the
supervisor's review (verified → draft → submitted → verified). Earlier revisions are never touched.

Every step is checked against the request's version (a stale page is told), lands in the audit log and is
told to the household by SMS in its language."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from ..domain.change_requests import (MARITAL_AFTER, MAX_OPEN, OPEN_STATES, WRITTEN_FROM_REQUEST, Kind, State,
                                      check_details)
from ..domain.household_status import HouseholdStatus
from ..domain.roles import Role
from ..models import Area, ChangeRequest, Household, HouseholdMember, HouseholdRevision, User
from . import audit, questionnaire, review
from .context import N_, ServiceContext
from .keyset import Keyset, Page, paginate
from .area_tree import area_tree
from .staff_scope import CITIZENS, HOUSEHOLDS, staff_scope

# A household in these states is in the registry (or on its way): it may ask for a change.
MAY_ASK = (HouseholdStatus.VERIFIED, HouseholdStatus.SUBMITTED, HouseholdStatus.RETURNED)
REASON_MAX = 500
SMS_REASON_MAX = 35  # so the Urdu refusal fits one SMS of 70 characters; the whole reason is on /me/requests

# One short SMS per step, in the household's language (translated by the notifier).
STEP_SMS = {
    "received": N_("PSER: request %(number)s received. We will SMS each step."),
    "visit": N_("PSER: a survey team will visit you about request %(number)s."),
    "applied": N_("PSER: request %(number)s applied. A supervisor now reviews your household."),
    "reopened": N_("PSER: request %(number)s accepted. A survey team will visit to update it."),
    "declined": N_("PSER: request %(number)s declined: %(reason)s"),
}

QUEUE_ORDER = Keyset(columns=(ChangeRequest.created_at, ChangeRequest.id), kinds=(datetime, int))
MINE_ORDER = Keyset(columns=(ChangeRequest.created_at, ChangeRequest.id), kinds=(datetime, int), descending=True)


@dataclass
class RequestResult:
    ok: bool
    # no_household, not_yet (the household's state), too_many, invalid, forbidden, conflict, already,
    # not_allowed (the household is not in a state the change can be written to), problems
    reason: str = ""
    request: ChangeRequest | None = None
    problems: dict = field(default_factory=dict)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def details_of(request: ChangeRequest) -> dict:
    """The request's answers with dates as dates again."""
    values = dict(request.details or {})
    for name in ("dob", "date"):
        if isinstance(values.get(name), str):
            try:
                values[name] = date.fromisoformat(values[name])
            except ValueError:
                pass
    return values


def open_count(session: Session, household: Household) -> int:
    return session.scalar(select(func.count()).select_from(ChangeRequest)
                          .where(ChangeRequest.household_id == household.id,
                                 ChangeRequest.state.in_(OPEN_STATES))) or 0


def may_ask(household: Household | None) -> bool:
    return household is not None and household.status in MAY_ASK


def household_members(household: Household) -> list[HouseholdMember]:
    return list(household.members)


def file_request(session: Session, ctx: ServiceContext, citizen: User, kind: str, details: dict, *,
                 ip: str | None = None) -> RequestResult:
    """The citizen's request for their own household. The answers are checked again here, whatever the form
    checked; at most MAX_OPEN requests of a household are open at once."""
    household = session.get(Household, citizen.household_id) if citizen.household_id else None
    if household is None:
        return RequestResult(False, "no_household")
    if not may_ask(household):
        return RequestResult(False, "not_yet")
    try:
        kind = Kind(kind)
    except ValueError:
        return RequestResult(False, "invalid", problems={"kind": "required"})
    tehsils = None
    if kind == Kind.MOVE:
        tehsils = set(session.scalars(select(Area.code).where(Area.level == "tehsil")))
    problems = check_details(kind, details, ctx.now().date(), member_ids={m.id for m in household.members},
                             tehsil_codes=tehsils)
    if problems:
        return RequestResult(False, "invalid", problems=problems)
    if open_count(session, household) >= MAX_OPEN:
        return RequestResult(False, "too_many")
    request = ChangeRequest(household_id=household.id, kind=kind, state=State.OPEN, is_open=True,
                            district_id=household.district_id, requested_by=citizen.id,
                            created_at=ctx.now(), details={k: _plain(v) for k, v in details.items() if v not in (None, "")})
    session.add(request)
    session.flush()
    audit.record(session, ctx, "change_request.file", actor_id=citizen.id, cnic=household.head_cnic, ip=ip,
                 outcome=str(request.id), detail={"kind": kind.value})
    _tell(session, ctx, household, "received", request)
    return RequestResult(True, request=request)


def citizen_requests(session: Session, citizen: User, *, cursor: str | None = None, limit: int = 20) -> Page:
    """The citizen's household's requests, newest first."""
    if not citizen.household_id:
        return Page([])
    query = select(ChangeRequest).where(ChangeRequest.household_id == citizen.household_id)
    return paginate(session, query, MINE_ORDER, cursor, limit=limit)


def latest_requests(session: Session, citizen: User, limit: int = 3) -> list[ChangeRequest]:
    if not citizen.household_id:
        return []
    return list(session.scalars(select(ChangeRequest).where(ChangeRequest.household_id == citizen.household_id)
                                .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc()).limit(limit)))


# --- staff ------------------------------------------------------------------------------------------------


def _scope(session: Session, actor: User):
    # Supervisors and admins by the households' rule; the helpdesk by the citizens' rule (the call centre
    # without an area serves all of Punjab).
    return staff_scope(session, actor, CITIZENS if actor.role == Role.HELPDESK else HOUSEHOLDS)


def may_handle(session: Session, actor: User, request: ChangeRequest) -> bool:
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN, Role.HELPDESK):
        return False
    household = request.household or session.get(Household, request.household_id)
    return household is not None and _scope(session, actor).covers(household.area_id)


def request_queue(session: Session, actor: User, *, cursor: str | None = None, limit: int = 25) -> Page:
    """One page of the open requests (open or waiting for a visit) of the actor's area, the oldest first;
    raises keyset.BadCursor for a cursor this list did not make."""
    scope = _scope(session, actor)
    query = select(ChangeRequest).where(ChangeRequest.is_open.is_(True))
    if not scope.everywhere:
        # One index range per district of the actor's area; each row then checked against its household's
        # area now (a few primary-key probes for a page, not one per open request).
        tree = area_tree(session)
        districts = sorted({d for a in scope.areas if (d := tree.district_of(a)) is not None})
        query = (query.where(ChangeRequest.district_id.in_(districts) if len(districts) != 1
                             else ChangeRequest.district_id == districts[0])
                 .join(Household, Household.id == ChangeRequest.household_id).where(scope.where(Household.area_id)))
    query = query.options(selectinload(ChangeRequest.household).selectinload(Household.area))
    return paginate(session, query, QUEUE_ORDER, cursor, limit=limit)


def _tell(session: Session, ctx: ServiceContext, household: Household, step: str, request: ChangeRequest,
          **params) -> None:
    account = review.household_account(session, household)
    if account is not None:
        ctx.notifier.send_sms(session, account.mobile, STEP_SMS[step], locale=account.locale or "ur",
                              purpose="change_request", number=str(request.id), **params)


def _guard(session: Session, actor: User, request: ChangeRequest, expected_version: int) -> str | None:
    if not may_handle(session, actor, request):
        return "forbidden"
    if request.state not in OPEN_STATES:
        return "already"
    if request.version != expected_version:
        return "conflict"
    return None


def _step(session: Session, request: ChangeRequest, expected_version: int, **values) -> bool:
    """Write the step only if nobody acted on the request since the page was made."""
    written = session.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id == request.id, ChangeRequest.version == expected_version,
               ChangeRequest.state.in_(OPEN_STATES))
        .values(version=ChangeRequest.version + 1, is_open=values.get("state", State.OPEN) in OPEN_STATES, **values)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(request)
    return bool(written)


def visit_reason(request: ChangeRequest) -> str:
    return f"change request {request.id}: {request.kind}"


def ask_field_visit(session: Session, ctx: ServiceContext, request: ChangeRequest, *, expected_version: int,
                    actor: User) -> RequestResult:
    """open → in_progress: the household is asked to be visited, as the helpdesk's re-survey asks it
    (resurvey_requested_at, so the area's enumerators see it first on their list)."""
    if (problem := _guard(session, actor, request, expected_version)) is not None:
        return RequestResult(False, problem, request)
    if request.field_visit_requested:
        return RequestResult(False, "already", request)
    if not _step(session, request, expected_version, state=State.IN_PROGRESS, field_visit_requested=True,
                 visit_asked_by=actor.id, visit_asked_at=ctx.now()):
        return RequestResult(False, "conflict", request)
    household = request.household
    household.resurvey_requested_at, household.resurvey_reason = ctx.now(), visit_reason(request)[:300]
    audit.record(session, ctx, "change_request.visit", actor_id=actor.id, cnic=household.head_cnic,
                 outcome=str(request.id), detail={"household": household.id})
    _tell(session, ctx, household, "visit", request)
    return RequestResult(True, request=request)


def decline(session: Session, ctx: ServiceContext, request: ChangeRequest, *, expected_version: int, actor: User,
            reason: str) -> RequestResult:
    """open or in_progress → declined, with the reason the citizen reads."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        return RequestResult(False, "invalid", request, {"reason": "required" if not reason else "too_long"})
    if (problem := _guard(session, actor, request, expected_version)) is not None:
        return RequestResult(False, problem, request)
    if not _step(session, request, expected_version, state=State.DECLINED, reason=reason, decided_by=actor.id,
                 decided_at=ctx.now()):
        return RequestResult(False, "conflict", request)
    household = request.household
    if household.resurvey_reason == visit_reason(request)[:300]:  # the visit this request asked is not needed now
        household.resurvey_requested_at = household.resurvey_reason = None
    audit.record(session, ctx, "change_request.decline", actor_id=actor.id, cnic=household.head_cnic,
                 outcome=str(request.id))
    short = reason if len(reason) <= SMS_REASON_MAX else reason[:SMS_REASON_MAX - 1] + "…"
    _tell(session, ctx, household, "declined", request, reason=short)
    return RequestResult(True, request=request)


class _Undo(Exception):
    """Leaves the savepoint of an apply that could not finish: nothing of it is kept."""

    def __init__(self, result: RequestResult):
        self.result = result


def _write_change(session: Session, ctx: ServiceContext, household: Household, request: ChangeRequest,
                  actor: User):
    """The request's change written into the household's draft, through the questionnaire's services."""
    kind, values = Kind(request.kind), details_of(request)
    version = household.version
    if kind == Kind.BIRTH:
        member = {name: None for name in questionnaire.MEMBER_FIELDS}
        member.update(name=values["name"], relation=values["relation"], sex=values["sex"], dob=values["dob"],
                      disability="none", chronic_illness=False, can_read=False, education="none",
                      employment="unable")
        return questionnaire.save_member(session, ctx, household, None, member, expected_version=version, actor=actor)
    member = session.get(HouseholdMember, values.get("member_id")) if values.get("member_id") else None
    if kind in (Kind.DEATH, Kind.MARRIAGE, Kind.DIVORCE) and (member is None or member.household_id != household.id):
        return questionnaire.SaveResult(False, "missing", household)
    if kind == Kind.DEATH:  # the member leaves the roster; earlier revisions keep them
        return questionnaire.remove_member(session, ctx, household, member.id, expected_version=version, actor=actor)
    if kind in MARITAL_AFTER:
        kept = {name: getattr(member, name) for name in questionnaire.MEMBER_FIELDS}
        kept["marital_status"] = MARITAL_AFTER[kind]
        return questionnaire.save_member(session, ctx, household, member.id, kept, expected_version=version,
                                         actor=actor)
    if kind == Kind.MOVE:
        area = session.scalars(select(Area).where(Area.code == values["tehsil"], Area.level == "tehsil")).first()
        if area is None:
            return questionnaire.SaveResult(False, "missing", household)
        kept = {name: getattr(household, name) for name in questionnaire.SECTION_FIELDS["consent"]}
        kept.update(area_id=area.id, address=values["address"], consent_given=True)
        return questionnaire.save_section(session, ctx, household, "consent", kept, expected_version=version,
                                          actor=actor)
    if kind == Kind.INCOME:
        kept = {name: getattr(household, name) for name in questionnaire.SECTION_FIELDS["income"]}
        kept["monthly_income"] = values["monthly_income"]
        return questionnaire.save_section(session, ctx, household, "income", kept, expected_version=version,
                                          actor=actor)
    raise ValueError(f"{kind} is made by the survey team at a visit, not written from the request")


def _write_and_submit(session: Session, ctx: ServiceContext, household: Household, request: ChangeRequest,
                      actor: User) -> None:
    written = _write_change(session, ctx, household, request, actor)
    if not written.ok:
        raise _Undo(RequestResult(False, "conflict" if written.reason == "conflict" else "problems", request))
    session.flush()
    session.refresh(household, ["members"])
    submitted = questionnaire.submit(session, ctx, household, expected_version=household.version, actor=actor)
    if not submitted.ok:
        raise _Undo(RequestResult(False, "conflict" if submitted.reason == "conflict" else "problems", request))
    request.revision_number = session.scalar(select(func.max(HouseholdRevision.number))
                                             .where(HouseholdRevision.household_id == household.id))


def apply(session: Session, ctx: ServiceContext, request: ChangeRequest, *, expected_version: int,
          actor: User) -> RequestResult:
    """Write the change as a new revision: a verified household is opened again (review.reopen, with the
    request as the reason), the change is written to its draft, and the draft is submitted for the
    supervisor's review. Disaster damage and corrections are made by the survey team at a visit: for them the
    household is opened again and the visit asked, and the team's submit makes the new revision. All of it or
    nothing: a step that fails leaves the household as it was."""
    if (problem := _guard(session, actor, request, expected_version)) is not None:
        return RequestResult(False, problem, request)
    kind = Kind(request.kind)
    household = request.household
    if household.status not in (HouseholdStatus.VERIFIED, HouseholdStatus.DRAFT, HouseholdStatus.RETURNED):
        return RequestResult(False, "not_allowed", request)
    try:
        with session.begin_nested():
            if not _step(session, request, expected_version, state=State.APPLIED, decided_by=actor.id,
                         decided_at=ctx.now()):
                raise _Undo(RequestResult(False, "conflict", request))
            if household.status == HouseholdStatus.VERIFIED:
                opened = review.reopen(session, ctx, household, expected_version=household.version, actor=actor,
                                       reason=f"Change request {request.id}: {kind.value}")
                if not opened.ok:
                    raise _Undo(RequestResult(False, "conflict" if opened.reason == "conflict" else "not_allowed",
                                              request))
            if kind in WRITTEN_FROM_REQUEST:
                _write_and_submit(session, ctx, household, request, actor)
            else:  # the survey team makes it at the visit, then submits the new revision
                household.resurvey_requested_at, household.resurvey_reason = ctx.now(), visit_reason(request)[:300]
    except _Undo as undone:
        session.refresh(request)
        session.refresh(household)
        return undone.result
    audit.record(session, ctx, "change_request.apply", actor_id=actor.id, cnic=household.head_cnic,
                 outcome=str(request.id), detail={"household": household.id, "revision": request.revision_number})
    _tell(session, ctx, household, "applied" if kind in WRITTEN_FROM_REQUEST else "reopened", request)
    return RequestResult(True, request=request)


def revisions(session: Session, household: Household) -> list[HouseholdRevision]:
    """Every revision of the household, oldest first (each stays as it was made)."""
    return list(session.scalars(select(HouseholdRevision).where(HouseholdRevision.household_id == household.id)
                                .order_by(HouseholdRevision.number)))
