"""Back-checks as use cases: drawing a sample of each enumerator's approved households for a re-visit by
another enumerator of the area, the blind re-visit and its comparison with the submitted revision, and the
supervisor's reports (discrepancy per enumerator and per question; each enumerator's quality figures).

The draw and the reports are set-based: a few GROUP BY statements within the viewer's area, whatever the
number of households; only the drawn sample (5% of a week's approvals) is handled row by row, to assign it.
The enumerator quality figures (pace, time per survey, flags, returns) are counted set-based into the small
table enumerator_figures by the daily draw job (and `flask backcheck figures`), so the page reads one row per
enumerator of the area however many households the district holds; the back-check discrepancy is read live
(the done back-checks are few). See bench/back_checks.py for what both cost at 1 million households."""
from __future__ import annotations

import secrets
import statistics
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import BigInteger, Date, and_, case, cast, delete, distinct, exists, func, insert, literal, select, update
from sqlalchemy.orm import Session, selectinload

from ..domain.back_checks import (MIN_SHOWN, PRIME, SAMPLE_PERCENT, assign, compare, rate, seed_factors,
                                  submitted_answers, window_start)
from ..domain.catalogue import BACK_CHECK
from ..domain.household_status import HouseholdStatus
from ..domain.roles import Role
from ..models import (BackCheck, BackCheckAnswer, EnumeratorFigures, Household, HouseholdRevision, HouseholdStatusChange,
                      User)
from . import audit
from .area_tree import area_tree
from .context import ServiceContext
from .staff_scope import HOUSEHOLDS, NOWHERE, StaffScope, staff_scope

ASSIGNED, DONE = "assigned", "done"
BACK_CHECK_KEYS = tuple(q.key for q in BACK_CHECK)
# Households whose survey reached a supervisor (the denominator of the flag rate).
SUBMITTED_OR_LATER = (HouseholdStatus.SUBMITTED, HouseholdStatus.RETURNED, HouseholdStatus.VERIFIED,
                      HouseholdStatus.REJECTED)


def new_seed() -> int:
    """A fresh seed for a draw nobody can predict (tests and re-runs pass their own)."""
    return secrets.randbelow(2**31 - 1)


# --- the draw ---------------------------------------------------------------------------------------------


@dataclass
class DrawReport:
    seed: int
    drawn: int = 0
    assigned: int = 0
    unassigned: int = 0
    enumerators: int = 0  # enumerators with at least one household drawn
    reassigned: int = 0  # earlier back-checks that waited for an enumerator and now have one


