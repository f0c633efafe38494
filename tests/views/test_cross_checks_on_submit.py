"""An enumerator's submit raises the cross-checks' flags for the supervisor: a head already surveyed in another
district (seen from both households) and a questionnaire filled in seconds; the enumerator's own review page
lists them in Urdu as warnings that do not stop the submission."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.household_status import HouseholdStatus
from app.models import Household
from app.models.quality import HouseholdFlag
from app.services import cross_checks
from app.unit_of_work import service_context
from tests.factories import make_household
from tests.helpers import page_text
from tests.survey_helpers import HEAD, fill_all, form_of, start_household


@pytest.fixture
def enumerator(login_as):
    return login_as("enumerator", area="Lahore")


@pytest.fixture
def surveyed_in_multan(db):
    household = make_household(db, area="Multan", status=HouseholdStatus.SUBMITTED, head_cnic=HEAD["cnic"])
    db.commit()
    return household.id


def _codes(db, household_id: int) -> set[str]:
    return set(db.scalars(select(HouseholdFlag.code).where(HouseholdFlag.household_id == household_id)))


def test_a_submit_flags_a_head_surveyed_in_another_district_and_a_survey_done_in_seconds(
        client, enumerator, db, surveyed_in_multan):
    base = start_household(client)
    fill_all(client, base)
    _, hidden = form_of(client, f"{base}/review")
    assert client.client.post(f"{base}/review", data=hidden).status_code == 302

    household = db.scalars(select(Household).where(Household.id != surveyed_in_multan)).one()
    assert household.status == "submitted"
    assert {"head_surveyed_elsewhere", "survey_too_fast"} <= _codes(db, household.id)
    assert household.flag_count == len(_codes(db, household.id))
    assert "head_surveyed_elsewhere" in _codes(db, surveyed_in_multan)
    other = db.get(Household, surveyed_in_multan)
    assert other.flag_count >= 1 and other.status == "submitted"


def test_the_review_page_lists_the_flags_in_urdu_and_still_lets_the_enumerator_submit(
        client, enumerator, db, surveyed_in_multan):
    base = start_household(client)
    fill_all(client, base)
    html = page_text(client.get(f"{base}/review"))
    assert "سپروائزر کے لیے جانچ" in html
    assert "\u2066" + HEAD["cnic"] + "\u2069" in html and "ملتان" in html
    assert "سیکنڈ میں بھرا گیا" in html
    assert "disabled" not in html.split("<form", 1)[-1].split("</form>", 1)[0]


def test_a_citizens_own_review_page_shows_no_flags_of_other_households(app, client, login_as, db):
    citizen = login_as("citizen")
    household = db.get(Household, citizen.household_id)
    make_household(db, area="Multan", head_cnic=household.head_cnic)
    assert cross_checks.recheck(db, service_context(app), household)  # the supervisor will see it
    db.commit()
    html = page_text(client.get(f"/me/household/{household.id}/review"))
    assert "سپروائزر کے لیے جانچ" not in html
