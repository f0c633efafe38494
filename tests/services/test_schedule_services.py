"""Survey schedules as use cases: the area's online registrations move to `scheduled` with one SMS each in
their language, a retried run tells nobody twice, and overlapping or impossible dates are refused."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.household_status import HouseholdStatus
from app.domain.roles import Role
from app.models import AuditEntry, BackgroundJob, Household, HouseholdCount, HouseholdStatusChange, SmsMessage
from app.services.areas import find_area
from app.services.announcements import AnnouncementInput, create_announcement, current_announcements
from app.services.registration import set_home_area
from app.services.schedules import (ScheduleError, ScheduleInput, create_schedule, schedule_batch,
                                    schedule_for_area)
from app.services.summaries import rebuild_summaries
from tests.factories import make_household, make_user
from tests.services.conftest import FIXED_NOW, count_rows

TODAY = FIXED_NOW.date()


@pytest.fixture
def ctx(app, clock):
    """The portal's own notifier: these messages are translated once per language and queued set-based."""
    from app.services.context import ServiceContext

    return ServiceContext.from_config(app.config, clock=clock)


def _plan(area_code="DST-LHR", start=TODAY + timedelta(days=3), end=TODAY + timedelta(days=10)):
    return ScheduleInput(area_code=area_code, starts_on=start, ends_on=end, message_ur="سروے ٹیم آ رہی ہے",
                         message_en="The survey team is coming")


def _counts(session) -> dict:
    return dict(session.execute(select(HouseholdCount.status, func.sum(HouseholdCount.households))
                                .group_by(HouseholdCount.status)).all())


@pytest.fixture
def admin(session):
    return make_user(session, role=Role.ADMIN)


def test_a_schedule_moves_the_areas_registrations_to_scheduled_with_one_sms_each_in_their_language(
        session, ctx, admin):
    urdu = make_user(session, area="Lahore", mobile="03001111111", locale="ur")
    english = make_user(session, area=find_area(session, "Lahore"), mobile="03002222222", locale="en")
    multan = make_user(session, area="Multan", mobile="03003333333")
    started = make_household(session, area="Lahore", status=HouseholdStatus.DRAFT)
    session.commit()
    rebuild_summaries(session)
    session.commit()
    before = _counts(session)

    schedule = create_schedule(session, ctx, admin, _plan())
    assert schedule_batch(session, ctx, schedule.id, limit=1) == 1  # in batches, however large the area
    assert schedule_batch(session, ctx, schedule.id) == 1
    assert schedule_batch(session, ctx, schedule.id) == 0
    session.commit()

    status = {h.id: h.status for h in session.scalars(select(Household))}
    assert status[urdu.household_id] == status[english.household_id] == HouseholdStatus.SCHEDULED
    assert status[multan.household_id] == HouseholdStatus.REGISTERED and status[started.id] == HouseholdStatus.DRAFT
    messages = {m.to_mobile: m.body for m in session.scalars(select(SmsMessage))}
    assert set(messages) == {"03001111111", "03002222222"}
    assert "survey team" in messages["03002222222"] and "Lahore" in messages["03002222222"]
    assert "لاہور" in messages["03001111111"] and "survey" not in messages["03001111111"]
    changes = session.scalars(select(HouseholdStatusChange).where(
        HouseholdStatusChange.to_status == HouseholdStatus.SCHEDULED)).all()
    assert {c.household_id for c in changes} == {urdu.household_id, english.household_id}
    assert all(c.from_status == HouseholdStatus.REGISTERED and c.actor_id == admin.id for c in changes)
    after = _counts(session)
    assert after["registered"] == before["registered"] - 2 and after["scheduled"] == before.get("scheduled", 0) + 2
    rebuild_summaries(session)  # the bulk move kept the counts exactly
    assert _counts(session) == after
    assert session.get(type(schedule), schedule.id).households_scheduled == 2


def test_a_retried_or_second_run_tells_nobody_twice(session, ctx, admin):
    make_user(session, area="Lahore", mobile="03001111111")
    session.commit()
    schedule = create_schedule(session, ctx, admin, _plan())
    session.commit()
    # The job ran once when the schedule was committed (inline without Redis): run the batches again.
    assert count_rows(session, SmsMessage, SmsMessage.purpose == "survey_schedule") == 1
    assert schedule_batch(session, ctx, schedule.id) == 0
    session.commit()
    assert count_rows(session, SmsMessage, SmsMessage.purpose == "survey_schedule") == 1
    job = session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "schedules.notify")).one()
    assert job.state == "done" and job.result == {"scheduled": 1}


def test_a_batch_rolled_back_is_done_again_and_sent_once(session, ctx, admin):
    make_user(session, area="Lahore", mobile="03001111111")
    session.commit()
    schedule = create_schedule(session, ctx, admin, _plan())
    session.flush()
    schedule_id = schedule.id
    session.commit()
    # Undo what the job did, as if its worker had died before committing: the household waits again.
    session.execute(Household.__table__.update().values(status="registered"))
    session.execute(SmsMessage.__table__.delete())
    session.commit()
    assert schedule_batch(session, ctx, schedule_id) == 1
    session.rollback()  # the batch's transaction is lost
    assert schedule_batch(session, ctx, schedule_id) == 1
    session.commit()
    assert count_rows(session, SmsMessage) == 1


