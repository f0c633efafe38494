"""A supervisor is shown members of two households who may be one person: found on submit (the district, the
birth years and sex narrow, the name keys compare, in Urdu and Latin letters alike), kept as pairs, and
decided once: the decision sticks when the households are edited and submitted again. Nothing is merged."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from app.domain.household_status import HouseholdStatus
from app.domain.roles import Role
from app.models import AuditEntry, DuplicatePair, Household, HouseholdFlag, HouseholdMember
from app.services import duplicates, questionnaire
from tests.factories import make_household, make_user
from tests.services.conftest import count_rows

SAVED = {s: "2026-03-01" for s in ("consent", "members", "housing", "assets", "income")}


def _family(head: str, head_cnic: str, child: dict) -> list[dict]:
    return [{"name": head, "relation": "head", "sex": "male", "dob": date(1980, 1, 1), "cnic": head_cnic,
             "marital_status": "married"},
            {"relation": "son", "sex": "male", **child}]


def _bilal_in_urdu(session, area="Lahore", **fields):
    return make_household(session, area=area, consent_given=True, sections_saved=dict(SAVED),
                          head_cnic="35202-1111111-1", status=fields.pop("status", HouseholdStatus.DRAFT),
                          members=_family("محمد اسلم", "35202-1111111-1",
                                          {"name": "محمد بلال", "dob": date(2015, 3, 7),
                                           "father_or_husband_name": "محمد اسلم"}), **fields)


def _bilal_in_latin(session, area="Lahore"):
    return make_household(session, area=area, consent_given=True, sections_saved=dict(SAVED),
                          head_cnic="35202-2222222-1",
                          members=_family("Muhammad Aslam", "35202-2222222-1",
                                          {"name": "Muhammad Bilal", "dob": date(2015, 7, 3),
                                           "father_or_husband_name": "Mohd. Aslam"}))


def test_the_same_child_in_urdu_and_in_latin_letters_with_day_and_month_swapped_is_a_candidate(session, ctx):
    urdu, latin = _bilal_in_urdu(session), _bilal_in_latin(session)
    session.commit()

    found = duplicates.find_candidates(session, ctx, latin)
    pairs = {(c.member.name, c.other.name) for c in found}
    # The fathers are the same person too (the head of one, the father's name of the other is not a member).
    assert ("Muhammad Bilal", "محمد بلال") in pairs
    bilal = next(c for c in found if c.member.name == "Muhammad Bilal")
    assert bilal.other.household_id == urdu.id and bilal.match.birth == 0.9 and bilal.match.father == 1.0
    assert not session.new and not session.dirty  # searching writes nothing


def test_members_keep_their_name_key_birth_year_and_district_on_every_write(session, ctx):
    household = _bilal_in_urdu(session)
    session.commit()
    child = household.members[1]
    assert (child.name_key, child.birth_year, child.district_id) == ("mhmd bl", 2015, household.district_id)
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    values = {name: getattr(child, name) for name in questionnaire.MEMBER_FIELDS}
    result = questionnaire.save_member(session, ctx, household, child.id, {**values, "name": "Hamza Aslam",
                                                                           "dob": date(2016, 1, 1)},
                                       expected_version=household.version, actor=enumerator)
    assert result.ok
    session.flush()
    assert (child.name_key, child.birth_year) == ("hmz aslm", 2016)


def test_another_district_a_far_birth_year_or_the_other_sex_is_not_searched(session, ctx):
    latin = _bilal_in_latin(session)
    make_household(session, area="Multan", members=_family("Muhammad Aslam", "35202-3333333-1", {
        "name": "Muhammad Bilal", "dob": date(2015, 7, 3)}))
    make_household(session, area="Lahore", members=_family("Muhammad Aslam", "35202-4444444-1", {
        "name": "Muhammad Bilal", "dob": date(2009, 7, 3)}))
    make_household(session, area="Lahore", members=_family("Muhammad Aslam", "35202-5555555-1", {
        "name": "Muhammad Bilal", "relation": "daughter", "sex": "female", "dob": date(2015, 7, 3)}))
    session.commit()
    found = [c for c in duplicates.find_candidates(session, ctx, latin) if c.member.name == "Muhammad Bilal"]
    assert found == []


def test_an_age_within_two_years_meets_a_date_of_birth(session, ctx):
    latin = _bilal_in_latin(session)
    make_household(session, area="Lahore", members=_family("محمد اسلم", "35202-6666666-1", {
        "name": "بلال", "dob": None, "age_years": ctx.now().year - 2015 - 1, "father_or_husband_name": "محمد اسلم"}))
    session.commit()
    found = [c for c in duplicates.find_candidates(session, ctx, latin) if c.member.name == "Muhammad Bilal"]
    assert [c.other.name for c in found] == ["بلال"] and found[0].match.birth == 0.7


def test_submitting_records_open_pairs_and_a_decision_sticks_through_edits_and_a_new_submit(session, ctx):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    supervisor = make_user(session, role=Role.SUPERVISOR, area="Lahore")
    urdu, latin = _bilal_in_urdu(session), _bilal_in_latin(session)
    session.commit()

    assert questionnaire.submit(session, ctx, latin, expected_version=1, actor=enumerator).ok
    session.commit()
    pairs = session.scalars(select(DuplicatePair).order_by(DuplicatePair.id)).all()
    child_pair = next(p for p in pairs if p.identity_a.startswith("mhmd bl") or p.identity_b.startswith("mhmd bl"))
    assert child_pair.state == "open" and child_pair.district_id == latin.district_id
    assert {child_pair.household_a_id, child_pair.household_b_id} == {urdu.id, latin.id}

    assert duplicates.decide(session, ctx, supervisor, child_pair.id, "distinct").changed
    session.commit()

    # The Urdu household's child is corrected (same member id), then removed and added again (a new id).
    child = next(m for m in urdu.members if m.name == "محمد بلال")
    values = {name: getattr(child, name) for name in questionnaire.MEMBER_FIELDS}
    assert questionnaire.save_member(session, ctx, urdu, child.id, {**values, "dob": date(2015, 3, 8)},
                                     expected_version=urdu.version, actor=enumerator).ok
    assert questionnaire.remove_member(session, ctx, urdu, child.id, expected_version=urdu.version,
                                       actor=enumerator).ok
    assert questionnaire.save_member(session, ctx, urdu, None, values, expected_version=urdu.version,
                                     actor=enumerator).ok
    session.commit()
    session.refresh(urdu)
    readded = next(m for m in urdu.members if m.name == "محمد بلال")
    assert readded.id != child.id

    assert questionnaire.submit(session, ctx, urdu, expected_version=urdu.version, actor=enumerator).ok
    session.commit()
    session.refresh(child_pair)
    assert child_pair.state == "distinct" and child_pair.decided_by == supervisor.id
    assert readded.id in (child_pair.member_a_id, child_pair.member_b_id)  # the decision followed the person
    assert count_rows(session, DuplicatePair, DuplicatePair.state == "open",
                      DuplicatePair.identity_a.like("mhmd bl%")) == 0
    # Nothing merged or deleted: both households and their children are there.
    assert count_rows(session, HouseholdMember, HouseholdMember.name_key == "mhmd bl") == 2


def test_a_decision_is_idempotent_audited_and_refused_outside_the_supervisors_area(session, ctx):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    supervisor = make_user(session, role=Role.SUPERVISOR, area="Lahore")
    stranger = make_user(session, role=Role.SUPERVISOR, area="Multan")
    _bilal_in_urdu(session)
    latin = _bilal_in_latin(session)
    session.commit()
    questionnaire.submit(session, ctx, latin, expected_version=1, actor=enumerator)
    session.commit()
    pair = session.scalars(select(DuplicatePair)).first()

    assert duplicates.decide(session, ctx, stranger, pair.id, "duplicate").reason == "missing"
    assert duplicates.decide(session, ctx, supervisor, pair.id, "merge").reason == "bad_decision"
    first = duplicates.decide(session, ctx, supervisor, pair.id, "duplicate")
    again = duplicates.decide(session, ctx, supervisor, pair.id, "duplicate")
    assert (first.changed, again.ok, again.changed) == (True, True, False)
    assert count_rows(session, AuditEntry, AuditEntry.action == "duplicates.decide") == 1
    assert duplicates.pair_view(session, ctx, stranger, pair.id) is None
    assert duplicates.open_pairs(session, stranger).rows == []


def test_the_flags_for_the_cross_checks_name_the_member_and_the_other_household(session, ctx):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    supervisor = make_user(session, role=Role.SUPERVISOR, area="Lahore")
    urdu, latin = _bilal_in_urdu(session), _bilal_in_latin(session)
    session.commit()
    questionnaire.submit(session, ctx, latin, expected_version=1, actor=enumerator)
    session.commit()

    flags = duplicates.fuzzy_duplicate_flags(session, ctx, latin)
    bilal = next(f for f in flags if f.params["name"] == "Muhammad Bilal")
    assert (bilal.code, bilal.severity, bilal.other_household) == ("possible_duplicate_member", "warning", urdu.id)
    assert bilal.members == (next(m.id for m in latin.members if m.name == "Muhammad Bilal"),)
    assert bilal.params["other_name"] == "محمد بلال"
    # Seen from the other household too.
    assert any(f.params["name"] == "محمد بلال" for f in duplicates.fuzzy_duplicate_flags(session, ctx, urdu))

    # Stored as flags on both households at submit (the cross-checks' registry runs this check) ...
    pair_id = bilal.details["pair_id"]

    def stored(household):
        return {(f.code, f.other_household_id) for f in session.scalars(
            select(HouseholdFlag).where(HouseholdFlag.household_id == household.id))
            if (f.details or {}).get("pair_id") == pair_id}

    assert ("possible_duplicate_member", urdu.id) in stored(latin)
    assert ("possible_duplicate_member", latin.id) in stored(urdu)

    duplicates.decide(session, ctx, supervisor, bilal.details["pair_id"], "distinct")
    assert all(f.details["pair_id"] != bilal.details["pair_id"]
               for f in duplicates.fuzzy_duplicate_flags(session, ctx, latin))
    # ... and the decision clears them on both sides.
    assert ("possible_duplicate_member", urdu.id) not in stored(latin)
    assert ("possible_duplicate_member", latin.id) not in stored(urdu)


def test_postgresql_narrows_with_pg_trgm_and_keeps_a_trigram_index_on_the_name_key(session, ctx, is_postgres):
    if not is_postgres:
        pytest.skip("pg_trgm is PostgreSQL's")
    assert session.scalar(text("SELECT similarity('mhmd bl', 'mhmd bl')")) == 1.0
    indexdef = session.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                   "'ix_household_members_name_key_trgm'"))
    assert "gin" in indexdef and "gin_trgm_ops" in indexdef
    _bilal_in_urdu(session)
    latin = _bilal_in_latin(session)
    session.commit()
    # Python's trigrams are pg_trgm's: the score the search keeps agrees with the database's similarity().
    child = next(m for m in latin.members if m.name == "Muhammad Bilal")
    from app.domain.duplicates import trigram_similarity
    for key in ("mhmd bl", "bl", "mhmd aslm", "hmz"):
        assert session.scalar(text("SELECT similarity(:a, :b)"), {"a": child.name_key, "b": key}) == \
            pytest.approx(trigram_similarity(child.name_key, key), abs=1e-6)
    assert any(c.other.name == "محمد بلال" for c in duplicates.find_candidates(session, ctx, latin))


def test_a_household_that_moves_district_takes_its_members_search_range_along(session, ctx):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    household = _bilal_in_urdu(session)
    session.commit()
    multan = session.scalar(select(Household.district_id).where(Household.id == make_household(
        session, area="Multan").id))
    session.commit()
    assert questionnaire.save_section(session, ctx, household, "consent",
                                      {"consent_given": True, "area_id": multan}, expected_version=1,
                                      actor=enumerator).ok
    session.commit()
    assert {m.district_id for m in session.scalars(select(HouseholdMember).where(
        HouseholdMember.household_id == household.id))} == {multan}


def test_a_rejected_household_is_no_longer_searched(session, ctx):
    latin = _bilal_in_latin(session)
    _bilal_in_urdu(session, status=HouseholdStatus.REJECTED)
    session.commit()
    assert [c for c in duplicates.find_candidates(session, ctx, latin) if c.member.name == "Muhammad Bilal"] == []


def test_bilal_and_muhammad_bilal_known_only_by_age_meet_on_their_whole_name_key(session, ctx):
    latin = make_household(session, area="Lahore", members=_family("Akbar", "35202-7070707-1", {
        "name": "Bilal", "dob": None, "age_years": 10}))
    make_household(session, area="Lahore", members=_family("Sajid", "35202-8080808-1", {
        "name": "محمد بلال", "dob": None, "age_years": 11}))
    make_household(session, area="Lahore", members=_family("Sajid", "35202-9090909-1", {
        "name": "Hamza", "dob": None, "age_years": 10}))
    session.commit()
    found = [c.other.name for c in duplicates.find_candidates(session, ctx, latin) if c.member.name == "Bilal"]
    assert found == ["محمد بلال"]
