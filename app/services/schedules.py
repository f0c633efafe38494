"""Survey schedules: planning a district's or a tehsil's survey, moving its online registrations to
`scheduled` with one SMS each (set-based, in batches a background job commits), and finding the schedule
a citizen's area has."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, insert, literal, select, update
from sqlalchemy.orm import Session

from ..domain.household_status import HouseholdStatus
from ..domain.schedules import date_problem
from ..models import Area, Household, HouseholdStatusChange, SmsMessage, SurveySchedule, User
from . import audit, summaries
from .area_tree import area_tree
from .context import N_, ServiceContext
from .keyset import Keyset, Page, paginate
from .questionnaire import _in_area

SCHEDULE_SMS = N_("PSER: the survey team visits %(area)s from %(start)s to %(end)s. Please keep the CNICs and "
                  "B-forms of your household ready.")
SCHEDULE_SMS_PURPOSE = "survey_schedule"
NOTIFY_JOB = "schedules.notify"
SCHEDULED_AREA_LEVELS = ("district", "tehsil")
BATCH = 1000


class ScheduleError(ValueError):
    """A schedule refused: `code` is end_before_start, ended, unknown_area, area_level, overlap or message."""

    def __init__(self, code: str, clash: SurveySchedule | None = None):
        super().__init__(code)
        self.code, self.clash = code, clash


@dataclass(frozen=True)
class ScheduleInput:
    area_code: str
    starts_on: date
    ends_on: date
    message_ur: str
    message_en: str


def _related_areas(session: Session, area_id: int) -> list[int]:
    """The area, the areas above it and the areas below it: a district's schedule and one of its tehsils'
    would send two teams to the same doors."""
    tree = area_tree(session, must_have=area_id)
    related, above = list(tree.descendants(area_id)), tree.parent.get(area_id)
    while above is not None:
        related.append(above)
        above = tree.parent.get(above)
    return related


def overlapping(session: Session, area_id: int, starts_on: date, ends_on: date) -> SurveySchedule | None:
    return session.scalars(
        select(SurveySchedule)
        .where(SurveySchedule.area_id.in_(_related_areas(session, area_id)), SurveySchedule.starts_on <= ends_on,
               SurveySchedule.ends_on >= starts_on)
        .order_by(SurveySchedule.starts_on).limit(1)
    ).first()


def create_schedule(session: Session, ctx: ServiceContext, actor: User, data: ScheduleInput) -> SurveySchedule:
    """Check and save a schedule, then start the job that moves the area's online registrations to
    `scheduled` and tells each by SMS (it runs once this transaction commits). Raises ScheduleError."""
    problem = date_problem(data.starts_on, data.ends_on, ctx.now().date())
    if problem:
        raise ScheduleError(problem)
    area = session.scalars(select(Area).where(Area.code == data.area_code)).first()
    if area is None:
        raise ScheduleError("unknown_area")
    if area.level not in SCHEDULED_AREA_LEVELS:
        raise ScheduleError("area_level")
    if not data.message_ur.strip() or not data.message_en.strip():
        raise ScheduleError("message")
    district = area_tree(session, must_have=area.id).district_of(area.id)
    if session.get_bind().dialect.name == "postgresql":
        # Two admins planning the same district at once: the second waits, then sees the first's schedule.
        session.execute(select(Area.id).where(Area.id == district).with_for_update())
    clash = overlapping(session, area.id, data.starts_on, data.ends_on)
    if clash is not None:
        raise ScheduleError("overlap", clash)
    schedule = SurveySchedule(area_id=area.id, starts_on=data.starts_on, ends_on=data.ends_on,
                              message_ur=data.message_ur.strip(), message_en=data.message_en.strip(),
                              created_by=actor.id, created_at=ctx.now())
    session.add(schedule)
    session.flush()
    audit.record(session, ctx, "schedule.create", actor_id=actor.id, outcome=area.code,
                 detail={"schedule": schedule.id, "after": {"area": area.code, "starts_on": data.starts_on.isoformat(),
                                                            "ends_on": data.ends_on.isoformat()}})
    from ..jobs import enqueue

    enqueue(session, NOTIFY_JOB, schedule_id=schedule.id)
    return schedule


def _sms_body(ctx: ServiceContext, schedule: SurveySchedule, locale: str) -> str:
    params = {"area": schedule.area.name(locale), "start": schedule.starts_on.strftime("%d-%m-%Y"),
              "end": schedule.ends_on.strftime("%d-%m-%Y")}
    return ctx.notifier.translate(SCHEDULE_SMS, locale, **params)


def schedule_batch(session: Session, ctx: ServiceContext, schedule_id: int, *, limit: int = BATCH) -> int:
    """Move up to `limit` of the area's `registered` households to `scheduled`, in one guarded UPDATE, with
    their status-change rows, the summary counts and one SMS each in the household's language; returns how
    many moved (0: none left). Only rows this UPDATE moved get a message, so a retried batch, a second run
    or a household an enumerator started meanwhile is never told twice."""
    schedule = session.get(SurveySchedule, schedule_id)
    if schedule is None:
        return 0
    waiting = (select(Household.id).where(_in_area(session, schedule.area_id),
                                          Household.status == HouseholdStatus.REGISTERED).limit(limit))
    now = ctx.now()
    moved = session.execute(
        update(Household)
        .where(Household.id.in_(waiting.scalar_subquery()), Household.status == HouseholdStatus.REGISTERED)
        .values(status=HouseholdStatus.SCHEDULED, updated_at=now)
        .returning(Household.id, Household.area_id)
        .execution_options(synchronize_session=False)
    ).all()
    if not moved:
        return 0
    ids = [row.id for row in moved]
    session.execute(insert(HouseholdStatusChange), [
        {"household_id": i, "from_status": HouseholdStatus.REGISTERED, "to_status": HouseholdStatus.SCHEDULED,
         "actor_id": schedule.created_by, "reason": f"survey schedule {schedule.id}", "at": now} for i in ids])
    summaries.apply_deltas(session.connection(), summaries.household_moves(
        (row.area_id, HouseholdStatus.REGISTERED, HouseholdStatus.SCHEDULED) for row in moved))
    _queue_messages(session, ctx, schedule, ids, now)
    schedule.households_scheduled = (schedule.households_scheduled or 0) + len(ids)
    session.flush()
    return len(ids)


def _queue_messages(session: Session, ctx: ServiceContext, schedule: SurveySchedule, household_ids: list[int],
                    now) -> None:
    """One SMS per household, to its citizen's mobile, in their language: one INSERT … SELECT per language."""
    from ..jobs import enqueue_once
    from .sms import SEND_JOB
    from .sms_delivery import backend_named

    backend = ctx.settings["SMS_BACKEND"] or "console"
    backend_named(backend)
    columns = ["to_mobile", "body", "purpose", "backend", "status", "created_at", "attempts"]
    citizens = and_(User.household_id.in_(household_ids), User.mobile.is_not(None))
    for locale, chosen in (("en", User.locale == "en"), ("ur", (User.locale != "en") | User.locale.is_(None))):
        session.execute(insert(SmsMessage).from_select(columns, select(
            User.mobile, literal(_sms_body(ctx, schedule, locale)), literal(SCHEDULE_SMS_PURPOSE), literal(backend),
            literal("queued"), literal(now, SmsMessage.created_at.type), literal(0)).where(citizens, chosen)))
    enqueue_once(session, SEND_JOB)


