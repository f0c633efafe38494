"""The back-check draw and comparison rules, as plain values."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.back_checks import (MIN_SHOWN, Approval, agrees, assign, compare, draw, draw_key, rate,
                                    sample_size, submitted_answers)
from app.domain.catalogue import BACK_CHECK, CATALOGUE

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def approvals(enumerator_id: int, count: int, *, first_id: int = 1, days_ago: float = 1, area_id: int = 10):
    return [Approval(first_id + i, enumerator_id, area_id, NOW - timedelta(days=days_ago)) for i in range(count)]


@pytest.mark.parametrize(("approved", "drawn"), [(0, 0), (1, 1), (5, 1), (20, 1), (21, 2), (40, 2), (100, 5),
                                                 (1000, 50), (1001, 51)])
def test_five_percent_rounded_up_so_any_enumerator_with_work_gets_at_least_one(approved, drawn):
    assert sample_size(approved) == drawn


def test_each_enumerator_is_sampled_on_their_own_work():
    busy, quiet = approvals(1, 200, first_id=1), approvals(2, 3, first_id=1000)
    chosen = draw(busy + quiet, now=NOW, seed=42)
    assert sum(1 for a in chosen if a.enumerator_id == 1) == 10
    assert sum(1 for a in chosen if a.enumerator_id == 2) == 1


def test_only_the_last_seven_days_of_approvals_are_drawn():
    old = approvals(1, 50, first_id=1, days_ago=8)
    recent = approvals(1, 20, first_id=100, days_ago=6.9)
    chosen = draw(old + recent, now=NOW, seed=7)
    assert len(chosen) == 1 and chosen[0].household_id >= 100


def test_a_household_already_drawn_is_never_drawn_again_and_a_rerun_only_tops_up():
    pool = approvals(1, 40)
    first = draw(pool, now=NOW, seed=3)
    assert len(first) == 2
    assert draw(pool, now=NOW, seed=4, already_drawn=[a.household_id for a in first]) == []
    more = pool + approvals(1, 40, first_id=500)
    second = draw(more, now=NOW, seed=3, already_drawn=[a.household_id for a in first])
    assert len(second) == 2  # 5% of 80 is 4, two of them drawn before
    assert not {a.household_id for a in first} & {a.household_id for a in second}


def test_the_same_seed_draws_the_same_households_and_another_seed_others():
    pool = approvals(1, 400)
    assert draw(pool, now=NOW, seed=11) == draw(list(reversed(pool)), now=NOW, seed=11)
    picks = {frozenset(a.household_id for a in draw(pool, now=NOW, seed=s)) for s in range(10)}
    assert len(picks) > 5


def test_the_draw_order_is_spread_over_the_households_not_their_ids():
    keys = [draw_key(i, 123) for i in range(1, 2001)]
    assert len(set(keys)) == 2000
    first_tenth = sorted(range(1, 2001), key=lambda i: draw_key(i, 123))[:200]
    assert min(first_tenth) < 300 and max(first_tenth) > 1700  # not a block of neighbouring ids


def test_a_back_check_never_goes_to_the_enumerator_who_surveyed_the_household():
    drawn = [(h, 1 if h % 2 else 2, 10) for h in range(1, 41)]
    chosen = assign(drawn, {10: [1, 2, 3]})
    assert all(chosen[h] != original for h, original, _ in drawn)
    assert set(chosen.values()) <= {1, 2, 3}


def test_back_checks_go_to_the_least_loaded_enumerator_of_the_area_in_turn():
    chosen = assign([(h, 9, 10) for h in range(1, 7)], {10: [1, 2, 3, 9]}, load={1: 2})
    counts = {e: list(chosen.values()).count(e) for e in (1, 2, 3)}
    assert counts == {1: 1, 2: 3, 3: 2}  # everyone ends with 3 open, the one already holding 2 got 1
    assert 9 not in chosen.values()


def test_with_nobody_else_in_the_area_the_back_check_is_left_unassigned():
    chosen = assign([(1, 5, 10), (2, 5, 20)], {10: [5], 20: [5, 6]})
    assert chosen == {1: None, 2: 6}


def test_the_short_form_asks_stable_facts_defined_once_in_the_catalogue():
    keys = [q.key for q in BACK_CHECK]
    assert {"head_name", "member_count", "rooms", "roof", "walls", "toilet", "water"} <= set(keys)
    assert all(CATALOGUE[k].back_check for k in keys if k in CATALOGUE)
    assert not CATALOGUE["monthly_income"].back_check and not CATALOGUE["assets"].back_check


def test_answers_agree_whatever_the_spelling_case_spacing_or_number_form():
    assert agrees("Akram  Ali", "akram ali")
    assert agrees("محمد\u200cاکرم", "محمد اکرم")
    assert agrees(3, 3.0)
    assert not agrees("rcc", "iron_sheet")
    assert not agrees(None, 2)


def test_a_re_visit_is_compared_with_the_submitted_snapshot_question_by_question():
    snapshot = {"household": {"rooms": 3, "roof": "rcc", "walls": "burnt_brick", "toilet": "flush_pit",
                              "water": "hand_pump"},
                "members": [{"name": "Akram Ali", "relation": "head"}, {"name": "Sana", "relation": "daughter"}]}
    original = submitted_answers(snapshot, [q.key for q in BACK_CHECK])
    assert original["head_name"] == "Akram Ali" and original["member_count"] == 2
    result = compare(original, {"head_name": "AKRAM ALI", "member_count": 3, "rooms": 3, "roof": "rcc",
                                "walls": "mud_brick", "toilet": "flush_pit", "water": "hand_pump"})
    assert [k for k, same in result.items() if not same] == ["member_count", "walls"]


def test_a_rate_over_fewer_than_five_households_is_not_shown():
    assert rate(1, MIN_SHOWN - 1) is None
    assert rate(1, MIN_SHOWN) == 20.0