def sample_query(now: datetime, seed: int):
    """Per enumerator, 5% (rounded up) of the households approved in the last 7 days, those drawn before
    counting towards it; the fresh ones in the seed's order. One statement (window functions), the same rule
    as domain.back_checks.draw."""
    offset, multiplier = seed_factors(seed)
    approvals = (select(HouseholdStatusChange.household_id.label("household_id"),
                        func.max(HouseholdStatusChange.at).label("approved_at"))
                 .where(HouseholdStatusChange.to_status == HouseholdStatus.VERIFIED,
                        HouseholdStatusChange.at >= window_start(now), HouseholdStatusChange.at <= now)
                 .group_by(HouseholdStatusChange.household_id).subquery())
    key = ((cast(Household.id, BigInteger) + literal(offset, BigInteger)) * literal(multiplier, BigInteger)) % PRIME
    drawn = case((exists().where(BackCheck.household_id == Household.id), 1), else_=0)
    ranked = (select(Household.id.label("household_id"), Household.enumerator_id, Household.area_id,
                     approvals.c.approved_at, drawn.label("drawn"),
                     func.row_number().over(partition_by=(Household.enumerator_id, drawn),
                                            order_by=(key, Household.id)).label("place"),
                     func.count().over(partition_by=Household.enumerator_id).label("approved"),
                     func.sum(drawn).over(partition_by=Household.enumerator_id).label("drawn_before"))
              .join(approvals, approvals.c.household_id == Household.id)
              .where(Household.status == HouseholdStatus.VERIFIED, Household.enumerator_id.is_not(None))
              .subquery())
    return (select(ranked.c.household_id, ranked.c.enumerator_id, ranked.c.area_id, ranked.c.approved_at)
            .where(ranked.c.drawn == 0,
                   ranked.c.place <= (ranked.c.approved * SAMPLE_PERCENT + 99) // 100 - ranked.c.drawn_before)
            .order_by(ranked.c.household_id))


def _revisitors(session: Session, area_ids: set[int | None]) -> dict[int | None, list[int]]:
    """For each household area, the active enumerators who work there (their area is it or lies above it)."""
    enumerators = session.execute(select(User.id, User.area_id).where(User.role == Role.ENUMERATOR,
                                                                     User.disabled.is_(False),
                                                                     User.area_id.is_not(None))).all()
    if not enumerators:
        return {}
    tree = area_tree(session)
    covering: dict[int | None, list[int]] = {a: [] for a in area_ids}
    for enumerator_id, own_area in enumerators:
        below = set(tree.descendants(own_area)) if own_area in tree else {own_area}
        for area_id in area_ids:
            if area_id in below:
                covering[area_id].append(enumerator_id)
    return covering


def draw(session: Session, ctx: ServiceContext, *, seed: int | None = None, now: datetime | None = None,
         actor: User | None = None) -> DrawReport:
    """Draw this week's back-checks and assign each to another enumerator of its area (the least loaded;
    nobody → left unassigned, and the supervisor's report shows it). The caller commits."""
    now = now or ctx.now()
    seed = new_seed() if seed is None else int(seed)
    report = DrawReport(seed=seed)
    sample = session.execute(sample_query(now, seed)).all()
    # Back-checks an earlier draw could not assign (nobody else in the area then) get another chance.
    waiting = session.execute(select(BackCheck.id, BackCheck.household_id, BackCheck.original_enumerator_id,
                                     BackCheck.area_id)
                              .where(BackCheck.state == ASSIGNED, BackCheck.assigned_enumerator_id.is_(None))).all()
    if sample or waiting:
        load = dict(session.execute(select(BackCheck.assigned_enumerator_id, func.count())
                                    .where(BackCheck.state == ASSIGNED, BackCheck.assigned_enumerator_id.is_not(None))
                                    .group_by(BackCheck.assigned_enumerator_id)).all())
        revisitors = _revisitors(session, {row.area_id for row in (*sample, *waiting)})
        chosen = assign([*((row.household_id, row.enumerator_id, row.area_id) for row in sample),
                         *((row.household_id, row.original_enumerator_id, row.area_id) for row in waiting)],
                        revisitors, load)
        for row in waiting:
            if chosen[row.household_id] is not None:
                session.execute(update(BackCheck).where(BackCheck.id == row.id)
                                .values(assigned_enumerator_id=chosen[row.household_id]))
        if sample:
            session.execute(insert(BackCheck), [
                {"household_id": row.household_id, "original_enumerator_id": row.enumerator_id,
                 "assigned_enumerator_id": chosen[row.household_id], "area_id": row.area_id,
                 "approved_at": row.approved_at, "drawn_at": now, "seed": seed, "state": ASSIGNED,
                 "compared": 0, "disagreements": 0} for row in sample])
        report.drawn = len(sample)
        report.assigned = sum(1 for row in sample if chosen[row.household_id] is not None)
        report.unassigned = report.drawn - report.assigned
        report.reassigned = sum(1 for row in waiting if chosen[row.household_id] is not None)
        report.enumerators = len({row.enumerator_id for row in sample})
    audit.record(session, ctx, "backcheck.draw", actor_id=actor.id if actor else None, outcome=str(report.drawn),
                 detail={"seed": seed, "assigned": report.assigned, "unassigned": report.unassigned,
                         "reassigned": report.reassigned})
    return report


# --- the re-visit -----------------------------------------------------------------------------------------


def assigned_to(session: Session, enumerator: User, limit: int = 50) -> list[BackCheck]:
    """The enumerator's open back-checks, the oldest drawn first (one index range)."""
    return list(session.scalars(
        select(BackCheck).where(BackCheck.assigned_enumerator_id == enumerator.id, BackCheck.state == ASSIGNED)
        .options(selectinload(BackCheck.household), selectinload(BackCheck.area))
        .order_by(BackCheck.drawn_at, BackCheck.id).limit(limit)))


def may_revisit(user: User, back_check: BackCheck) -> bool:
    """Only the enumerator it was assigned to fills a back-check."""
    return user.role == Role.ENUMERATOR and back_check.assigned_enumerator_id == user.id


def open_for_revisit(session: Session, ctx: ServiceContext, user: User, back_check_id: int,
                     *, ip: str | None = None) -> BackCheck | None:
    """The back-check for its assigned enumerator (None for anyone else), the look audited: the page shows
    where the household lives, never what the first visit answered."""
    back_check = session.get(BackCheck, back_check_id)
    if back_check is None or not may_revisit(user, back_check):
        return None
    audit.record_household_read(session, ctx, back_check.household, actor=user, reason=audit.REASON_BACK_CHECK,
                                ip=ip, action="backcheck.open", outcome=str(back_check.id))
    return back_check


def latest_submitted_revision(session: Session, household_id: int) -> HouseholdRevision | None:
    return session.scalars(select(HouseholdRevision)
                           .where(HouseholdRevision.household_id == household_id,
                                  HouseholdRevision.reason == "submitted")
                           .order_by(HouseholdRevision.number.desc()).limit(1)).first()


@dataclass
class RevisitResult:
    ok: bool
    reason: str = ""  # already (saved before), forbidden
    agreement: dict[str, bool] = field(default_factory=dict)


def save_revisit(session: Session, ctx: ServiceContext, back_check: BackCheck, answers: dict, *,
                 actor: User) -> RevisitResult:
    """Keep the re-visit's answers and, per question, whether they agree with the household's latest
    submitted revision. Saved once: a second save (a double tap, a second tab) changes nothing."""
    if not may_revisit(actor, back_check):
        return RevisitResult(False, "forbidden")
    answers = {key: answers.get(key) for key in BACK_CHECK_KEYS}
    revision = latest_submitted_revision(session, back_check.household_id)
    original = submitted_answers(revision.snapshot if revision else {}, BACK_CHECK_KEYS)
    agreement = compare(original, answers)
    disagreements = sum(1 for same in agreement.values() if not same)
    now = ctx.now()
    written = session.execute(
        update(BackCheck).where(BackCheck.id == back_check.id, BackCheck.state == ASSIGNED)
        .values(state=DONE, answers=answers, done_at=now, compared=len(agreement), disagreements=disagreements,
                revision_number=revision.number if revision else None)
        .execution_options(synchronize_session=False)).rowcount
    if not written:
        session.refresh(back_check)
        return RevisitResult(False, "already")
    session.execute(insert(BackCheckAnswer), [{"back_check_id": back_check.id, "question_key": key, "agrees": same}
                                              for key, same in agreement.items()])
    session.refresh(back_check)
    audit.record(session, ctx, "backcheck.save", actor_id=actor.id, cnic=back_check.household.head_cnic,
                 outcome=str(back_check.id), detail={"disagreements": disagreements})
    return RevisitResult(True, agreement=agreement)


# --- reports ----------------------------------------------------------------------------------------------


def viewer_scope(session: Session, viewer: User) -> StaffScope:
    """Supervisors read their area's figures, administrators everybody's."""
    if viewer.role not in (Role.SUPERVISOR, Role.ADMIN):
        return NOWHERE
    return staff_scope(session, viewer, HOUSEHOLDS)


@dataclass
class Rate:
    """A share as a percentage, or None when it rests on fewer than MIN_SHOWN households."""

    part: int
    whole: int
    households: int

    @property
    def value(self) -> float | None:
        return rate(self.part, self.whole) if self.households >= MIN_SHOWN else None


@dataclass
class EnumeratorDiscrepancy:
    enumerator_id: int
    name: str
    back_checks: int
    discrepancy: Rate


@dataclass
class QuestionDiscrepancy:
    key: str
    answers: int
    discrepancy: Rate


@dataclass
class BackCheckReport:
    by_enumerator: list[EnumeratorDiscrepancy]
    by_question: list[QuestionDiscrepancy]
    open: int
    unassigned: list[BackCheck]


def _names(session: Session, ids) -> dict[int, str]:
    ids = [i for i in ids if i is not None]
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all()) if ids else {}