@pytest.mark.parametrize(("plan", "code"), [
    (_plan(start=TODAY + timedelta(days=5), end=TODAY + timedelta(days=4)), "end_before_start"),
    (_plan(start=TODAY - timedelta(days=9), end=TODAY - timedelta(days=1)), "ended"),
    (_plan(area_code="DST-NOWHERE"), "unknown_area"),
    (_plan(area_code="DIV-LHR"), "area_level"),
])
def test_impossible_schedules_are_refused_with_a_reason(session, ctx, admin, plan, code):
    with pytest.raises(ScheduleError) as refused:
        create_schedule(session, ctx, admin, plan)
    assert refused.value.code == code


def test_an_overlapping_schedule_for_the_same_area_or_its_tehsils_is_refused(session, ctx, admin):
    lahore = find_area(session, "Lahore")
    tehsil = next(a for a in lahore.children if a.level == "tehsil")
    create_schedule(session, ctx, admin, _plan())
    session.commit()
    for plan in (_plan(start=TODAY + timedelta(days=10), end=TODAY + timedelta(days=12)),
                 _plan(area_code=tehsil.code, start=TODAY + timedelta(days=1), end=TODAY + timedelta(days=3))):
        with pytest.raises(ScheduleError) as refused:
            create_schedule(session, ctx, admin, plan)
        assert refused.value.code == "overlap" and refused.value.clash.area_id == lahore.id
    # The day after it ends is free, and so is another district on the same days.
    create_schedule(session, ctx, admin, _plan(start=TODAY + timedelta(days=11), end=TODAY + timedelta(days=12)))
    create_schedule(session, ctx, admin, _plan(area_code="DST-MUL"))
    session.commit()
    assert count_rows(session, AuditEntry, AuditEntry.action == "schedule.create") == 3


def test_a_citizen_sees_the_schedule_of_their_tehsils_district_and_is_scheduled_on_telling_their_area(
        session, ctx, admin):
    lahore = find_area(session, "Lahore")
    tehsil = next(a for a in lahore.children if a.level == "tehsil")
    citizen = make_user(session, mobile="03004444444")  # registered with no area yet
    session.commit()
    schedule = create_schedule(session, ctx, admin, _plan())
    session.commit()
    assert schedule_for_area(session, tehsil.id, TODAY).id == schedule.id
    assert schedule_for_area(session, find_area(session, "Multan").id, TODAY) is None
    assert schedule_for_area(session, tehsil.id, TODAY + timedelta(days=11)) is None  # over

    assert set_home_area(session, ctx, citizen, tehsil)
    session.commit()
    assert session.get(Household, citizen.household_id).status == HouseholdStatus.SCHEDULED
    assert [m.to_mobile for m in session.scalars(select(SmsMessage))] == ["03004444444"]


def test_announcements_show_between_their_dates(session, ctx, admin):
    create_announcement(session, ctx, admin, AnnouncementInput("عنوان", "Title", "متن", "Text", TODAY,
                                                               TODAY + timedelta(days=2)))
    create_announcement(session, ctx, admin, AnnouncementInput("بعد", "Later", "بعد", "Later", TODAY + timedelta(days=5),
                                                               TODAY + timedelta(days=6)))
    session.commit()
    assert [a["title"]["en"] for a in current_announcements(session, TODAY)] == ["Title"]
    assert [a["title"]["ur"] for a in current_announcements(session, TODAY + timedelta(days=5))] == ["بعد"]
    assert current_announcements(session, date(2030, 1, 1)) == []


def test_clean_up_never_drops_a_waiting_schedule_notice_but_blanks_a_sent_one_time_password(session, ctx, clock, admin):
    from app.services.housekeeping import forget_codes
    from app.services.users import reset_staff_password

    make_user(session, area="Lahore", mobile="03001111111")
    helpdesk = make_user(session, role=Role.HELPDESK, mobile="03002222222")
    session.commit()
    create_schedule(session, ctx, admin, _plan())
    reset_staff_password(session, ctx, admin, helpdesk, by_sms=True)
    session.commit()
    # The password went out; the district's notice still waits behind a long queue.
    session.execute(SmsMessage.__table__.update().values(status="sent").where(SmsMessage.purpose == "staff_password"))
    session.execute(SmsMessage.__table__.update().values(status="queued").where(SmsMessage.purpose == "survey_schedule"))
    session.commit()

    clock.advance(hours=2)  # a big district's queue may take longer than a code lives
    forget_codes(session, now=clock(), code_ttl_seconds=ctx.settings["OTP_TTL_SECONDS"])
    session.commit()
    notice = session.scalars(select(SmsMessage).where(SmsMessage.purpose == "survey_schedule")).one()
    assert notice.status == "queued" and "PSER" in notice.body
    password = session.scalars(select(SmsMessage).where(SmsMessage.purpose == "staff_password")).one()
    assert password.body == ""
