"""Back-checks through the services: the draw on the database agrees with the domain rule, assignments stay
within the area and away from the original enumerator, the blind re-visit is compared with the submitted
revision, and the supervisor's figures hide what rests on too few households."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.domain.back_checks import Approval
from app.domain.back_checks import draw as reference_draw
from app.domain.roles import Role
from app.models import AuditEntry, BackCheck, BackCheckAnswer, Household, HouseholdFlag, HouseholdStatusChange
from app.services import back_checks
from tests.backcheck_helpers import approve, return_for_fixes, surveyed
from tests.factories import make_user
from tests.services.conftest import FIXED_NOW, count_rows

HOUSING = {"rooms": 3, "roof": "rcc", "walls": "burnt_brick", "toilet": "flush_pit", "water": "hand_pump"}


def approved_households(session, enumerator, supervisor, count, *, days_ago=1.0, area="Lahore"):
    households = []
    for i in range(count):
        at = FIXED_NOW - timedelta(days=days_ago, minutes=i)
        household = surveyed(session, enumerator, area=area, started=at - timedelta(hours=1),
                             submitted=at - timedelta(minutes=30), **HOUSING)
        households.append(approve(session, household, supervisor, at=at))
    return households


def team(session, area="Lahore", enumerators=3):
    supervisor = make_user(session, role=Role.SUPERVISOR, area=area, name="Supervisor")
    staff = [make_user(session, role=Role.ENUMERATOR, area=area, name=f"Enumerator {i}") for i in range(enumerators)]
    return supervisor, staff


def test_the_draw_takes_five_percent_of_each_enumerators_week_and_matches_the_domain_rule(session, ctx):
    supervisor, (busy, quiet, other) = team(session)
    approved_households(session, busy, supervisor, 30)
    approved_households(session, quiet, supervisor, 2)
    approved_households(session, other, supervisor, 4, days_ago=9)  # older than a week: not drawn
    session.commit()

    report = back_checks.draw(session, ctx, seed=99)
    session.commit()

    drawn = session.scalars(select(BackCheck).order_by(BackCheck.household_id)).all()
    assert report.drawn == len(drawn) == 3  # 2 of busy's 30 (5% rounded up), 1 of quiet's 2
    assert sorted(b.original_enumerator_id for b in drawn) == sorted([busy.id, busy.id, quiet.id])
    rows = session.execute(select(Household.id, Household.enumerator_id, Household.area_id, HouseholdStatusChange.at)
                           .join(HouseholdStatusChange, HouseholdStatusChange.household_id == Household.id)
                           .where(HouseholdStatusChange.to_status == "verified")).all()
    expected = reference_draw([Approval(*row) for row in rows], now=FIXED_NOW, seed=99)
    assert [a.household_id for a in expected] == [b.household_id for b in drawn]


def test_a_back_check_goes_to_another_enumerator_of_the_same_area_never_the_original(session, ctx):
    supervisor, (first, second, third) = team(session)
    outsider = make_user(session, role=Role.ENUMERATOR, area="Multan")
    approved_households(session, first, supervisor, 40)
    approved_households(session, second, supervisor, 40)
    session.commit()

    back_checks.draw(session, ctx, seed=5)
    session.commit()

    drawn = session.scalars(select(BackCheck)).all()
    assert len(drawn) == 4
    assert all(b.assigned_enumerator_id not in (None, b.original_enumerator_id, outsider.id) for b in drawn)
    loads = sorted(sum(1 for b in drawn if b.assigned_enumerator_id == e.id) for e in (first, second, third))
    assert loads == [1, 1, 2]  # spread over the team by load


def test_with_no_other_enumerator_in_the_area_the_back_check_waits_unassigned_and_is_shown(session, ctx):
    supervisor, (alone,) = team(session, enumerators=1)
    approved_households(session, alone, supervisor, 3)
    session.commit()

    back_checks.draw(session, ctx, seed=1)
    session.commit()

    report = back_checks.back_check_report(session, ctx, supervisor)
    assert [b.assigned_enumerator_id for b in report.unassigned] == [None]
    assert report.open == 1

    colleague = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    assert back_checks.draw(session, ctx, seed=2).reassigned == 1  # the next draw finds someone
    session.commit()
    assert session.scalars(select(BackCheck.assigned_enumerator_id)).one() == colleague.id
    assert back_checks.back_check_report(session, ctx, supervisor).unassigned == []


def test_a_second_draw_never_takes_a_household_twice_and_only_tops_the_sample_up(session, ctx):
    supervisor, (first, second, _third) = team(session)
    approved_households(session, first, supervisor, 25)
    session.commit()
    back_checks.draw(session, ctx, seed=1)
    assert back_checks.draw(session, ctx, seed=2).drawn == 0  # 5% of 25 already drawn
    approved_households(session, first, supervisor, 25)
    assert back_checks.draw(session, ctx, seed=1).drawn == 1  # 5% of 50 is 3, 2 drawn before
    session.commit()
    households = session.scalars(select(BackCheck.household_id)).all()
    assert len(households) == len(set(households)) == 3


def test_the_same_seed_on_the_same_data_draws_the_same_households(session, ctx):
    supervisor, (first, _second, _third) = team(session)
    approved_households(session, first, supervisor, 60)
    session.commit()
    back_checks.draw(session, ctx, seed=1234)
    first_draw = session.scalars(select(BackCheck.household_id).order_by(BackCheck.household_id)).all()
    session.rollback()
    back_checks.draw(session, ctx, seed=1234)
    assert session.scalars(select(BackCheck.household_id).order_by(BackCheck.household_id)).all() == first_draw


def drawn_for(session, ctx, supervisor, original, revisitor):
    approved_households(session, original, supervisor, 1)
    session.commit()
    back_checks.draw(session, ctx, seed=3)
    session.commit()
    back_check = session.scalars(select(BackCheck)).one()
    assert back_check.assigned_enumerator_id == revisitor.id
    return back_check


def test_the_re_visit_is_compared_with_the_latest_submitted_revision_question_by_question(session, ctx):
    supervisor, (original, revisitor) = team(session, enumerators=2)
    back_check = drawn_for(session, ctx, supervisor, original, revisitor)
    opened = back_checks.open_for_revisit(session, ctx, revisitor, back_check.id)
    answers = {"head_name": "head", "member_count": 1, "rooms": 3, "roof": "iron_sheet", "walls": "burnt_brick",
               "toilet": "flush_pit", "water": "piped"}

    result = back_checks.save_revisit(session, ctx, opened, answers, actor=revisitor)
    session.commit()

    assert result.ok
    assert {k for k, same in result.agreement.items() if not same} == {"roof", "water"}
    session.refresh(back_check)
    assert (back_check.state, back_check.compared, back_check.disagreements) == ("done", 7, 2)
    assert back_check.answers["roof"] == "iron_sheet" and back_check.revision_number == 1
    assert count_rows(session, BackCheckAnswer, BackCheckAnswer.agrees.is_(False)) == 2
    assert count_rows(session, AuditEntry, AuditEntry.action == "backcheck.open") == 1


def test_a_re_visit_is_saved_once_and_only_by_its_enumerator(session, ctx):
    supervisor, (original, revisitor) = team(session, enumerators=2)
    back_check = drawn_for(session, ctx, supervisor, original, revisitor)
    assert back_checks.open_for_revisit(session, ctx, original, back_check.id) is None
    assert back_checks.save_revisit(session, ctx, back_check, {"rooms": 3}, actor=original).reason == "forbidden"
    assert back_checks.save_revisit(session, ctx, back_check, {"rooms": 3}, actor=revisitor).ok
    assert back_checks.save_revisit(session, ctx, back_check, {"rooms": 9}, actor=revisitor).reason == "already"
    session.commit()
    assert back_check.answers["rooms"] == 3


def done_back_checks(session, ctx, supervisor, original, revisitor, *, count, wrong_roofs):
    approved_households(session, original, supervisor, count * 20)  # 5% of count*20 = count drawn
    session.commit()
    back_checks.draw(session, ctx, seed=8)
    for i, back_check in enumerate(back_checks.assigned_to(session, revisitor)):
        answers = {"head_name": "Head", "member_count": 1, **HOUSING,
                   "roof": "thatch_mud" if i < wrong_roofs else "rcc"}
        assert back_checks.save_revisit(session, ctx, back_check, answers, actor=revisitor).ok
    session.commit()


def test_discrepancy_per_enumerator_and_per_question_counts_disagreeing_answers(session, ctx):
    supervisor, (original, revisitor) = team(session, enumerators=2)
    done_back_checks(session, ctx, supervisor, original, revisitor, count=5, wrong_roofs=2)

    report = back_checks.back_check_report(session, ctx, supervisor)

    (row,) = [r for r in report.by_enumerator if r.enumerator_id == original.id]
    assert row.back_checks == 5 and row.discrepancy.value == round(100 * 2 / 35, 1)
    by_question = {q.key: q for q in report.by_question}
    assert by_question["roof"].discrepancy.value == 40.0
    assert by_question["rooms"].discrepancy.value == 0.0


def test_discrepancy_over_fewer_than_five_back_checks_is_hidden(session, ctx):
    supervisor, (original, revisitor) = team(session, enumerators=2)
    done_back_checks(session, ctx, supervisor, original, revisitor, count=4, wrong_roofs=4)
    report = back_checks.back_check_report(session, ctx, supervisor)
    (row,) = report.by_enumerator
    assert row.back_checks == 4 and row.discrepancy.value is None
    assert all(q.discrepancy.value is None for q in report.by_question)


def test_a_supervisor_sees_only_their_areas_back_checks(session, ctx):
    supervisor, (original, revisitor) = team(session, enumerators=2)
    done_back_checks(session, ctx, supervisor, original, revisitor, count=5, wrong_roofs=1)
    multan = make_user(session, role=Role.SUPERVISOR, area="Multan")
    admin = make_user(session, role=Role.ADMIN)
    assert back_checks.back_check_report(session, ctx, multan).by_enumerator == []
    assert len(back_checks.back_check_report(session, ctx, admin).by_enumerator) == 1
    assert back_checks.enumerator_quality(session, ctx, multan).rows == []


def test_enumerator_quality_figures_come_from_their_households_and_timeline(session, ctx):
    supervisor, (worker, newcomer) = team(session, enumerators=2)
    households = []
    for day in range(2):
        for i in range(5):
            submitted = FIXED_NOW - timedelta(days=day, hours=i)
            households.append(surveyed(session, worker, started=submitted - timedelta(minutes=20 + 2 * i),
                                       submitted=submitted, **HOUSING))
    return_for_fixes(session, households[0], supervisor, at=FIXED_NOW)
    session.add(HouseholdFlag(household_id=households[1].id, code="head_minor", severity="warning",
                              message_en="x", message_ur="x"))
    households[1].flag_count = 1
    households[2].flag_count = 2
    surveyed(session, newcomer, started=FIXED_NOW - timedelta(minutes=5), submitted=FIXED_NOW)
    session.commit()

    assert back_checks.refresh_enumerator_figures(session, ctx) == 2
    session.commit()
    page = back_checks.enumerator_quality(session, ctx, supervisor)
    rows = {r.enumerator_id: r for r in page.rows}
    assert page.refreshed_at == FIXED_NOW

    mine = rows[worker.id]
    assert (mine.households, mine.submissions, mine.active_days, mine.returns) == (10, 10, 2, 1)
    assert mine.surveys_per_day == 5.0
    assert mine.minutes == 24.0  # 20, 22, 24, 26, 28 minutes, twice
    assert mine.flag_rate == 20.0 and mine.return_rate == 10.0
    assert mine.discrepancy_rate is None  # no back-check yet
    new = rows[newcomer.id]
    assert new.households == 1 and not new.enough
    assert (new.surveys_per_day, new.minutes, new.flag_rate, new.return_rate) == (None, None, None, None)
    assert count_rows(session, AuditEntry, AuditEntry.action == "enumerator.quality") == 1


def test_the_quality_page_reads_the_last_count_until_the_figures_are_counted_again(session, ctx, clock):
    supervisor, (worker,) = team(session, enumerators=1)
    for i in range(5):
        surveyed(session, worker, started=FIXED_NOW - timedelta(minutes=40), submitted=FIXED_NOW - timedelta(minutes=i))
    session.commit()
    before = back_checks.enumerator_quality(session, ctx, supervisor)
    assert before.refreshed_at is None and before.rows[0].households == 0  # listed, not counted yet

    back_checks.refresh_enumerator_figures(session, ctx)
    surveyed(session, worker, submitted=FIXED_NOW)
    session.commit()
    assert back_checks.enumerator_quality(session, ctx, supervisor).rows[0].households == 5

    clock.advance(days=1)
    back_checks.refresh_enumerator_figures(session, ctx)
    session.commit()
    after = back_checks.enumerator_quality(session, ctx, supervisor)
    assert after.rows[0].households == 6 and after.refreshed_at == clock()
