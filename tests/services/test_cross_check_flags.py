"""Cross-checks kept as flags: a re-check replaces a household's flags, a collision shows from both sides, a fix
clears both, flag_count follows, the messages are written in Urdu and English, and nothing of the household's
answers changes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain.cross_checks import Finding
from app.domain.household_status import HouseholdStatus
from app.domain.roles import Role
from app.models import Household
from app.models.quality import HouseholdFlag
from app.services import cross_checks, questionnaire
from tests.factories import cnic_for, make_household, make_member, make_user
from tests.services.conftest import count_rows

LRI, PDI = "\u2066", "\u2069"


def flags_by_code(session, household) -> dict[str, HouseholdFlag]:
    return {f.code: f for f in session.scalars(select(HouseholdFlag).where(HouseholdFlag.household_id == household.id))}


def test_the_same_cnic_in_two_districts_flags_both_households(session, ctx):
    cnic = cnic_for()
    in_multan = make_household(session, area="Multan", status=HouseholdStatus.SUBMITTED, head_cnic=cnic)
    in_lahore = make_household(session, area="Lahore")
    son = make_member(session, in_lahore, name="Son", relation="son", dob=date(2000, 1, 1), cnic=cnic)
    session.commit()

    cross_checks.recheck(session, ctx, in_lahore)

    here = flags_by_code(session, in_lahore)["head_surveyed_elsewhere"]
    assert (here.severity, here.member_ids, here.other_household_id) == ("error", [son.id], in_multan.id)
    assert "Multan" in here.message_en and f"{LRI}{cnic}{PDI}" in here.message_ur and "ملتان" in here.message_ur
    there = flags_by_code(session, in_multan)
    assert there["cnic_in_other_household"].other_household_id == in_lahore.id
    assert "Lahore" in there["cnic_in_other_household"].message_en
    assert (in_lahore.flag_count, in_multan.flag_count) == (1, len(there)) == (1, 1)


def test_fixing_the_cnic_clears_the_flag_on_both_sides(session, ctx):
    cnic = cnic_for()
    first = make_household(session, area="Multan", head_cnic=cnic)
    second = make_household(session, area="Lahore", head_cnic=cnic)
    session.commit()
    cross_checks.recheck(session, ctx, second)
    assert first.flag_count == second.flag_count == 1

    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    head = second.members[0]
    second.head_cnic = cnic_for()  # what an enumerator's correction would leave
    result = questionnaire.save_member(session, ctx, second, head.id,
                                       {"name": "Head", "relation": "head", "sex": "male", "dob": date(1980, 1, 1),
                                        "cnic": second.head_cnic, "marital_status": "married", "disability": "none",
                                        "chronic_illness": False},
                                       expected_version=second.version, actor=enumerator)
    assert result.ok
    session.refresh(first)
    assert (first.flag_count, second.flag_count) == (0, 0)
    assert count_rows(session, HouseholdFlag) == 0


def test_a_recheck_replaces_the_flags_and_keeps_the_count_equal_to_them(session, ctx):
    household = make_household(session, members=[
        {"name": "Boy head", "relation": "head", "sex": "male", "dob": date(2011, 1, 1)},
        {"name": "Girl", "relation": "daughter", "sex": "male", "dob": date(2020, 1, 1)},
    ])
    session.commit()
    first = cross_checks.recheck(session, ctx, household)
    again = cross_checks.recheck(session, ctx, household)
    assert sorted(f.code for f in first) == sorted(f.code for f in again)
    assert {"head_under_18", "relation_sex_mismatch"} <= {f.code for f in again}
    assert household.flag_count == count_rows(session, HouseholdFlag) == len(again)
    session.commit()
    session.expire_all()
    assert session.get(Household, household.id).flag_count == len(again)


def test_every_flag_has_a_message_in_urdu_and_english(session, ctx):
    household = make_household(session, monthly_income=5000, assets=["car"], members=[
        {"name": "Head", "relation": "head", "sex": "male", "dob": date(2011, 1, 1), "cnic": "42101-1234567-2"},
        {"name": "Wife", "relation": "spouse", "sex": "female", "dob": date(2012, 1, 1), "marital_status": "married"},
        {"name": "Girl", "relation": "daughter", "sex": "male", "dob": date(2020, 1, 1)},
    ])
    session.commit()
    flags = cross_checks.recheck(session, ctx, household)
    assert {"head_under_18", "married_under_legal_age", "relation_sex_mismatch", "cnic_sex_mismatch",
            "cnic_outside_punjab", "income_low_for_assets"} <= {f.code for f in flags}
    for flag in flags:
        assert flag.message_en and flag.message_en.isascii(), flag.code
        assert any("\u0600" <= ch <= "\u06ff" for ch in flag.message_ur), flag.code
        assert "%(" not in flag.message_en + flag.message_ur
    by_code = {f.code: f for f in flags}
    assert "Sindh" in by_code["cnic_outside_punjab"].message_en and "سندھ" in by_code["cnic_outside_punjab"].message_ur
    assert "Car" in by_code["income_low_for_assets"].message_en
    assert f"{LRI}42101-1234567-2{PDI}" in by_code["cnic_sex_mismatch"].message_ur


def test_one_mobile_on_six_households_is_flagged_and_on_five_is_not(session, ctx):
    citizens = [make_user(session, mobile="03451112223") for _ in range(5)]
    session.commit()
    assert cross_checks.recheck(session, ctx, citizens[0].household) == []
    sixth = make_user(session, mobile="03451112223")
    [flag] = cross_checks.recheck(session, ctx, sixth.household)
    assert (flag.code, flag.severity, flag.details["count"]) == ("mobile_on_many_households", "warning", 6)
    assert sorted(flag.details["other_household_ids"]) == sorted(c.household_id for c in citizens)
    assert f"{LRI}03451112223{PDI}" in flag.message_ur


def test_a_rejected_household_no_longer_collides(session, ctx):
    cnic = cnic_for()
    make_household(session, area="Multan", head_cnic=cnic, status=HouseholdStatus.REJECTED)
    household = make_household(session, area="Lahore", head_cnic=cnic)
    session.commit()
    assert cross_checks.recheck(session, ctx, household) == []


def test_a_recheck_changes_no_answer_no_version_and_no_time_of_change(session, ctx, clock):
    cnic = cnic_for()
    other = make_household(session, area="Multan", head_cnic=cnic, rooms=2)
    household = make_household(session, area="Lahore", head_cnic=cnic, rooms=4)
    session.commit()
    before = [(h.version, h.updated_at, h.rooms, h.head_cnic, h.status) for h in (household, other)]
    clock.advance(hours=1)
    cross_checks.recheck(session, ctx, household)
    session.commit()
    session.expire_all()
    after = [(h.version, h.updated_at, h.rooms, h.head_cnic, h.status)
             for h in (session.get(Household, household.id), session.get(Household, other.id))]
    assert after == before
    assert count_rows(session, Household) == 2


def test_saving_a_member_raises_the_flag_and_submitting_keeps_it(session, ctx):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    household = make_household(session)
    session.commit()
    result = questionnaire.save_member(session, ctx, household, None,
                                       {"name": "Zara", "relation": "daughter", "sex": "male", "dob": date(2015, 1, 1),
                                        "disability": "none", "chronic_illness": False},
                                       expected_version=household.version, actor=enumerator)
    assert result.ok
    assert flags_by_code(session, household)["relation_sex_mismatch"].member_ids == [household.members[-1].id]
    zara = household.members[-1]
    questionnaire.remove_member(session, ctx, household, zara.id, expected_version=household.version,
                                actor=enumerator)
    assert "relation_sex_mismatch" not in flags_by_code(session, household)
    assert household.flag_count == len(flags_by_code(session, household))


def test_another_check_is_one_more_entry_in_the_registry(session, ctx):
    household = make_household(session)
    session.commit()

    def always(session, ctx, household):
        return [Finding("test_check", "info", "Punjab")]

    [flag] = cross_checks.recheck(session, ctx, household, checks=(*cross_checks.CHECKS, always))
    assert (flag.code, flag.message_en, flag.message_ur) == ("test_check", "Punjab", "پنجاب")