def waiting_households(session: Session, schedule_id: int) -> int:
    """How many of the area's households still wait to be moved (the job's progress total)."""
    from sqlalchemy import func

    schedule = session.get(SurveySchedule, schedule_id)
    if schedule is None:
        return 0
    return session.scalar(select(func.count()).select_from(Household).where(
        _in_area(session, schedule.area_id), Household.status == HouseholdStatus.REGISTERED)) or 0


def schedule_for_area(session: Session, area_id: int | None, today: date) -> SurveySchedule | None:
    """The current or next schedule of an area, of its district (or of the area above): the first to end."""
    if area_id is None:
        return None
    tree = area_tree(session, must_have=area_id)
    chain, above = [], area_id
    while above is not None:
        chain.append(above)
        above = tree.parent.get(above)
    return session.scalars(
        select(SurveySchedule).where(SurveySchedule.area_id.in_(chain), SurveySchedule.ends_on >= today)
        .order_by(SurveySchedule.starts_on, SurveySchedule.id).limit(1)
    ).first()


def schedule_new_registration(session: Session, ctx: ServiceContext, household: Household) -> bool:
    """A registered household whose area gets known after its area was scheduled (the citizen told it on
    /me): it moves to `scheduled` too, and gets the schedule's SMS once."""
    if household.status != HouseholdStatus.REGISTERED or household.area_id is None:
        return False
    schedule = schedule_for_area(session, household.area_id, ctx.now().date())
    if schedule is None:
        return False
    session.flush()
    before = (household.area_id, household.status)
    moved = session.execute(
        update(Household).where(Household.id == household.id, Household.status == HouseholdStatus.REGISTERED)
        .values(status=HouseholdStatus.SCHEDULED, updated_at=ctx.now()).execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        return False
    session.add(HouseholdStatusChange(household_id=household.id, from_status=HouseholdStatus.REGISTERED,
                                      to_status=HouseholdStatus.SCHEDULED, reason=f"survey schedule {schedule.id}",
                                      at=ctx.now()))
    summaries.count_household_change(session, before, (household.area_id, HouseholdStatus.SCHEDULED))
    _queue_messages(session, ctx, schedule, [household.id], ctx.now())
    session.refresh(household)
    return True


SCHEDULE_ORDER = Keyset(columns=(SurveySchedule.id,), kinds=(int,), descending=True)


def schedules_page(session: Session, cursor: str | None = None, *, limit: int = 50) -> Page:
    """The latest schedules first; raises keyset.BadCursor for a cursor this list did not make."""
    return paginate(session, select(SurveySchedule), SCHEDULE_ORDER, cursor, limit=limit)
