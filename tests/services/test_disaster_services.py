"""A planner ranks the households of flooded tehsils and records relief once per household; the counts served
and left per area, and the served summary, follow every recording."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.disaster import ReliefCriteria, rank_key, vulnerability_hundredths
from app.models import AuditEntry, ReliefCount, ReliefDelivery
from app.services import disaster
from app.services.areas import find_area
from app.services.keyset import BadCursor
from tests.disaster_helpers import flood, scored_household
from tests.services.conftest import count_rows


def _ids(page) -> list[int]:
    return [r.household_id for r in page.rows]


def test_households_of_the_two_flooded_tehsils_are_ranked_most_vulnerable_first(session, ctx):
    poor = scored_household(session, score=12.0)
    poor_with_disabled = scored_household(session, score=12.0, disabled=1, area="TSL-LHR-02")
    better_off = scored_household(session, score=80.0, area="TSL-LHR-02")
    widow = scored_household(session, score=30.0, head_sex="female", head_marital="widowed")
    not_scored = scored_household(session, score=None, status="submitted", under5=2)
    elsewhere = scored_household(session, score=1.0, area="TSL-MUL-01")
    event = flood(session, ctx, "TSL-LHR-01", "TSL-LHR-02")
    page = disaster.rank_page(session, disaster.scope_of(session, event), ReliefCriteria())
    assert elsewhere.id not in _ids(page)
    assert _ids(page) == [poor_with_disabled.id, poor.id, widow.id, not_scored.id, better_off.id]
    assert [r.rank for r in page.rows] == [1, 2, 3, 4, 5]


def test_the_sql_ranking_agrees_with_the_rule_in_python(session, ctx):
    made = [scored_household(session, score=s, under5=u, elderly=e, disabled=d, head_sex=sex)
            for s, u, e, d, sex in [(45.5, 0, 1, 0, "male"), (45.5, 1, 0, 0, "male"), (20.25, 4, 0, 0, "female"),
                                    (None, 0, 3, 1, "male"), (33.33, 0, 0, 2, "female"), (99.99, 0, 0, 0, "male"),
                                    (0.01, 0, 0, 0, "male"), (45.5, 0, 0, 0, "female")]]
    event = flood(session, ctx, "TSL-LHR-01")
    expected = sorted(made, key=lambda h: rank_key(h.id, vulnerability_hundredths(
        h.score, disabled=h.facts_disabled_count, elderly=h.facts_elderly_count, under5=h.facts_under5_count,
        head_sex=h.facts_head_sex, head_marital_status=h.facts_head_marital_status)))
    page = disaster.rank_page(session, disaster.scope_of(session, event), ReliefCriteria())
    assert _ids(page) == [h.id for h in expected]
    assert [r.vulnerability for r in page.rows] == [vulnerability_hundredths(
        h.score, disabled=h.facts_disabled_count, elderly=h.facts_elderly_count, under5=h.facts_under5_count,
        head_sex=h.facts_head_sex, head_marital_status=h.facts_head_marital_status) for h in expected]


def test_a_whole_district_covers_its_tehsils_and_households_placed_only_in_the_district(session, ctx):
    in_tehsil = scored_household(session, score=20.0, area="TSL-LHR-02")
    in_district_only = scored_household(session, score=25.0, area="DST-LHR", status="registered")
    event = flood(session, ctx, "DST-LHR")
    assert set(_ids(disaster.rank_page(session, disaster.scope_of(session, event), ReliefCriteria()))) == {in_tehsil.id, in_district_only.id}


def test_criteria_narrow_the_list(session, ctx):
    verified_child = scored_household(session, score=20.0, under5=2)
    scored_household(session, score=20.0, under5=2, status="submitted")
    scored_household(session, score=60.0, under5=2)
    scored_household(session, score=10.0)
    event = flood(session, ctx, "TSL-LHR-01")
    criteria = ReliefCriteria(verified_only=True, min_under5=1, score_below=50)
    assert _ids(disaster.rank_page(session, disaster.scope_of(session, event), criteria)) == [verified_child.id]
    widow = scored_household(session, score=70.0, head_marital="widowed")
    disabled = scored_household(session, score=70.0, disabled=1)
    elder = scored_household(session, score=70.0, elderly=1)
    assert _ids(disaster.rank_page(session, disaster.scope_of(session, event), ReliefCriteria(female_or_widowed_head=True))) == [widow.id]
    assert _ids(disaster.rank_page(session, disaster.scope_of(session, event), ReliefCriteria(with_disability=True))) == [disabled.id]
    assert _ids(disaster.rank_page(session, disaster.scope_of(session, event), ReliefCriteria(with_elderly=True))) == [elder.id]


def test_pages_follow_one_another_without_gaps_or_repeats(session, ctx):
    made = [scored_household(session, score=float(10 + i % 4)) for i in range(7)]
    event = flood(session, ctx, "TSL-LHR-01")
    seen, cursor, ranks = [], None, []
    while True:
        page = disaster.rank_page(session, disaster.scope_of(session, event), ReliefCriteria(), cursor, limit=3)
        seen += _ids(page)
        ranks += [r.rank for r in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(h.id for h in made) and len(seen) == 7
    assert ranks == list(range(1, 8))
    assert [r.household_id for r in disaster.iter_ranked(session, disaster.scope_of(session, event), ReliefCriteria(), chunk=2)] == seen
    with pytest.raises(BadCursor):
        disaster.rank_page(session, disaster.scope_of(session, event), ReliefCriteria(), "not-a-cursor")


def test_relief_is_recorded_once_and_a_second_recording_is_told_when_it_was_served(session, ctx, clock):
    household = scored_household(session, score=12.0)
    event = flood(session, ctx, "TSL-LHR-01")
    first = disaster.record_relief(session, ctx, event, [household.id], actor_id=None, items="Ration bag")
    served_at = clock()
    clock.advance(hours=3)
    again = disaster.record_relief(session, ctx, event, [household.id], actor_id=None, items="Ration bag")
    assert first.recorded == [household.id] and first.already == {}
    assert again.recorded == [] and list(again.already) == [household.id]
    assert again.already[household.id] == served_at
    assert count_rows(session, ReliefDelivery) == 1
    assert session.scalar(select(ReliefCount.served)) == 1
    assert count_rows(session, AuditEntry, AuditEntry.action == "relief.record") == 1


def test_relief_for_a_household_outside_the_event_or_in_a_closed_event_is_refused(session, ctx):
    outside = scored_household(session, score=5.0, area="TSL-MUL-01")
    inside = scored_household(session, score=5.0)
    event = flood(session, ctx, "TSL-LHR-01")
    outcome = disaster.record_relief(session, ctx, event, [outside.id, inside.id], actor_id=None, items="Tent")
    assert outcome.refused == [outside.id] and outcome.recorded == [inside.id]
    disaster.set_event_state(session, ctx, event, "closed", actor_id=None)
    with pytest.raises(disaster.DisasterError):
        disaster.record_relief(session, ctx, event, [inside.id], actor_id=None, items="Tent")


def test_counts_served_and_left_per_area_and_the_summary_deltas(session, ctx):
    first = [scored_household(session, score=10.0 + i) for i in range(3)]
    second = [scored_household(session, score=20.0 + i, area="TSL-LHR-02") for i in range(2)]
    event = flood(session, ctx, "TSL-LHR-01", "TSL-LHR-02")
    other = flood(session, ctx, "TSL-LHR-01")
    disaster.record_relief(session, ctx, event, [first[0].id, first[1].id, second[0].id], actor_id=None, items="Food")
    disaster.record_relief(session, ctx, other, [first[0].id], actor_id=None, items="Food")
    t1, t2 = find_area(session, "TSL-LHR-01").id, find_area(session, "TSL-LHR-02").id
    counts = {c.area_id: (c.affected, c.served, c.left) for c in disaster.counts_by_area(session, disaster.scope_of(session, event), ReliefCriteria())}
    assert counts == {t1: (3, 2, 1), t2: (2, 1, 1)}
    assert disaster.served_by_area(session, event.id) == {t1: 2, t2: 1}
    assert disaster.served_by_area(session, other.id) == {t1: 1}
    before = {(r.event_id, r.area_key): r.served for r in session.scalars(select(ReliefCount))}
    disaster.rebuild_relief_counts(session)
    assert {(r.event_id, r.area_key): r.served for r in session.scalars(select(ReliefCount))} == before
    criteria = ReliefCriteria(score_below=99)  # the same counts read from the households themselves
    counted = {c.area_id: (c.affected, c.served, c.left) for c in disaster.counts_by_area(
        session, disaster.scope_of(session, event), criteria)}
    assert counted == counts
    narrowed = disaster.counts_by_area(session, disaster.scope_of(session, event), ReliefCriteria(score_below=11))
    assert [(c.area_id, c.affected, c.served) for c in narrowed] == [(t1, 1, 1)]


def test_an_event_needs_districts_or_tehsils_and_a_known_kind(session, ctx):
    with pytest.raises(disaster.DisasterError):
        flood(session, ctx)
    with pytest.raises(disaster.DisasterError):
        flood(session, ctx, "DIV-LHR")
    with pytest.raises(disaster.DisasterError):
        disaster.create_event(session, ctx, actor_id=None, name_en="x", name_ur="x", kind="meteor",
                              area_ids=[find_area(session, "TSL-LHR-01").id], criteria=ReliefCriteria())


def test_flask_summaries_rebuild_recounts_the_relief_served_too(app, session, ctx):
    from sqlalchemy import update

    household = scored_household(session, score=12.0)
    event = flood(session, ctx, "TSL-LHR-01")
    disaster.record_relief(session, ctx, event, [household.id], actor_id=None, items="Ration")
    session.commit()
    session.execute(update(ReliefCount).values(served=99))  # a count gone wrong
    session.commit()
    result = app.test_cli_runner().invoke(args=["summaries", "rebuild"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert disaster.served_by_area(session, event.id) == {household.area_id: 1}
