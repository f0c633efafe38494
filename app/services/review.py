"""A supervisor's review of submitted households: the queue of their area (oldest submission first), the
decisions (approve, return with a reason per section, reject, reopen a verified household for a new
revision), and the household's revisions side by side.

Every decision is checked against the version the supervisor's page was made from (a guarded UPDATE: a
stale one changes nothing and is told), is allowed by the household's life (domain check_move), lands on
the household's timeline and in the audit log, keeps the summary counts, and is told to the household by
SMS in its language when a verified citizen account is linked to it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import exists, select, text, update
from sqlalchemy.orm import Session, load_only, selectinload

from ..domain.catalogue import CATALOGUE, SECTIONS, QuestionType
from ..domain.household_status import HouseholdStatus, StatusMoveError, check_move
from ..domain.roles import Role
from ..models import Area, Household, HouseholdFlag, HouseholdRevision, HouseholdStatusChange, User
from ..models.base import utcnow
from . import audit, cross_checks, scoring, summaries
from .context import N_, ServiceContext
from .keyset import Keyset, Page, paginate
from .questionnaire import _in_area
from .staff_scope import CITIZENS, HOUSEHOLDS, staff_scope

APPROVED = "approved"  # an approval's reason on the timeline when the supervisor wrote no note
REASON_MAX = 500  # a return reason per section, a rejection or a reopening reason
# The sections a supervisor can return with a reason: every section the enumerator fills.
RETURNABLE_SECTIONS = tuple(s for s in SECTIONS if s != "review")

# Short enough for one Urdu SMS each; translated by the notifier into the household's language.
DECISION_SMS = {
    HouseholdStatus.VERIFIED: N_("PSER: your household survey has been verified. Your household is now in the registry."),
    HouseholdStatus.RETURNED: N_("PSER: some answers of your household survey need correcting. The survey team will contact you."),
    HouseholdStatus.REJECTED: N_("PSER: your household survey was not accepted. See the reason at the portal; you may file a complaint."),
    HouseholdStatus.DRAFT: N_("PSER: your household record is open again for a new survey visit."),
}

# The review queue's order: the oldest submission first; one index range per district (or tehsil).
QUEUE_ORDER = Keyset(columns=(Household.submitted_at, Household.id), kinds=(datetime, int))


def review_queue(session: Session, supervisor: User, *, flagged: bool | None = None, flag_code: str | None = None,
                 enumerator_id: int | None = None, tehsil_id: int | None = None, older_than_days: int | None = None,
                 cursor: str | None = None, limit: int = 25, now: datetime | None = None) -> Page:
    """One page of the submitted households of the supervisor's area, the oldest submission first; raises
    keyset.BadCursor for a cursor this list did not make. A tehsil outside the area gives an empty page."""
    scope = staff_scope(session, supervisor, HOUSEHOLDS)
    query = select(Household).where(Household.status == HouseholdStatus.SUBMITTED,
                                    Household.submitted_at.is_not(None))
    if supervisor.area_id is not None:
        query = query.where(_in_area(session, supervisor.area_id))
    elif not scope.everywhere:
        query = query.where(scope.where(Household.area_id))
    if tehsil_id is not None:
        query = query.where(Household.area_id == tehsil_id, scope.where(Household.area_id))
    if enumerator_id is not None:
        query = query.where(Household.enumerator_id == enumerator_id)
    if flagged is True:
        query = query.where(Household.flag_count > 0)
    elif flagged is False:
        query = query.where(Household.flag_count == 0)
    if flag_code:  # a household with flags counts them (cross-checks keep flag_count): the flagged index serves
        query = query.where(Household.flag_count > 0, exists().where(HouseholdFlag.household_id == Household.id, HouseholdFlag.code == flag_code))
    if older_than_days:
        query = query.where(Household.submitted_at <= (now or utcnow()) - timedelta(days=older_than_days))
    # Two steps: the page's keys from the queue's index alone (an index-only range, even where a filter must
    # look at many entries, as one kind of flag does), then those households whole, by primary key.
    page = paginate(session, query.options(load_only(Household.id, Household.submitted_at)), QUEUE_ORDER, cursor,
                    limit=limit)
    if page.rows:
        ids = [h.id for h in page.rows]
        whole = {h.id: h for h in session.scalars(
            select(Household).where(Household.id.in_(ids)).options(selectinload(Household.area))
            .execution_options(populate_existing=True))}
        page.rows = [whole[i] for i in ids]
    return page


def flag_codes(session: Session) -> list[str]:
    """The flag codes in use, in order: one index probe per code (a loose scan of the code index), so the
    filter's choices cost a few probes whatever the number of flags."""
    if session.get_bind().dialect.name != "postgresql":
        return list(session.scalars(select(HouseholdFlag.code).distinct().order_by(HouseholdFlag.code)))
    rows = session.execute(text("""
        WITH RECURSIVE codes(code) AS (
            (SELECT code FROM household_flags ORDER BY code LIMIT 1)
            UNION ALL
            SELECT (SELECT f.code FROM household_flags f WHERE f.code > codes.code ORDER BY f.code LIMIT 1)
            FROM codes WHERE codes.code IS NOT NULL)
        SELECT code FROM codes WHERE code IS NOT NULL"""))
    return [code for (code,) in rows]


