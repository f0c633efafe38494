"""The vulnerability index puts the poorest and those who cannot flee first; small counts stay hidden."""
from __future__ import annotations

from app.domain.disaster import ReliefCriteria, rank_key, vulnerability_hundredths
from app.domain.small_counts import hide_small


def test_a_lower_score_is_more_vulnerable():
    assert vulnerability_hundredths(10.0) > vulnerability_hundredths(40.0)
    assert vulnerability_hundredths(12.34) == 8766


def test_disability_elderly_small_children_and_a_woman_or_widowed_head_each_add_their_weight():
    base = vulnerability_hundredths(40.0)
    assert vulnerability_hundredths(40.0, disabled=1) == base + 1000
    assert vulnerability_hundredths(40.0, elderly=1) == base + 500
    assert vulnerability_hundredths(40.0, under5=2) == base + 1000
    assert vulnerability_hundredths(40.0, head_sex="female") == base + 1000
    assert vulnerability_hundredths(40.0, head_sex="male", head_marital_status="widowed") == base + 1000


def test_counts_are_capped_so_one_large_family_does_not_outrank_every_poorer_one():
    assert vulnerability_hundredths(40.0, under5=9) == vulnerability_hundredths(40.0, under5=3)
    assert vulnerability_hundredths(40.0, disabled=5) == vulnerability_hundredths(40.0, disabled=2)
    assert vulnerability_hundredths(40.0, elderly=4) == vulnerability_hundredths(40.0, elderly=2)


def test_a_household_not_scored_yet_stands_at_the_middle_of_the_scale():
    assert vulnerability_hundredths(None) == vulnerability_hundredths(50.0)
    assert vulnerability_hundredths(None, disabled=None, elderly=None, under5=None) == 5000


def test_ranking_puts_the_most_vulnerable_first_and_ties_to_the_older_record():
    households = {1: vulnerability_hundredths(30.0), 2: vulnerability_hundredths(30.0),
                  3: vulnerability_hundredths(30.0, disabled=1), 4: vulnerability_hundredths(70.0)}
    assert sorted(households, key=lambda i: rank_key(i, households[i])) == [3, 1, 2, 4]


def test_criteria_admit_only_matching_households():
    plain = dict(status="verified", score=20.0, under5=0, elderly=0, disabled=0, head_sex="male",
                 head_marital_status="married")
    assert ReliefCriteria().admits(**plain)
    assert not ReliefCriteria(min_under5=1).admits(**plain)
    assert ReliefCriteria(min_under5=1).admits(**{**plain, "under5": 2})
    assert not ReliefCriteria(verified_only=True).admits(**{**plain, "status": "submitted"})
    assert not ReliefCriteria(score_below=20.0).admits(**plain)
    assert not ReliefCriteria(score_below=90.0).admits(**{**plain, "score": None})
    assert ReliefCriteria(female_or_widowed_head=True).admits(**{**plain, "head_marital_status": "widowed"})
    assert not ReliefCriteria(with_disability=True).admits(**plain)
    assert not ReliefCriteria(with_elderly=True).admits(**plain)


def test_criteria_survive_being_saved_with_the_event():
    criteria = ReliefCriteria(verified_only=True, min_under5=2, score_below=32.0)
    assert criteria.as_dict() == {"verified_only": True, "min_under5": 2, "score_below": 32.0}
    assert ReliefCriteria.from_dict({**criteria.as_dict(), "unknown": 1}) == criteria


def test_counts_below_five_are_hidden_and_zero_and_larger_counts_are_shown():
    assert [hide_small(n) for n in (0, 1, 4, 5, 6, 1000)] == [0, None, None, 5, 6, 1000]
    assert hide_small(None) is None
    assert hide_small(9, threshold=10) is None and hide_small(10, threshold=10) == 10
