"""A planner manages the scoring model on /admin/models (versions, one version's table, a new version copied
and edited with clear errors in Urdu or English, activation, a re-score with its progress); a citizen reads on
/me, in plain Urdu, why the household's score is what it is; every page that shows a score of the illustrative
model says that it is not the official formula."""
from __future__ import annotations

import copy
import json
import re
from datetime import date

import pytest
from flask import render_template_string
from markupsafe import escape
from sqlalchemy import select

from app.domain.household_status import HouseholdStatus
from app.domain.scoring import ILLUSTRATIVE_VERSION, definition_of
from app.models import AuditEntry, BackgroundJob, Household, ScoringModel
from app.services import scoring
from app.services.context import ServiceContext
from tests import factories
from tests.conftest import PASSWORD, Browserish
from tests.helpers import english, page_text, urdu

NOTICE = "Illustrative model, not the official formula: its weights and points are made up for trying the portal out."
FAMILY = [{"name": "Rashid Head", "relation": "head", "sex": "male", "dob": date(1975, 1, 1), "education": "none",
           "marital_status": "married"},
          {"name": "Nasreen Wife", "relation": "spouse", "sex": "female", "dob": date(1980, 1, 1)},
          *({"name": f"Child {n}", "relation": "son", "sex": "male", "dob": date(2015 + n, 1, 1)} for n in range(4))]
POOR = {"rooms": 1, "roof": "iron_sheet", "walls": "mud_brick", "toilet": "shared", "water": "hand_pump",
        "electricity": "grid", "cooking_fuel": "wood", "assets": ["smartphone", "tv"], "land_acres": 0, "cattle": 0,
        "buffalo": 0, "goats_sheep": 3, "monthly_income": 30000}


@pytest.fixture
def ctx(app):
    return ServiceContext.from_config(app.config)


@pytest.fixture
def illustrative(db, ctx):
    scoring.ensure_illustrative_model(db, ctx)
    db.commit()
    return scoring.active_model(db)