def area_enumerators(session: Session, supervisor: User) -> list[User]:
    """The enumerators working in the supervisor's area, for the queue's filter."""
    scope = staff_scope(session, supervisor, HOUSEHOLDS)
    return list(session.scalars(select(User).where(User.role == Role.ENUMERATOR, scope.where(User.area_id))
                                .order_by(User.full_name, User.id).limit(500)))


# --- decisions ------------------------------------------------------------------------------------------


@dataclass
class ReviewResult:
    ok: bool
    # conflict (someone changed it since the page was made), already (this decision was taken before),
    # not_allowed (the household's state does not allow it), forbidden (outside the actor's area), invalid
    reason: str = ""
    household: Household | None = None
    problems: dict = field(default_factory=dict)  # invalid: field -> message code


def may_review(session: Session, actor: User, household: Household) -> bool:
    """Per record: a supervisor within their area, an admin everywhere (the staff scope rule)."""
    return actor.role in (Role.SUPERVISOR, Role.ADMIN) and staff_scope(session, actor, HOUSEHOLDS).covers(household.area_id)


def _may_reopen(session: Session, actor: User, household: Household) -> bool:
    # The helpdesk reopens a verified household for a re-survey a citizen asked for: by the citizens' rule.
    if actor.role == Role.HELPDESK:
        return staff_scope(session, actor, CITIZENS).covers(household.area_id)
    return may_review(session, actor, household)


def household_account(session: Session, household: Household) -> User | None:
    """The verified citizen account linked to the household, if any (one met at the door may have none)."""
    return session.scalars(select(User).where(User.household_id == household.id, User.role == Role.CITIZEN,
                                              User.mobile.is_not(None), User.mobile_verified_at.is_not(None))
                           .order_by(User.id).limit(1)).first()


def _tell_household(session: Session, ctx: ServiceContext, household: Household, target: HouseholdStatus) -> None:
    account = household_account(session, household)
    if account is not None:
        ctx.notifier.send_sms(session, account.mobile, DECISION_SMS[target], locale=account.locale or "ur",
                              purpose="review")


