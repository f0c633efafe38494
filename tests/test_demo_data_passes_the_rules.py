"""The demo data passes the portal's own rules: the questionnaire's checks find nothing in any demo household,
and the review page of each says so."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.models import Household
from app.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from app.services.questionnaire import open_problems
from tests.helpers import html_escape, page_text, urdu

PAST_THE_DRAFT = ("submitted", "returned", "verified", "rejected")


def test_no_demo_household_breaks_a_rule_of_the_questionnaire(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--households", "60"])
    assert result.exit_code == 0, result.output
    households = db.scalars(select(Household).where(Household.import_key.like("demo-%"))).all()
    surveyed = [h for h in households if h.members]
    assert len(surveyed) >= 30 and {h.status for h in surveyed} >= {"draft", *PAST_THE_DRAFT}
    today = date.today()
    for household in surveyed:
        problems = [(p.section, p.code) for p in open_problems(household, today)]
        if household.status in PAST_THE_DRAFT:
            assert problems == [], (household.import_key, household.status, problems)
        else:  # a draft may still have sections to save, but nothing wrong in what it has
            assert all(code == "not_saved" for _, code in problems), (household.import_key, problems)


def test_the_review_page_of_each_demo_household_of_the_enumerators_area_shows_no_problem(app, db, client):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--households", "60"]).exit_code == 0
    enumerator_cnic = next(cnic for role, cnic, _, area in DEMO_ACCOUNTS if role == "enumerator" and area == "Lahore")
    client.get("/login")
    assert client.post("/login", data={"cnic": enumerator_cnic, "password": DEMO_PASSWORD}).status_code == 302
    reviewed = 0
    for household in db.scalars(select(Household).where(Household.import_key.like("demo-%"))).all():
        if not household.members or household.status not in ("submitted", "returned", "verified", "rejected"):
            continue
        response = client.get(f"/enumerator/households/{household.id}/review")
        if response.status_code == 404:
            continue  # another district's household
        html = page_text(response)
        assert response.status_code == 200
        assert 'class="problems"' not in html, household.import_key
        assert html_escape(urdu(app, "No problems found. Check the summary and submit.")) in html, household.import_key
        reviewed += 1
    assert reviewed >= 5
