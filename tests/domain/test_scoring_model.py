"""A planner's proxy-means model, read from its JSON and evaluated on one household: each indicator maps the
household's answer to points, the weighted sum is scaled to 0-100 (lower poorer), the bands cut it, and the
explanation says which indicators held the score down."""
from __future__ import annotations

import copy

import pytest

from app.domain.scoring import (ILLUSTRATIVE_DEFINITION, SOURCES, ModelInvalid, definition_of, evaluate, explain,
                                points_for, read_model)

ILLUSTRATIVE = read_model(ILLUSTRATIVE_DEFINITION)


def one_indicator(entry: dict, bands=None) -> dict:
    return {"indicators": [entry], "bands": bands or [{"key": "poor", "below": 50, "label_en": "Poor", "label_ur": "غریب"},
                                                       {"key": "not_poor", "label_en": "Not poor", "label_ur": "غریب نہیں"}]}


def indicator(key: str):
    return next(i for i in ILLUSTRATIVE.indicators if i.key == key)


BEST_OFF = {"facts_member_count": 2, "facts_child_count": 0, "facts_elderly_count": 0, "facts_working_age_count": 2,
            "facts_head_education": "graduate", "rooms": 4, "roof": "rcc", "walls": "burnt_brick",
            "toilet": "flush_sewer", "water": "piped", "electricity": "grid", "cooking_fuel": "gas_pipeline",
            "assets": ["fridge", "tv", "washing_machine", "air_conditioner", "motorcycle", "car", "computer", "smartphone"],
            "land_acres": 20.0, "cattle": 4, "buffalo": 4, "goats_sheep": 10, "monthly_income": 200_000}
WORST_OFF = {"facts_member_count": 12, "facts_child_count": 8, "facts_elderly_count": 2, "facts_working_age_count": 2,
             "facts_head_education": "none", "rooms": 1, "roof": "thatch_mud", "walls": "other_material",
             "toilet": "none", "water": "river_pond", "electricity": "none", "cooking_fuel": "dung_crop", "assets": [],
             "land_acres": 0.0, "cattle": 0, "buffalo": 0, "goats_sheep": 0, "monthly_income": 6000}


def test_the_best_off_household_scores_100_and_the_poorest_0():
    assert evaluate(ILLUSTRATIVE, BEST_OFF).score == 100.0
    worst = evaluate(ILLUSTRATIVE, WORST_OFF)
    assert (worst.score, worst.band.key) == (0.0, "very_poor")


def test_a_household_nobody_answered_for_gets_the_missing_points_and_the_poorest_band():
    result = evaluate(ILLUSTRATIVE, {})
    assert result.score == 0.0 and all(line.value is None for line in result.lines)


@pytest.mark.parametrize("key, values, points", [
    ("household_size", {"facts_member_count": 2}, 10), ("household_size", {"facts_member_count": 3}, 7),
    ("household_size", {"facts_member_count": 9}, 0),
    ("dependency_ratio", {"facts_child_count": 1, "facts_elderly_count": 0, "facts_working_age_count": 2}, 7),
    ("dependency_ratio", {"facts_child_count": 4, "facts_elderly_count": 0, "facts_working_age_count": 2}, 2),
    ("dependency_ratio", {"facts_child_count": 4, "facts_elderly_count": 1, "facts_working_age_count": 2}, 0),
    ("dependency_ratio", {"facts_child_count": 3, "facts_working_age_count": 0}, 0),  # nobody of working age
    ("head_education", {"facts_head_education": "matric"}, 7), ("head_education", {"facts_head_education": None}, 0),
    ("rooms_per_person", {"rooms": 1, "facts_member_count": 4}, 3),  # 0.25: not below 0.25
    ("rooms_per_person", {"rooms": 1, "facts_member_count": 5}, 0),
    ("rooms_per_person", {"rooms": 3, "facts_member_count": 2}, 10), ("rooms_per_person", {"rooms": 3}, 0),
    ("roof", {"roof": "iron_sheet"}, 6), ("walls", {"walls": "stone"}, 7), ("toilet", {"toilet": "shared"}, 2),
    ("water", {"water": "hand_pump"}, 6), ("electricity", {"electricity": "solar"}, 6),
    ("cooking_fuel", {"cooking_fuel": "wood"}, 2),
    ("assets", {"assets": ["fridge", "smartphone"]}, 2.5), ("assets", {"assets": []}, 0), ("assets", {"assets": None}, 0),
    ("land", {"land_acres": 0.0}, 0), ("land", {"land_acres": 0.01}, 4), ("land", {"land_acres": 2.49}, 4),
    ("land", {"land_acres": 2.5}, 6), ("land", {"land_acres": 0.29}, 4),
    ("livestock", {"goats_sheep": 4}, 0), ("livestock", {"goats_sheep": 5}, 4),  # five goats count as one animal
    ("livestock", {"cattle": 1, "buffalo": 1, "goats_sheep": 5}, 7), ("livestock", {}, 0),
    ("income_per_person", {"monthly_income": 16000, "facts_member_count": 4}, 5),
    ("income_per_person", {"monthly_income": 15999, "facts_member_count": 8}, 0),
])
def test_each_indicator_maps_the_households_answer_to_its_points(key, values, points):
    assert points_for(indicator(key), values) == round(points * 100)