def sign_in(app, user) -> Browserish:
    browser = Browserish(app.test_client())
    browser.get("/login")
    response = browser.post("/login", data={"cnic": user.cnic, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_only_an_administrator_opens_the_scoring_models(app, client, login_as, illustrative):
    assert client.get("/admin/models").status_code == 302  # anonymous: to the sign-in page
    login_as("supervisor", area="Lahore")
    for path in ("/admin/models", f"/admin/models/{illustrative.id}", "/admin/models/new"):
        assert client.get(path).status_code == 403
    assert client.post(f"/admin/models/{illustrative.id}/rescore").status_code == 403
    assert client.post("/admin/models/new", data={"version": "x"}).status_code == 403


def test_the_versions_page_in_urdu_lists_the_illustrative_model_with_its_warning(app, client, login_as, illustrative):
    login_as("admin")
    html = page_text(client.get("/admin/models"))
    assert '<html lang="ur" dir="rtl">' in html
    assert urdu(app, "Scoring models") in html and ILLUSTRATIVE_VERSION in html
    assert urdu(app, "Active") in html
    view = page_text(client.get(f"/admin/models/{illustrative.id}"))
    assert urdu(app, NOTICE) in view
    assert urdu(app, "Rooms per person") in view and urdu(app, "Concrete (RCC)") in view
    assert "انتہائی غریب" in view and "16.17" in view
    client.get("/lang/en")
    view = page_text(client.get(f"/admin/models/{illustrative.id}"))
    assert english(app, NOTICE) in view and "Very poor" in view and "Rooms per person" in view


def _new_version_form(client, source_id):
    html = page_text(client.get(f"/admin/models/new?from={source_id}"))
    definition = re.search(r'<textarea[^>]*name="definition"[^>]*>\s*(.*?)</textarea>', html, re.S).group(1)
    import html as html_lib

    return json.loads(html_lib.unescape(definition))


def test_a_new_version_with_mistakes_is_refused_with_every_problem_in_urdu(app, client, login_as, illustrative, db):
    login_as("admin")
    definition = _new_version_form(client, illustrative.id)
    assert definition == definition_of(scoring.model_of(illustrative))
    definition["indicators"][0]["weight"] = -1
    definition["bands"][1]["below"] = 5
    data = {"version": "2027", "effective_from": "2026-11-01", "notes": "", "definition": json.dumps(definition)}
    response = client.post("/admin/models/new", data=data)
    assert response.status_code == 422
    html = page_text(response)
    assert escape(urdu(app, "The bands must go up, each \"below\" larger than the one before.")) in html
    weight = urdu(app, "Indicator \"%(key)s\": the weight must be a number above 0 and at most %(most)s, with at most "
                       "two decimals.", key="household_size", most=100)
    assert escape(weight) in html
    fragment = client.post("/admin/models/new", data=data, htmx=True)
    assert fragment.status_code == 422 and "<html" not in page_text(fragment) and 'id="model-form"' in page_text(fragment)
    assert fragment.headers.get("Vary") and "HX-Request" in fragment.headers["Vary"]
    unreadable = client.post("/admin/models/new", data=dict(data, definition="{\"indicators\": [}"))
    assert unreadable.status_code == 422
    assert urdu(app, "The JSON cannot be read near line %(line)s, column %(column)s: check the commas, quotes and "
                     "brackets.", line=1, column=17) in page_text(unreadable)
    assert db.scalar(select(ScoringModel).where(ScoringModel.version == "2027")) is None
    definition["indicators"][0]["weight"] = 1
    definition["bands"][1]["below"] = 32
    saved = client.post("/admin/models/new", data=dict(data, definition=json.dumps(definition)), htmx=True)
    new = db.scalar(select(ScoringModel).where(ScoringModel.version == "2027"))
    assert saved.status_code == 204 and saved.headers["HX-Redirect"].endswith(f"/admin/models/{new.id}")


def test_a_planner_copies_a_version_changes_a_weight_activates_it_and_rescores(app, client, login_as, illustrative, db, ctx):
    admin = login_as("admin")
    households = []
    for _ in range(3):
        household = factories.make_household(db, status=HouseholdStatus.VERIFIED, members=FAMILY, **POOR)
        scoring.score_household(db, ctx, household)
        households.append(household.id)
    db.commit()
    definition = _new_version_form(client, illustrative.id)
    definition["indicators"][3]["weight"] = 5  # rooms per person count much more
    client.get("/lang/en")
    response = client.post("/admin/models/new", data={"version": "2027-rooms", "effective_from": "2026-01-01",
                                                      "notes": "Crowding counts more", "definition": json.dumps(definition)})
    assert response.status_code == 302
    new = db.scalar(select(ScoringModel).where(ScoringModel.version == "2027-rooms"))
    assert response.headers["Location"].endswith(f"/admin/models/{new.id}") and not new.active
    assert client.post(f"/admin/models/{new.id}/rescore").status_code == 302  # refused: not active yet
    assert db.scalars(select(BackgroundJob)).all() == []
    assert client.post(f"/admin/models/{new.id}/activate").status_code == 302
    db.expire_all()
    assert scoring.active_model(db).id == new.id
    assert db.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "scoring.model_activate",
                                                    AuditEntry.outcome == "2027-rooms")) == admin.id
    assert client.post(f"/admin/models/{new.id}/rescore").status_code == 302
    job = db.scalars(select(BackgroundJob).where(BackgroundJob.kind == "scoring.rescore")).one()
    assert (job.kind, job.state, job.result) == ("scoring.rescore", "done", {"scored": 3})
    listing = page_text(client.get("/admin/models"))
    assert '<progress id="rescore-progress-' in listing and "2027-rooms" in listing
    block = client.get("/admin/models", headers={"HX-Request": "true"})
    assert "<html" not in page_text(block) and 'id="rescore-jobs"' in page_text(block)
    assert "HX-Request" in block.headers["Vary"]
    for household_id in households:
        assert db.get(Household, household_id).score_model_id == new.id
    assert page_text(client.get("/admin/jobs")).count("Re-scoring households") >= 1


def scored_citizen(db, ctx, name: str, answers: dict, *, is_head: bool = True):
    """A citizen whose household (the family above) was verified with these answers and scored."""
    citizen = factories.make_user(db, role="citizen", name=name)
    household = citizen.household
    if not is_head:
        household.head_cnic = factories.cnic_for()
    household.status = HouseholdStatus.VERIFIED
    for column, value in answers.items():
        setattr(household, column, value)
    db.flush()
    for member in FAMILY:
        factories.make_member(db, household, **member)
    scoring.score_household(db, ctx, household)
    db.commit()
    return citizen, household


