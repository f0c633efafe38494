"""Each person sees and touches only the households they may: tested as a matrix, every refusal logged."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Household
from tests.conftest import PASSWORD
from tests.survey_helpers import HOUSING, start_household

PAGES = ("consent", "members", "housing", "review")


@pytest.fixture
def lahore_household(app, client, make_user):
    """A household started by a Lahore enumerator; returns its id."""
    enumerator = make_user("enumerator", cnic="35202-0000001-1", area="Lahore")
    client.get("/login")
    client.post("/login", data={"cnic": enumerator.cnic, "password": PASSWORD})
    base = start_household(client)
    client.post("/logout", data={})
    return int(base.rsplit("/", 1)[1])


def _sign_in(app, make_user, role, **kw):
    from tests.conftest import Browserish

    user = make_user(role, **kw)
    browser = Browserish(app.test_client())
    browser.get("/login")
    assert browser.post("/login", data={"cnic": user.cnic, "password": PASSWORD}).status_code == 302
    return browser, user


@pytest.mark.parametrize(
    ("role", "area", "allowed"),
    [
        ("enumerator", "Lahore", True),
        ("enumerator", "TSL-LHR-03", False),  # a tehsil of Lahore: the household is at district level
        ("enumerator", "Multan", False),
        ("enumerator", "Rawalpindi", False),
        ("admin", None, True),
    ],
)
@pytest.mark.parametrize("page", PAGES)
def test_enumerators_open_only_their_own_areas_households(app, make_user, lahore_household, role, area, allowed, page, db):
    browser, user = _sign_in(app, make_user, role, cnic="35202-0000009-1", area=area)
    response = browser.get(f"/enumerator/households/{lahore_household}/{page}")
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        denied = db.scalars(select(AuditEntry).where(AuditEntry.action == "household.denied")).all()
        assert [e.actor_id for e in denied] == [user.id]


def test_another_districts_enumerator_cannot_save_by_posting_to_the_id(app, client, make_user, lahore_household, db):
    browser, _ = _sign_in(app, make_user, "enumerator", cnic="35202-0000009-1", area="Multan")
    browser.get("/enumerator/")  # a page of the signed-in session, for its CSRF token
    response = browser.post(f"/enumerator/households/{lahore_household}/housing",
                            data={**HOUSING, "version": "1", "idempotency_key": "x" * 32})
    assert response.status_code == 404
    assert db.get(Household, lahore_household).rooms is None


@pytest.mark.parametrize("role", ["citizen", "supervisor", "helpdesk"])
def test_other_roles_cannot_use_the_enumerator_questionnaire(app, make_user, lahore_household, role):
    browser, _ = _sign_in(app, make_user, role, cnic="35202-0000009-1", area="Lahore" if role == "supervisor" else None)
    assert browser.get(f"/enumerator/households/{lahore_household}/housing").status_code == 403


def test_a_citizen_opens_only_their_own_household(app, make_user, lahore_household, db):
    browser, citizen = _sign_in(app, make_user, "citizen", cnic="35202-0000008-2")
    assert browser.get(f"/me/household/{citizen.household_id}/housing").status_code == 200
    assert browser.get(f"/me/household/{lahore_household}/housing").status_code == 404
    assert db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "household.denied")).all() == [
        str(lahore_household)]


def test_staff_cannot_use_the_citizens_door(app, make_user, lahore_household):
    browser, _ = _sign_in(app, make_user, "enumerator", cnic="35202-0000009-1", area="Lahore")
    assert browser.get(f"/me/household/{lahore_household}/housing").status_code == 403


def test_an_unknown_household_id_is_a_404(app, make_user):
    browser, _ = _sign_in(app, make_user, "enumerator", cnic="35202-0000009-1", area="Lahore")
    assert browser.get("/enumerator/households/999999/housing").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, lahore_household):
    response = client.get(f"/enumerator/households/{lahore_household}/housing")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_refused_save_leaves_its_one_time_key_free_so_no_later_post_waits_for_it(app, make_user, lahore_household, db):
    """A 404 from another area's household is committed like any refusal; its pending key must not stay behind,
    or every later POST carrying that key would wait for an answer that never comes."""
    import time

    from app.models import IdempotentRequest

    browser, _ = _sign_in(app, make_user, "enumerator", cnic="36302-0000009-1", area="Multan")
    data = {**HOUSING, "version": "1", "idempotency_key": "k" * 32}
    url = f"/enumerator/households/{lahore_household}/housing"
    browser.get("/enumerator/")  # the form's CSRF token, as a browser would hold it
    assert browser.post(url, data=data).status_code == 404
    assert db.scalars(select(IdempotentRequest)).all() == []
    started = time.monotonic()
    assert browser.post(url, data=data).status_code == 404
    assert time.monotonic() - started < 5
