"""A household is scored when it is verified: the score is written to its row, kept in its history with the
version that gave it, and counted in the score distribution in the same transaction; a new version is
checked, stored, activated (audited), and re-scoring brings every verified household to it set-based."""
from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain.household_status import HouseholdStatus
from app.domain.scoring import ILLUSTRATIVE_DEFINITION, ILLUSTRATIVE_VERSION, ModelInvalid, evaluate
from app.models import AuditEntry, Household, HouseholdScore, ScoreCount, ScoringModel
from app.services import scoring
from tests.factories import make_household, make_user
from tests.services.conftest import count_rows

POOR_HOUSING = {"rooms": 1, "roof": "thatch_mud", "walls": "mud_brick", "toilet": "none", "water": "hand_pump",
                "electricity": "grid", "cooking_fuel": "wood", "assets": ["smartphone"], "land_acres": 0,
                "cattle": 0, "buffalo": 1, "goats_sheep": 2, "monthly_income": 18000}
GOOD_HOUSING = {"rooms": 5, "roof": "rcc", "walls": "burnt_brick", "toilet": "flush_sewer", "water": "piped",
                "electricity": "grid", "cooking_fuel": "gas_pipeline", "assets": ["fridge", "tv", "car", "computer"],
                "land_acres": 15.5, "cattle": 2, "buffalo": 2, "goats_sheep": 0, "monthly_income": 250000}
FAMILY = [{"name": "Head", "relation": "head", "sex": "male", "dob": date(1980, 1, 1), "education": "primary",
           "marital_status": "married"},
          {"name": "Wife", "relation": "spouse", "sex": "female", "dob": date(1985, 1, 1)},
          {"name": "Son", "relation": "son", "sex": "male", "dob": date(2018, 1, 1)},
          {"name": "Daughter", "relation": "daughter", "sex": "female", "dob": date(2021, 1, 1)}]


@pytest.fixture
def model(session, ctx):
    scoring.ensure_illustrative_model(session, ctx)
    session.commit()
    return scoring.active_model(session)


def verified(session, answers=POOR_HOUSING, area="Lahore") -> Household:
    return make_household(session, status=HouseholdStatus.VERIFIED, members=FAMILY, area=area, **answers)


def counts(session) -> dict:
    return {(c.district_key, c.model_id, c.band): c.households for c in session.scalars(select(ScoreCount))
            if c.households}


def test_the_seed_adds_one_active_illustrative_model_however_often_it_runs(session, ctx):
    assert scoring.ensure_illustrative_model(session, ctx) is True
    assert scoring.ensure_illustrative_model(session, ctx) is False
    session.commit()
    row = scoring.active_model(session)
    assert (row.version, row.illustrative, row.active) == (ILLUSTRATIVE_VERSION, True, True)
    assert "not the official formula" in row.notes
    assert count_rows(session, ScoringModel) == 1


def test_a_verified_household_gets_its_score_band_history_and_count(session, ctx, model):
    household = verified(session)
    history = scoring.score_household(session, ctx, household)
    session.commit()
    expected = evaluate(scoring.model_of(model), scoring.household_values(household))
    assert (household.score, household.score_band, household.score_model_id) == (expected.score, expected.band.key, model.id)
    assert household.scored_at == ctx.now() and household.facts_member_count == 4
    assert (history.model_id, history.score, history.band, history.reason) == (model.id, expected.score, expected.band.key,
                                                                               "verified")
    assert history.points == list(expected.points) and history.values["roof"] == "thatch_mud"
    assert counts(session) == {(household.district_id, model.id, expected.band.key): 1}


def test_a_second_score_keeps_the_first_and_moves_the_count(session, ctx, model, clock):
    household = verified(session)
    scoring.score_household(session, ctx, household)
    first_band = household.score_band
    session.commit()
    for name, value in GOOD_HOUSING.items():
        setattr(household, name, value)
    clock.advance(days=30)
    scoring.score_household(session, ctx, household, reason="update")
    session.commit()
    history = scoring.score_history(session, household.id)
    assert [(score.reason, m.version) for score, m in history] == [("update", model.version), ("verified", model.version)]
    assert household.score_band == "non_poor" != first_band
    assert counts(session) == {(household.district_id, model.id, "non_poor"): 1}


def test_without_any_model_a_verified_household_is_simply_not_scored(session, ctx):
    household = verified(session)
    assert scoring.score_household(session, ctx, household) is None
    assert household.score is None and count_rows(session, HouseholdScore) == 0