def back_check_report(session: Session, ctx: ServiceContext, viewer: User, *, ip: str | None = None) -> BackCheckReport:
    """Discrepancy per enumerator (answers that disagreed among those compared) and per question, over the
    done back-checks of the viewer's area; the open and the unassigned ones. Audited (it names staff and
    lists households)."""
    scope = viewer_scope(session, viewer)
    in_scope = scope.where(BackCheck.area_id)
    per_enumerator = session.execute(
        select(BackCheck.original_enumerator_id, func.count(), func.sum(BackCheck.compared),
               func.sum(BackCheck.disagreements))
        .where(in_scope, BackCheck.state == DONE).group_by(BackCheck.original_enumerator_id)).all()
    names = _names(session, [row[0] for row in per_enumerator])
    by_enumerator = sorted(
        (EnumeratorDiscrepancy(e, names.get(e, "—"), n, Rate(int(d or 0), int(c or 0), n))
         for e, n, c, d in per_enumerator if e is not None),
        key=lambda r: (r.discrepancy.value is None, -(r.discrepancy.value or 0), r.name))
    per_question = {key: (n, int(bad or 0)) for key, n, bad in session.execute(
        select(BackCheckAnswer.question_key, func.count(), func.sum(case((BackCheckAnswer.agrees.is_(False), 1), else_=0)))
        .join(BackCheck, BackCheck.id == BackCheckAnswer.back_check_id)
        .where(in_scope).group_by(BackCheckAnswer.question_key))}
    by_question = []
    for key in BACK_CHECK_KEYS:
        answers, differing = per_question.get(key, (0, 0))
        by_question.append(QuestionDiscrepancy(key, answers, Rate(differing, answers, answers)))
    open_count = session.scalar(select(func.count()).select_from(BackCheck).where(in_scope, BackCheck.state == ASSIGNED))
    unassigned = list(session.scalars(
        select(BackCheck).where(in_scope, BackCheck.state == ASSIGNED, BackCheck.assigned_enumerator_id.is_(None))
        .options(selectinload(BackCheck.household), selectinload(BackCheck.area))
        .order_by(BackCheck.drawn_at, BackCheck.id).limit(50)))
    audit.record(session, ctx, "backcheck.report", actor_id=viewer.id, ip=ip, outcome=str(len(by_enumerator)),
                 detail={"households": [b.household_id for b in unassigned]})
    return BackCheckReport(by_enumerator, by_question, int(open_count or 0), unassigned)