def test_the_score_is_the_weighted_share_of_the_most_points_rounded_half_up():
    definition = {"indicators": [{"key": "roof", "weight": 1, "points": {"rcc": 3, "iron_sheet": 1}},
                                 {"key": "walls", "weight": 2, "points": {"burnt_brick": 3, "mud_brick": 0}}],
                  "bands": one_indicator({})["bands"]}
    model = read_model(definition)
    # 1 * 1 + 2 * 0 out of 1 * 3 + 2 * 3: 11.111… → 11.11
    assert evaluate(model, {"roof": "iron_sheet", "walls": "mud_brick"}).score == 11.11
    # 3 out of 9 = 33.333…; 1*3 + 2*0 → 33.33; all best → 100
    assert evaluate(model, {"roof": "rcc", "walls": "mud_brick"}).score == 33.33
    halves = read_model({"indicators": [{"key": "roof", "weight": 1, "points": {"rcc": 8, "iron_sheet": 1}}],
                         "bands": definition["bands"]})
    assert evaluate(halves, {"roof": "iron_sheet"}).score == 12.5  # 1/8 exactly
    sixteenths = read_model({"indicators": [{"key": "roof", "weight": 1, "points": {"rcc": 16, "iron_sheet": 1}}],
                             "bands": definition["bands"]})
    assert evaluate(sixteenths, {"roof": "iron_sheet"}).score == 6.25
    thirty_seconds = read_model({"indicators": [{"key": "roof", "weight": 1, "points": {"rcc": 32, "iron_sheet": 1}}],
                                 "bands": definition["bands"]})
    assert evaluate(thirty_seconds, {"roof": "iron_sheet"}).score == 3.13  # 3.125 rounds half up


def test_the_bisp_cut_offs_make_the_illustrative_bands():
    assert [(b.key, b.below) for b in ILLUSTRATIVE.bands] == [("very_poor", 1617), ("poor", 3200), ("vulnerable", 5000),
                                                              ("non_poor", None)]
    assert ILLUSTRATIVE.band_of(1616).key == "very_poor" and ILLUSTRATIVE.band_of(1617).key == "poor"
    assert ILLUSTRATIVE.band_of(3199).key == "poor" and ILLUSTRATIVE.band_of(3200).key == "vulnerable"
    assert ILLUSTRATIVE.band_of(10000).key == "non_poor"


