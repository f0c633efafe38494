"""Regular updates as people use them: a citizen reports a change from /me, the helpdesk or a supervisor of
the area applies it, asks for a field visit or declines it, and the citizen follows each step on
/me/requests and by SMS in Urdu; every earlier revision of the household stays readable."""
from __future__ import annotations

import json

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import ChangeRequest, HouseholdRevision, SmsMessage
from app.models.base import utcnow
from app.services import change_requests as service
from app.services.context import ServiceContext
from tests.change_request_helpers import reload, verified_household
from tests.factories import make_user
from tests.helpers import html_escape, page_text, urdu
from tests.review_helpers import decide, signed_in
from tests.survey_helpers import hidden

BIRTH_DAY = (date.today() - timedelta(days=10)).isoformat()


@pytest.fixture
def ctx(app):
    return ServiceContext.from_config(app.config)


@pytest.fixture
def family(app, db, ctx):
    """A verified household of Lahore City with its citizen (Urdu) and a supervisor of Lahore district."""
    household, citizen, supervisor = verified_household(db, ctx, area="TSL-LHR-03")
    db.commit()
    return household, citizen, supervisor


def new_form(browser, kind: str) -> dict:
    response = browser.get(f"/me/requests/new?kind={kind}")
    assert response.status_code == 200
    html = page_text(response)
    return {"csrf_token": hidden(html, "csrf_token"), "idempotency_key": hidden(html, "idempotency_key")}


def step_form(browser, url: str) -> dict:
    html = page_text(browser.get(url))
    return {"csrf_token": hidden(html, "csrf_token"), "version": hidden(html, "version"),
            "idempotency_key": hidden(html, "idempotency_key")}


def sms_to(db, mobile):
    db.expire_all()
    bodies = list(db.scalars(select(SmsMessage.body).where(SmsMessage.to_mobile == mobile,
                                                           SmsMessage.purpose == "change_request").order_by(SmsMessage.id)))
    db.commit()
    return bodies


def test_a_birth_reported_by_a_citizen_and_applied_with_the_old_revision_still_readable(app, db, family):
    household, citizen, supervisor = family
    first = db.scalars(select(HouseholdRevision.snapshot).where(HouseholdRevision.household_id == household.id)).one()
    db.commit()
    me = signed_in(app, citizen)
    page = page_text(me.get("/me"))
    assert html_escape(urdu(app, "Changes and corrections")) in page and "/me/requests" in page

    fields = new_form(me, "birth")
    birth = {**fields, "name": "Zainab", "sex": "female", "relation": "daughter", "dob": BIRTH_DAY}
    response = me.client.post("/me/requests/new?kind=birth", data=birth)
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/requests")
    replay = me.client.post("/me/requests/new?kind=birth", data=birth)  # a double tap: answered once
    assert replay.headers.get("X-Idempotent-Replay") == "true"
    assert db.scalar(select(func.count()).select_from(ChangeRequest)) == 1
    db.commit()
    listing = page_text(me.get("/me/requests"))
    assert urdu(app, "A birth") in listing and urdu(app, "Received") in listing

    agent = make_user(db, role="helpdesk", area=None)
    db.commit()
    desk = signed_in(app, agent)
    db.commit()
    queue = page_text(desk.get("/helpdesk/requests"))
    assert urdu(app, "Changes and corrections asked by citizens") in queue and 'dir="rtl"' in queue
    request_id = db.scalar(select(ChangeRequest.id))
    db.commit()
    assert f"/helpdesk/requests/{request_id}" in queue
    url = f"/helpdesk/requests/{request_id}"
    assert "Zainab" in page_text(desk.get(url))
    applied = desk.client.post(f"{url}/apply", data=step_form(desk, url))
    assert applied.status_code == 302, page_text(applied)[-2000:]
    assert reload(db, household).status == "submitted"
    assert urdu(app, "Applied: in review") in page_text(me.get("/me/requests"))

    boss = signed_in(app, supervisor)
    assert decide(boss, household.id, "approve").status_code == 302
    household = reload(db, household)
    assert household.status == "verified"
    revisions = {r.number: r.snapshot for r in db.scalars(select(HouseholdRevision)
                                                          .where(HouseholdRevision.household_id == household.id))}
    assert sorted(revisions) == [1, 2]
    assert "Zainab" in [m["name"] for m in revisions[2]["members"]]
    assert revisions[1] == first and "Zainab" not in [m["name"] for m in revisions[1]["members"]]
    texts = sms_to(db, citizen.mobile)
    assert len(texts) == 2 and all(re.search(r"[\u0600-\u06FF]", t) for t in texts)
    assert str(request_id) in texts[0]