@dataclass
class EnumeratorQuality:
    enumerator_id: int
    name: str
    households: int  # their households that reached a supervisor
    submissions: int
    active_days: int
    returns: int
    flagged: int
    median_minutes: float | None
    back_checks: int
    compared: int
    disagreements: int

    @property
    def enough(self) -> bool:
        return self.households >= MIN_SHOWN

    @property
    def surveys_per_day(self) -> float | None:
        return round(self.submissions / self.active_days, 1) if self.enough and self.active_days else None

    @property
    def minutes(self) -> float | None:
        return round(self.median_minutes, 1) if self.enough and self.median_minutes is not None else None

    @property
    def flag_rate(self) -> float | None:
        return rate(self.flagged, self.households) if self.enough else None

    @property
    def return_rate(self) -> float | None:
        return rate(self.returns, self.submissions) if self.enough else None

    @property
    def discrepancy_rate(self) -> float | None:
        return Rate(self.disagreements, self.compared, self.back_checks).value


def _minutes_between(session: Session, start, end):
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


def _day(session: Session, column):
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def count_figures(session: Session, households=None) -> dict[int, dict]:
    """Each enumerator's figures counted from the households (all, or those matching `households`, a filter
    on Household) and their timelines: four GROUP BY statements, nothing looped per household on PostgreSQL."""
    mine = Household.enumerator_id.is_not(None)
    if households is not None:
        mine = and_(mine, households)
    reached = Household.status.in_([str(s) for s in SUBMITTED_OR_LATER])
    per_household = {e: (int(n or 0), int(f or 0)) for e, n, f in session.execute(
        select(Household.enumerator_id, func.sum(case((reached, 1), else_=0)),
               func.sum(case((and_(reached, Household.flag_count > 0), 1), else_=0)))
        .where(mine).group_by(Household.enumerator_id))}
    change = HouseholdStatusChange
    submitted = change.to_status == HouseholdStatus.SUBMITTED
    per_change = {e: (int(s or 0), int(d or 0), int(r or 0)) for e, s, d, r in session.execute(
        select(Household.enumerator_id, func.sum(case((submitted, 1), else_=0)),
               func.count(distinct(case((submitted, _day(session, change.at)), else_=None))),
               func.sum(case((change.to_status == HouseholdStatus.RETURNED, 1), else_=0)))
        .join(change, change.household_id == Household.id)
        .where(mine, change.to_status.in_([HouseholdStatus.SUBMITTED, HouseholdStatus.RETURNED]))
        .group_by(Household.enumerator_id))}
    # Minutes from the start of the questionnaire (its move to draft) to its first submit, per household.
    durations = (select(Household.enumerator_id.label("enumerator_id"),
                        _minutes_between(session,
                                         func.min(case((change.to_status == HouseholdStatus.DRAFT, change.at), else_=None)),
                                         func.min(case((submitted, change.at), else_=None))).label("minutes"))
                 .join(change, change.household_id == Household.id)
                 .where(mine, change.to_status.in_([HouseholdStatus.DRAFT, HouseholdStatus.SUBMITTED]))
                 .group_by(Household.id, Household.enumerator_id).subquery())
    timed = and_(durations.c.minutes.is_not(None), durations.c.minutes >= 0)
    if session.get_bind().dialect.name == "postgresql":
        medians = dict(session.execute(
            select(durations.c.enumerator_id, func.percentile_cont(0.5).within_group(durations.c.minutes))
            .where(timed).group_by(durations.c.enumerator_id)).all())
    else:  # SQLite has no percentile: the small deployment reads the durations and takes the median here
        lists: dict[int, list[float]] = {}
        for e, minutes in session.execute(select(durations.c.enumerator_id, durations.c.minutes).where(timed)):
            lists.setdefault(e, []).append(float(minutes))
        medians = {e: statistics.median(values) for e, values in lists.items()}
    return {e: {"households": per_household.get(e, (0, 0))[0], "flagged": per_household.get(e, (0, 0))[1],
                "submissions": per_change.get(e, (0, 0, 0))[0], "active_days": per_change.get(e, (0, 0, 0))[1],
                "returns": per_change.get(e, (0, 0, 0))[2],
                "median_minutes": float(medians[e]) if medians.get(e) is not None else None}
            for e in set(per_household) | set(per_change)}