def test_the_explanation_lists_what_held_the_score_down_most_first():
    household = dict(BEST_OFF, rooms=1, facts_member_count=6, monthly_income=12000, roof="thatch_mud")
    result = evaluate(ILLUSTRATIVE, household)
    held = result.lowering()
    assert [line.key for line in held][:3] == ["rooms_per_person", "income_per_person", "roof"]
    assert all(a.shortfall >= b.shortfall for a, b in zip(held, held[1:]))
    rooms = next(line for line in result.lines if line.key == "rooms_per_person")
    assert (rooms.value, rooms.points, rooms.best, rooms.weight) == (0.17, 0.0, 10.0, 1.5)
    # Every line adds its contribution; the contributions sum to the score, shortfalls to what is missing.
    assert abs(sum(line.contribution for line in result.lines) - result.score) < 0.1
    assert abs(sum(line.shortfall for line in result.lines) - (100 - result.score)) < 0.1
    assert [line.key for line in result.lines] == list(SOURCES)


def test_the_explanation_is_rebuilt_from_the_stored_points():
    result = evaluate(ILLUSTRATIVE, WORST_OFF | {"roof": "rcc"})
    rebuilt = explain(ILLUSTRATIVE, list(result.points))
    assert (rebuilt.score, rebuilt.band, rebuilt.points) == (result.score, result.band, result.points)


def test_a_definition_written_back_reads_the_same():
    assert definition_of(read_model(definition_of(ILLUSTRATIVE))) == definition_of(ILLUSTRATIVE)


def problems_of(definition) -> list[str]:
    with pytest.raises(ModelInvalid) as raised:
        read_model(definition)
    return [p.text() for p in raised.value.problems]


def test_a_definition_with_mistakes_lists_every_problem_clearly():
    broken = copy.deepcopy(ILLUSTRATIVE_DEFINITION)
    broken["indicators"][0]["weight"] = 0
    broken["indicators"][1]["ranges"] = [{"below": 2, "points": 1}, {"below": 1, "points": 2}, {"points": 3}]
    broken["indicators"][2]["points"]["phd"] = 10
    broken["indicators"][4]["points"]["rcc"] = 1.234
    broken["indicators"].append({"key": "roof", "weight": 1, "points": {"rcc": 1}})
    broken["indicators"].append({"key": "caste", "weight": 1})
    broken["bands"][1]["below"] = 10
    problems = problems_of(broken)
    assert any("household_size" in p and "weight" in p for p in problems)
    assert any("dependency_ratio" in p and "go up" in p for p in problems)
    assert any('"phd" is not one of its answers' in p for p in problems)
    assert any("roof" in p and "two decimals" in p for p in problems)
    assert any('"roof" is listed twice' in p for p in problems)
    assert any('no indicator "caste"' in p for p in problems)
    assert any("bands must go up" in p for p in problems)
    assert len(problems) == 7


@pytest.mark.parametrize("definition, words", [
    ([], "an object"),
    ({"indicators": [], "bands": []}, "at least one indicator"),
    (one_indicator({"key": "rooms_per_person", "weight": 1, "ranges": [{"below": 1, "points": 1}, {"below": 2, "points": 2}]}),
     "the last range"),
    (one_indicator({"key": "roof", "weight": 1, "points": {"rcc": 0}}), "above 0"),
    (one_indicator({"key": "roof", "weight": 1, "points": {"rcc": 1}}, bands=[{"key": "all", "label_en": "All", "label_ur": "سب"}]),
     "at least two"),
    (one_indicator({"key": "roof", "weight": 1, "points": {"rcc": 1}},
                   bands=[{"key": "Poor!", "below": 20, "label_en": "P", "label_ur": "غ"}, {"key": "rest", "below": 30, "label_en": "R", "label_ur": "ب"}]),
     "small letters"),
    (one_indicator({"key": "roof", "weight": 1, "points": {"rcc": 1}},
                   bands=[{"key": "low", "below": 120, "label_en": "Low", "label_ur": "کم"}, {"key": "rest", "label_en": "", "label_ur": "ب"}]),
     "at most 100"),
    (one_indicator({"key": "land", "weight": "heavy", "ranges": [{"points": 1}]}), "weight"),
    (one_indicator({"key": "roof", "weight": 1, "points": {"rcc": True}}), "points for \"rcc\""),
])
def test_each_kind_of_mistake_is_named(definition, words):
    assert any(words in p for p in problems_of(definition))