def test_the_explanation_comes_from_the_version_that_scored_the_household(session, ctx, model):
    household = verified(session)
    scoring.score_household(session, ctx, household)
    session.commit()
    explained = scoring.explain_household(session, household)
    assert explained.model.id == model.id and not explained.answers_changed
    assert explained.evaluation.score == household.score
    assert explained.evaluation.lowering(1)[0].key in {"rooms_per_person", "income_per_person", "assets"}
    household.rooms = 6
    session.flush()
    assert scoring.explain_household(session, household).answers_changed


def test_a_new_version_is_checked_stored_inactive_and_then_activated_with_an_audit_entry(session, ctx, model, clock):
    admin = make_user(session, role="admin")
    broken = copy.deepcopy(ILLUSTRATIVE_DEFINITION)
    broken["bands"][0]["below"] = 60
    with pytest.raises(ModelInvalid) as refused:
        scoring.create_model(session, ctx, version=model.version, effective_from=date(2026, 3, 1), definition=broken,
                             actor=admin)
    messages = [p.text() for p in refused.value.problems]
    assert any("already a version" in m for m in messages) and any("bands must go up" in m for m in messages)
    changed = copy.deepcopy(ILLUSTRATIVE_DEFINITION)
    changed["indicators"][0]["weight"] = 3
    later = scoring.create_model(session, ctx, version="2026-b", effective_from=ctx.now().date() + timedelta(days=2),
                                 definition=changed, notes="Household size counts more", actor=admin)
    assert later.active is False and scoring.active_model(session).id == model.id
    with pytest.raises(scoring.NotYetEffective):
        scoring.activate_model(session, ctx, later, actor=admin)
    clock.advance(days=2)
    scoring.activate_model(session, ctx, later, actor=admin)
    session.commit()
    assert scoring.active_model(session).id == later.id
    session.refresh(model)
    assert model.active is False
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == admin.id).order_by(AuditEntry.id)).all()
    assert actions == ["scoring.model_create", "scoring.model_activate"]


def test_rescoring_brings_every_verified_household_to_the_new_version_and_keeps_the_old_scores(session, ctx, model):
    households = [verified(session, POOR_HOUSING), verified(session, GOOD_HOUSING, area="Multan"), verified(session)]
    draft = make_household(session, status=HouseholdStatus.SUBMITTED, **POOR_HOUSING)
    for household in households:
        scoring.score_household(session, ctx, household)
    session.commit()
    changed = copy.deepcopy(ILLUSTRATIVE_DEFINITION)
    changed["bands"][1]["below"] = 45  # more households count as poor
    new = scoring.create_model(session, ctx, version="2026-wider-poor", effective_from=date(2026, 1, 1), definition=changed)
    scoring.activate_model(session, ctx, new)
    session.commit()
    first, last, total = scoring.verified_id_range(session)
    started = ctx.now()
    assert scoring.rescore_range(session, new, first, last + 1, started) == 3 == total
    assert scoring.rescore_range(session, new, first, last + 1, started) == 0  # a resumed run does nothing twice
    scoring.rebuild_score_counts(session)
    session.commit()
    for household in households:
        session.refresh(household)
        expected = evaluate(scoring.model_of(new), scoring.household_values(household))
        assert (household.score, household.score_band, household.score_model_id) == (expected.score, expected.band.key, new.id)
        versions = [m.version for _, m in scoring.score_history(session, household.id)]
        assert versions == [new.version, model.version]
        explained = scoring.explain_household(session, household)
        assert explained.model.id == new.id and explained.evaluation.score == household.score
    session.refresh(draft)
    assert draft.score is None
    distribution = scoring.score_distribution(session)
    assert distribution.model.id == new.id and distribution.total == 3 and distribution.other_versions == 0
    assert scoring.households_by_model(session) == {new.id: 3}
    multan = session.get(Household, households[1].id).district_id
    assert scoring.score_distribution(session, multan).total == 1


def test_the_distribution_counts_what_score_household_and_the_rebuild_agree_on(session, ctx, model):
    for answers in (POOR_HOUSING, GOOD_HOUSING, POOR_HOUSING):
        scoring.score_household(session, ctx, verified(session, answers))
    session.commit()
    kept = counts(session)
    scoring.rebuild_score_counts(session)
    session.commit()
    assert counts(session) == kept and sum(kept.values()) == 3
    distribution = scoring.score_distribution(session)
    assert [b.key for b in distribution.bands] == ["very_poor", "poor", "vulnerable", "non_poor"]
    assert distribution.rows("ur")[0][0] == "انتہائی غریب" and distribution.total == 3