def refresh_enumerator_figures(session: Session, ctx: ServiceContext) -> int:
    """Count every enumerator's figures again (count_figures over the whole registry) and replace the rows of
    enumerator_figures with them. Run by the daily draw job and `flask backcheck figures`; returns how many
    enumerators were counted."""
    figures = count_figures(session)
    enumerators = set(session.scalars(select(User.id).where(User.role == Role.ENUMERATOR)))
    now = ctx.now()
    session.execute(delete(EnumeratorFigures))
    rows = [{"enumerator_id": e, **values, "refreshed_at": now} for e, values in sorted(figures.items())
            if e in enumerators]
    if rows:
        session.execute(insert(EnumeratorFigures), rows)
    return len(rows)


@dataclass
class QualityPage:
    rows: list[EnumeratorQuality]
    refreshed_at: datetime | None  # when the figures were counted (None: never yet)


def enumerator_quality(session: Session, ctx: ServiceContext, viewer: User, *, ip: str | None = None) -> QualityPage:
    """Per enumerator of the viewer's area (their account's area): the figures of the last refresh, and the
    back-check discrepancy as of now. Two small reads, whatever the number of households. Audited."""
    scope = viewer_scope(session, viewer)
    staff = session.execute(
        select(User.id, User.full_name, EnumeratorFigures)
        .outerjoin(EnumeratorFigures, EnumeratorFigures.enumerator_id == User.id)
        .where(User.role == Role.ENUMERATOR, scope.where(User.area_id))
        .order_by(User.full_name, User.id).limit(2000)).all()
    ids = [row[0] for row in staff]
    per_back_check = {e: (int(n or 0), int(c or 0), int(d or 0)) for e, n, c, d in session.execute(
        select(BackCheck.original_enumerator_id, func.count(), func.sum(BackCheck.compared),
               func.sum(BackCheck.disagreements))
        .where(BackCheck.original_enumerator_id.in_(ids), BackCheck.state == DONE)
        .group_by(BackCheck.original_enumerator_id))} if ids else {}
    rows = []
    for e, name, figures in staff:
        f = figures or EnumeratorFigures(households=0, flagged=0, submissions=0, active_days=0, returns=0)
        rows.append(EnumeratorQuality(e, name, f.households or 0, f.submissions or 0, f.active_days or 0,
                                      f.returns or 0, f.flagged or 0, f.median_minutes,
                                      *per_back_check.get(e, (0, 0, 0))))
    refreshed = [row[2].refreshed_at for row in staff if row[2] is not None]
    audit.record(session, ctx, "enumerator.quality", actor_id=viewer.id, ip=ip, outcome=str(len(rows)))
    return QualityPage(rows, max(refreshed) if refreshed else None)