def test_the_citizen_reads_in_urdu_why_the_score_is_low_without_other_members_data(app, db, ctx, illustrative):
    citizen, household = scored_citizen(db, ctx, "Rashid Head", POOR)
    browser = sign_in(app, citizen)
    html = page_text(browser.get("/me"))
    assert urdu(app, "Your score is lower because:") in html
    assert urdu(app, NOTICE) in html
    assert urdu(app, "There are few rooms per person in the home.") in html
    section = html[html.index('id="my-score-title"'):]
    section = section[:section.index("</section>")]
    assert "Nasreen" not in section and "Child" not in section and "1980" not in section
    assert household.score_band in {"very_poor", "poor", "vulnerable"}
    assert "گھر میں فی فرد کمرے کم ہیں" in section


def test_someone_other_than_the_head_is_not_told_about_the_heads_schooling(app, db, ctx, illustrative):
    better_off = dict(POOR, rooms=4, monthly_income=120000, roof="rcc", walls="burnt_brick", toilet="flush_sewer",
                      cooking_fuel="gas_pipeline", land_acres=20, cattle=5, assets=["fridge", "tv", "car", "computer"])
    citizen, household = scored_citizen(db, ctx, "Nasreen Wife", better_off, is_head=False)
    assert "head_education" in [line.key for line in scoring.explain_household(db, household).evaluation.lowering(3)]
    html = page_text(sign_in(app, citizen).get("/me"))
    assert urdu(app, "Your score is lower because:") in html
    assert urdu(app, "The head of the household has had little schooling.") not in html


def test_a_household_not_scored_yet_shows_no_score_on_me(app, db, illustrative):
    citizen = factories.make_user(db, role="citizen")
    db.commit()
    assert urdu(app, "Your score is lower because:") not in page_text(sign_in(app, citizen).get("/me"))


def test_staff_read_the_full_explanation_and_history_through_the_partial(app, db, ctx, illustrative):
    household = factories.make_household(db, status=HouseholdStatus.VERIFIED, members=FAMILY, **POOR)
    scoring.score_household(db, ctx, household)
    db.commit()
    template = ('{% from "macros/score_explained.html" import score_explained, score_history %}'
                '{{ score_explained(household_score(household)) }}{{ score_history(household_score_history(household)) }}')
    with app.test_request_context("/?lang=en"):
        from flask_babel import force_locale

        with force_locale("en"):
            html = render_template_string(template, household=db.get(Household, household.id))
    assert "Rooms per person" in html and "Held the score down by" in html and ILLUSTRATIVE_VERSION in html
    assert english(app, NOTICE) in html and "Verified" in html
    with app.test_request_context("/"):
        from flask_babel import force_locale

        with force_locale("ur"):
            html = render_template_string(template, household=db.get(Household, household.id))
    assert urdu(app, "How each indicator counted") in html and urdu(app, "Rooms per person") in html


def test_the_dashboard_partial_draws_the_distribution_as_bars_and_a_table(app, db, ctx, illustrative):
    for answers in (POOR, POOR, dict(POOR, rooms=6, monthly_income=900000, roof="rcc")):
        scoring.score_household(db, ctx, factories.make_household(db, status=HouseholdStatus.VERIFIED, members=FAMILY,
                                                                   **answers))
    db.commit()
    from flask_babel import force_locale

    with app.test_request_context("/"):
        with force_locale("ur"):
            html = render_template_string('{% include "admin/_score_distribution.html" %}')
    assert "<svg" in html and "<table>" in html and "انتہائی غریب" in html and urdu(app, NOTICE) in html
    distribution = scoring.score_distribution(db)
    assert distribution.total == 3
    with app.test_request_context("/"):
        with force_locale("en"):
            html = render_template_string('{% include "admin/_score_distribution.html" %}',
                                          score_dist=distribution)
    for label, households in distribution.rows("en"):
        assert f'<th scope="row">{label}</th><td>{households}</td>' in html


# The JSON a planner types names its parts in Latin (as the stored definition does): the only Latin words
# the model pages show in Urdu, besides the version names (in <bdi>).
JSON_WORDS = {"JSON", "key", "keys", "weight", "points", "ranges", "below", "missing", "bands", "label_en", "label_ur",
              "indicators"}


def test_the_model_pages_in_urdu_show_no_english_but_the_json_words(app, client, login_as, illustrative):
    from tests.views.test_every_page_in_urdu import english_words

    login_as("admin")
    for path in ("/admin/models", f"/admin/models/{illustrative.id}", "/admin/models/new"):
        response = client.get(path)
        assert response.status_code == 200
        latin = [w for w in english_words(page_text(response)) if w not in JSON_WORDS]
        assert [w for w in latin if not illustrative.version.startswith(w)] == [], path  # the <title> names the version