def _decide(session: Session, ctx: ServiceContext, household: Household, target: HouseholdStatus, *,
            expected_version: int, actor: User, reason: str, action: str, values: dict | None = None,
            allowed=may_review) -> ReviewResult:
    if not allowed(session, actor, household):
        return ReviewResult(False, "forbidden", household)
    if household.status == target:
        return ReviewResult(False, "already", household)
    if household.version != expected_version:
        return ReviewResult(False, "conflict", household)
    try:
        check_move(household.status, target)
    except StatusMoveError:
        return ReviewResult(False, "not_allowed", household)
    previous = household.status
    before = (household.area_id, household.status)
    now = ctx.now()
    # Guarded: written only if nobody changed the household since the page was made.
    written = session.execute(
        update(Household)
        .where(Household.id == household.id, Household.version == expected_version, Household.status == previous)
        .values(status=target, version=Household.version + 1, updated_at=now, **(values or {}))
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(household)
    if not written:
        return ReviewResult(False, "already" if household.status == target else "conflict", household)
    summaries.count_household_change(session, before, (household.area_id, household.status))
    session.add(HouseholdStatusChange(household_id=household.id, from_status=previous, to_status=target,
                                      actor_id=actor.id, reason=reason, at=now))
    audit.record(session, ctx, action, actor_id=actor.id, cnic=household.head_cnic, outcome=str(household.id),
                 detail={"version": household.version}, household_id=household.id, area_id=household.district_id,
                 reason=reason)
    _tell_household(session, ctx, household, target)
    return ReviewResult(True, household=household)


def _reason_problem(reason: str | None) -> str | None:
    reason = (reason or "").strip()
    if not reason:
        return "required"
    if len(reason) > REASON_MAX:
        return "too_long"
    return None


def approve(session: Session, ctx: ServiceContext, household: Household, *, expected_version: int, actor: User,
            note: str | None = None) -> ReviewResult:
    """submitted → verified."""
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        return ReviewResult(False, "invalid", household, {"note": "too_long"})
    result = _decide(session, ctx, household, HouseholdStatus.VERIFIED, expected_version=expected_version, actor=actor,
                     reason=note or APPROVED, action="household.approve", values={"return_reasons": None})
    if result.ok:  # scored on verification, in the same transaction, under the active model
        scoring.score_household(session, ctx, household)
    return result


def return_for_fixes(session: Session, ctx: ServiceContext, household: Household, *, expected_version: int,
                     actor: User, reasons: dict[str, str]) -> ReviewResult:
    """submitted → returned, with at least one reason, each for a section of the questionnaire."""
    kept = {section: (text_ or "").strip() for section, text_ in (reasons or {}).items() if (text_ or "").strip()}
    problems = {section: "unknown_section" for section in kept if section not in RETURNABLE_SECTIONS}
    problems.update({section: "too_long" for section, text_ in kept.items() if len(text_) > REASON_MAX})
    if not kept:
        problems["reasons"] = "required"
    if problems:
        return ReviewResult(False, "invalid", household, problems)
    ordered = {section: kept[section] for section in RETURNABLE_SECTIONS if section in kept}
    summary = "\n".join(f"{section}: {text_}" for section, text_ in ordered.items())
    return _decide(session, ctx, household, HouseholdStatus.RETURNED, expected_version=expected_version, actor=actor,
                   reason=summary, action="household.return", values={"return_reasons": ordered})


def reject(session: Session, ctx: ServiceContext, household: Household, *, expected_version: int, actor: User,
           reason: str) -> ReviewResult:
    """submitted → rejected, with the reason the citizen reads."""
    problem = _reason_problem(reason)
    if problem:
        return ReviewResult(False, "invalid", household, {"reason": problem})
    result = _decide(session, ctx, household, HouseholdStatus.REJECTED, expected_version=expected_version,
                     actor=actor, reason=reason.strip(), action="household.reject")
    if result.ok:  # a rejected household collides with nobody: the households it was flagged against clear
        cross_checks.recheck(session, ctx, household)
    return result


def reopen(session: Session, ctx: ServiceContext, household: Household, *, expected_version: int, actor: User,
           reason: str) -> ReviewResult:
    """verified → draft, with a reason: the only way a verified household changes. Its revisions stay as they
    are; the next submit makes a new one."""
    problem = _reason_problem(reason)
    if problem:
        return ReviewResult(False, "invalid", household, {"reason": problem})
    if household.status == HouseholdStatus.DRAFT:
        return ReviewResult(False, "already", household)
    return _decide(session, ctx, household, HouseholdStatus.DRAFT, expected_version=expected_version, actor=actor,
                   reason=reason.strip(), action="household.reopen", values={"return_reasons": None},
                   allowed=_may_reopen)


def latest_reason(session: Session, household: Household, status: str) -> str | None:
    """Why the household last moved to `status` (a rejection's reason, for the citizen)."""
    return session.scalar(select(HouseholdStatusChange.reason)
                          .where(HouseholdStatusChange.household_id == household.id,
                                 HouseholdStatusChange.to_status == status)
                          .order_by(HouseholdStatusChange.at.desc(), HouseholdStatusChange.id.desc()).limit(1))


def timeline(session: Session, household: Household) -> list[HouseholdStatusChange]:
    """Every move of the household, oldest first, with who made it."""
    return list(session.scalars(select(HouseholdStatusChange)
                                .where(HouseholdStatusChange.household_id == household.id)
                                .order_by(HouseholdStatusChange.at, HouseholdStatusChange.id)))


# --- revisions side by side -----------------------------------------------------------------------------


@dataclass
class RevisionView:
    """One revision as a record the review's summary can read (answers as on a household: dates as dates,
    the tehsil as its area), and which answers differ from the revision before it."""

    revision: HouseholdRevision
    record: SimpleNamespace
    changed: set = field(default_factory=set)  # (None, column) for the household, (member id, column) per member
    added_members: set = field(default_factory=set)
    removed_members: set = field(default_factory=set)


def _plain_value(question, value, areas: dict):
    if value is None:
        return None
    if question.type == QuestionType.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    if question.type == QuestionType.AREA:
        return areas.get(value)
    return value


def _record(snapshot: dict, areas: dict) -> SimpleNamespace:
    household = snapshot.get("household") or {}
    values = {}
    for question in CATALOGUE:
        if question.table == "households":
            raw = household.get(question.column_name)
            name = question.column_name.removesuffix("_id") if question.type == QuestionType.AREA else question.column_name
            values[name] = _plain_value(question, raw, areas)
    members = []
    for member in snapshot.get("members") or []:
        fields = {q.column_name: _plain_value(q, member.get(q.column_name), areas) for q in CATALOGUE.section("members")}
        members.append(SimpleNamespace(id=member.get("id"), position=member.get("position"), **fields))
    return SimpleNamespace(**values, members=members)


def revisions_compared(session: Session, household: Household) -> list[RevisionView]:
    """The household's revisions, oldest first, each with what changed since the one before."""
    revisions = list(session.scalars(select(HouseholdRevision).where(HouseholdRevision.household_id == household.id)
                                     .order_by(HouseholdRevision.number)))
    area_ids = {r.snapshot.get("household", {}).get("area_id") for r in revisions} - {None}
    areas = {a.id: a for a in session.scalars(select(Area).where(Area.id.in_(area_ids)))} if area_ids else {}
    views: list[RevisionView] = []
    household_questions = [q for q in CATALOGUE if q.table == "households"]
    member_questions = CATALOGUE.section("members")
    for revision in revisions:
        view = RevisionView(revision, _record(revision.snapshot, areas))
        if views:
            before, now_ = views[-1].record, view.record
            for q in household_questions:
                if q.value_on(before) != q.value_on(now_):
                    view.changed.add((None, q.column_name))
            old = {m.id: m for m in before.members}
            new = {m.id: m for m in now_.members}
            view.added_members = set(new) - set(old)
            view.removed_members = set(old) - set(new)
            for member_id in set(old) & set(new):
                for q in member_questions:
                    if q.value_on(old[member_id]) != q.value_on(new[member_id]):
                        view.changed.add((member_id, q.column_name))
        views.append(view)
    return views