def test_bad_input_is_told_in_urdu_with_422_and_never_a_500(app, db, family):
    _, citizen, _ = family
    me = signed_in(app, citizen)
    fields = new_form(me, "birth")
    empty = me.client.post("/me/requests/new?kind=birth", data={**fields, "dob": "2999-01-01"})
    assert empty.status_code == 422
    html = page_text(empty)
    assert html_escape(urdu(app, "Enter the name.")) in html
    assert html_escape(urdu(app, "The date cannot be in the future.")) in html
    htmx = me.post("/me/requests/new?kind=birth", data={**fields, "name": "Ali", "sex": "female",
                                                           "relation": "son", "dob": BIRTH_DAY}, htmx=True)
    assert htmx.status_code == 422 and "<html" not in page_text(htmx)
    assert html_escape(urdu(app, "This relation does not fit the child's sex.")) in page_text(htmx)
    for data in ({"member_id": "x' OR 1=1", "date": "31/02/2020"}, {"member_id": "99999999999", "date": "٠١/٠١/٢٠٢٠"}):
        bad = me.client.post("/me/requests/new?kind=death", data={**new_form(me, "death"), **data})
        assert bad.status_code == 422
    income = me.client.post("/me/requests/new?kind=income", data={**new_form(me, "income"), "monthly_income": "1e9"})
    assert income.status_code == 422
    correction = me.client.post("/me/requests/new?kind=correction",
                                data={**new_form(me, "correction"), "section": "housing", "description": "x" * 501})
    assert correction.status_code == 422
    assert me.get("/me/requests/new?kind=nonsense").status_code == 200
    assert me.get("/me/requests?cursor=AAAA").status_code == 404
    assert db.scalar(select(func.count()).select_from(ChangeRequest)) == 0
    db.commit()


def test_the_fourth_open_request_is_told_to_wait(app, db, family):
    _, citizen, _ = family
    me = signed_in(app, citizen)
    by_htmx = me.post("/me/requests/new?kind=income", data={**new_form(me, "income"), "monthly_income": "۵۰۰"},
                      htmx=True)
    assert by_htmx.status_code == 204 and by_htmx.headers["HX-Redirect"].endswith("/me/requests")
    for n in range(2):
        response = me.client.post("/me/requests/new?kind=income",
                                  data={**new_form(me, "income"), "monthly_income": str(1000 + n)})
        assert response.status_code == 302
    fourth = me.client.post("/me/requests/new?kind=income", data={**new_form(me, "income"), "monthly_income": "9"})
    assert fourth.status_code == 422
    assert html_escape(urdu(app, "Your household already has %(n)s open requests. Please wait until one is decided.",
                            n=3)) in page_text(fourth)


def test_a_household_not_yet_surveyed_is_told_what_to_do(app, client, login_as):
    login_as("citizen")
    page = page_text(client.get("/me/requests/new?kind=birth"))
    assert html_escape(urdu(app, "Changes can be reported once your household has been surveyed. Fill your household "
                                 "questionnaire first, or wait for the survey team.")) in page


def test_a_supervisor_asks_for_a_visit_then_declines_with_a_reason_the_citizen_reads(app, db, family, ctx):
    household, citizen, supervisor = family
    filed = service.file_request(db, ctx, db.merge(citizen), "disaster",
                                 {"damage": "crops", "date": date.today(), "description": ""})
    db.commit()
    boss = signed_in(app, supervisor)
    url = f"/supervisor/requests/{filed.request.id}"
    fragment = boss.get("/supervisor/requests", headers={"HX-Request": "true"})
    assert "<html" not in page_text(fragment) and url in page_text(fragment)
    assert "<html" in page_text(boss.get("/supervisor/requests"))
    assert boss.client.post(f"{url}/visit", data=step_form(boss, url)).status_code == 302
    assert reload(db, household).visit_requested
    refused = boss.client.post(f"{url}/decline", data={**step_form(boss, url), "reason": ""})
    assert refused.status_code == 422 and html_escape(urdu(app, "Write the reason.")) in page_text(refused)
    stale = boss.client.post(f"{url}/decline", data={**step_form(boss, url), "version": "1", "reason": "Old page"})
    assert stale.status_code == 409
    declined = boss.client.post(f"{url}/decline", data={**step_form(boss, url), "reason": "No damage was found."})
    assert declined.status_code == 302
    me = signed_in(app, citizen)
    listing = page_text(me.get("/me/requests"))
    assert urdu(app, "Declined") in listing and "No damage was found." in listing
    assert len(sms_to(db, citizen.mobile)) == 3  # received, visit planned, declined
    # What the registry holds about the household includes the request and why it was declined.
    mine = json.loads(me.get("/me/data.json").get_data().decode("utf-8"))["change_requests"]
    assert [(r["kind"], r["state"], r["reason"]) for r in mine] == [("disaster", "declined", "No damage was found.")]


def test_another_districts_supervisor_gets_404_and_the_attempt_is_logged(app, db, family, ctx):
    household, citizen, _ = family
    filed = service.file_request(db, ctx, db.merge(citizen), "income", {"monthly_income": 100})
    db.commit()
    request_id = filed.request.id
    make_user(db, role="supervisor", area="DST-MUL", cnic="35202-9999991-1")
    db.commit()
    from app.models import User

    multan = signed_in(app, db.scalars(select(User).where(User.cnic == "35202-9999991-1")).one())
    db.commit()
    assert multan.get(f"/supervisor/requests/{request_id}").status_code == 404
    html = page_text(multan.get("/supervisor/requests"))
    assert f"/supervisor/requests/{request_id}" not in html
    from app.models import AuditEntry

    assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "change_request.denied")) == 1


def test_pages_in_english_and_urdu_have_titles_and_direction(app, db, family):
    _, citizen, _ = family
    me = signed_in(app, citizen)
    for kind in ("birth", "death", "marriage", "divorce", "move", "disaster", "income", "correction"):
        html = page_text(me.get(f"/me/requests/new?kind={kind}"))
        assert '<html lang="ur" dir="rtl">' in html and "<title>" in html
        assert html.count("<label") >= 1
    me.get("/lang/en")
    assert "Report a change or ask for a correction" in page_text(me.get("/me/requests"))
