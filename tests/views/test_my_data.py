"""A citizen reads what the registry holds about their household (account, answers by section, members,
revisions, status history, complaints, SMS) as a page and downloads it as JSON; nobody else can, and the
read is in the audit log as a self-read."""
from __future__ import annotations

import json

from sqlalchemy import select, update

from app.models import AuditEntry, Household, SmsMessage
from app.models.base import utcnow
from tests.complaint_helpers import file_complaint
from tests.helpers import page_text, urdu

MOBILE = "03001234567"


def _citizen(login_as, db):
    citizen = login_as("citizen", area="Lahore", mobile=MOBILE, name="Shazia Bibi")
    db.execute(update(Household).where(Household.id == citizen.household_id).values(roof="rcc", rooms=3))
    db.add(SmsMessage(to_mobile=MOBILE, body="Your code is 908172", purpose="verify_mobile", status="sent",
                      created_at=utcnow()))
    db.commit()
    return citizen


def test_a_citizen_reads_their_households_data_in_urdu(app, client, login_as, db):
    citizen = _citizen(login_as, db)
    tracking = file_complaint(client, cnic=citizen.cnic, mobile=MOBILE)
    response = client.get("/me/data")
    html = page_text(response)
    assert response.status_code == 200 and 'lang="ur" dir="rtl"' in html
    assert urdu(app, "My data") in html and "Shazia Bibi" in html and citizen.cnic in html
    assert urdu(app, "Housing") in html and tracking in html
    assert "908172" not in html  # a one-time code is never shown again
    assert urdu(app, "A one-time code, or a text removed after use: not shown again.") in html
    fragment = client.get("/me/data", headers={"HX-Request": "true"})
    assert page_text(fragment).lstrip().startswith('<div id="my-data">') and "<title>" not in page_text(fragment)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "mydata.read")).first()
    assert (entry.actor_id, entry.household_id, entry.outcome) == (citizen.id, citizen.household_id, "page")


def test_the_json_download_has_stable_keys_and_the_households_answers(app, client, login_as, db):
    citizen = _citizen(login_as, db)
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.content_type == "application/json; charset=utf-8"
    document = json.loads(response.get_data().decode("utf-8"))
    assert list(document) == ["generated_at", "language", "account", "household", "complaints", "sms",
                              "change_requests"]
    assert document["change_requests"] == []
    assert document["account"]["cnic"] == citizen.cnic and document["account"]["mobile"] == MOBILE
    household = document["household"]
    assert household["id"] == citizen.household_id and household["status"] == "registered"
    assert [s["section"] for s in household["answers"]] == ["consent", "housing", "assets", "income"]
    housing = {q["key"]: q for q in household["answers"][1]["questions"]}
    assert housing["rooms"]["answer"] == "3" and housing["roof"]["answer"] == urdu(app, "Concrete (RCC)")
    assert household["status_history"][0]["to"] == "registered"
    assert document["sms"][0]["purpose"] == "verify_mobile" and document["sms"][0]["text"] is None
    assert "flags" not in household
    assert db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "mydata.read")).all() == ["json"]


def test_only_the_signed_in_citizen_reads_their_own_data(app, client, login_as):
    assert client.get("/me/data").status_code in (302, 401)
    assert client.get("/me/data.json").status_code in (302, 401)
    login_as("supervisor", area="Lahore")
    assert client.get("/me/data").status_code == 403
    assert client.get("/me/data.json").status_code == 403


def test_my_data_in_english(app, client, login_as, db):
    _citizen(login_as, db)
    client.get("/lang/en")
    html = page_text(client.get("/me/data"))
    assert "My data" in html and "Your household" in html and 'lang="en"' in html
