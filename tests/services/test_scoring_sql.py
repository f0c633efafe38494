"""One model, two evaluators: the score a model gives a household in Python (domain.scoring) is the score its
SQL compilation gives the same household's row, for random models and random households, on SQLite and on
PostgreSQL (TEST_DATABASE_URL). Re-scoring millions in SQL can then never disagree with scoring one at
verification."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from app.domain.catalogue import CATALOGUE
from app.domain.scoring import ASSETS, NUMBER, SOURCES, VALUE_COLUMNS, ModelInvalid, evaluate, read_model
from app.models import Household
from app.models.base import utcnow
from app.services.scoring_sql import compile_model

SCALE = {"household_size": 20, "dependency_ratio": 10, "rooms_per_person": 10, "land": 100, "livestock": 60,
         "income_per_person": 60_000}


def two_places(low, high):
    return st.decimals(min_value=low, max_value=high, places=2, allow_nan=False, allow_infinity=False).map(float)


@st.composite
def indicator_definitions(draw, key):
    source = SOURCES[key]
    entry = {"key": key, "weight": draw(two_places(Decimal("0.01"), 100)), "missing": draw(two_places(0, 50))}
    if source.kind == NUMBER:
        bounds = sorted(set(draw(st.lists(two_places(-1, SCALE[key]), min_size=0, max_size=5))))
        entry["ranges"] = [{"below": b, "points": draw(two_places(0, 100))} for b in bounds] + [
            {"points": draw(two_places(0, 100))}]
    else:
        keys = CATALOGUE.choice_list(source.choices).keys
        chosen = draw(st.lists(st.sampled_from(keys), min_size=1, unique=True))
        entry["points"] = {k: draw(two_places(0, 100)) for k in chosen}
    return entry


@st.composite
def models(draw):
    keys = draw(st.lists(st.sampled_from(list(SOURCES)), min_size=1, max_size=len(SOURCES), unique=True))
    cuts = sorted(set(draw(st.lists(two_places(Decimal("0.01"), 100), min_size=1, max_size=3))))
    bands = [{"key": f"band{i}", "below": cut, "label_en": f"Band {i}", "label_ur": "درجہ"} for i, cut in enumerate(cuts)]
    bands.append({"key": "top", "label_en": "Top", "label_ur": "اوپر"})
    definition = {"indicators": [draw(indicator_definitions(k)) for k in keys], "bands": bands}
    try:
        return read_model(definition)
    except ModelInvalid:
        assume(False)


def choice(list_name):
    return st.one_of(st.none(), st.sampled_from(CATALOGUE.choice_list(list_name).keys), st.just("something_else"))


count = st.one_of(st.none(), st.integers(0, 15))
households = st.fixed_dictionaries({
    "facts_member_count": count, "facts_child_count": count, "facts_elderly_count": count,
    "facts_working_age_count": count, "facts_head_education": choice("education"),
    "rooms": st.one_of(st.none(), st.integers(1, 50)),
    **{name: choice(name) for name in ("roof", "walls", "toilet", "water", "electricity", "cooking_fuel")},
    "assets": st.one_of(st.none(), st.lists(st.sampled_from(CATALOGUE.choice_list("assets").keys), unique=True)),
    "land_acres": st.one_of(st.none(), two_places(0, 10000)),
    "cattle": st.one_of(st.none(), st.integers(0, 1000)), "buffalo": st.one_of(st.none(), st.integers(0, 1000)),
    "goats_sheep": st.one_of(st.none(), st.integers(0, 5000)),
    "monthly_income": st.one_of(st.none(), st.integers(0, 10_000_000)),
})


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], max_examples=60)
@given(model=models(), rows=st.lists(households, min_size=1, max_size=8))
def test_sql_and_python_give_every_household_the_same_score_and_band(db, model, rows):
    table = Household.__table__
    now = utcnow()
    ids = [db.execute(insert(table).values(head_cnic="35202-0000000-1", status="verified", self_declared=False, version=1,
                                           created_at=now, updated_at=now, visit_requested=False, **values)
                      .returning(table.c.id)).scalar_one() for values in rows]
    try:
        compiled = compile_model(model)
        hundredths = compiled.hundredths(table)
        query = select(table.c.id, hundredths, compiled.band(hundredths), compiled.score(hundredths),
                       *(table.c[c] for c in VALUE_COLUMNS)).where(table.c.id.in_(ids))
        for row in db.execute(query):
            values = {c: row[4 + i] for i, c in enumerate(VALUE_COLUMNS)}  # as the database keeps them
            expected = evaluate(model, values)
            assert (row[1], row[2]) == (expected.hundredths, expected.band.key), values
            assert float(row[3]) == expected.score
    finally:
        db.execute(delete(table).where(table.c.id.in_(ids)))
        db.commit()


def test_a_json_list_of_assets_is_read_alike_whatever_its_spacing(db):
    """Assets written by another tool (no spaces, JSON null) are counted as the form's are."""
    model = read_model({"indicators": [{"key": "assets", "weight": 1, "points": {"tv": 1, "car": 3}, "missing": 2}],
                        "bands": [{"key": "low", "below": 50, "label_en": "Low", "label_ur": "کم"},
                                  {"key": "high", "label_en": "High", "label_ur": "زیادہ"}]})
    table = Household.__table__
    now = utcnow()
    base = dict(head_cnic="35202-0000000-1", status="verified", self_declared=False, version=1, created_at=now,
                updated_at=now, visit_requested=False)
    ids = [db.execute(insert(table).values(**base, assets=value).returning(table.c.id)).scalar_one()
           for value in (["tv", "car"], ["tv"], [], None)]
    compiled = compile_model(model)
    hundredths = compiled.hundredths(table)
    got = dict(db.execute(select(table.c.id, hundredths).where(table.c.id.in_(ids))).tuples().all())
    assert [got[i] for i in ids] == [10000, 2500, 0, 5000]
    assert [evaluate(model, {"assets": v}).hundredths for v in (["tv", "car"], ["tv"], [], None)] == [10000, 2500, 0, 5000]
    assert SOURCES["assets"].kind == ASSETS
    db.rollback()
