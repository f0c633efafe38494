"""A citizen sees who looked at their household's data (role, area, date, the reason given; never the staff
member), in Urdu, on /me and /me/access, and files a privacy complaint about one look in one step."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import AuditEntry, Complaint, SmsMessage
from app.models.base import utcnow
from tests.audit_helpers import clock_at
from tests.review_helpers import signed_in
from tests.helpers import page_text, urdu

AGENT_NAME = "Naveed Agent Secret"
AGENT_CNIC = "35202-5550001-1"


def _helpdesk_looks_up(app, make_user, citizen, reason="Caller asked when the survey team will come"):
    agent = make_user("helpdesk", cnic=AGENT_CNIC, name=AGENT_NAME, area="Lahore")
    helpdesk = signed_in(app, agent)
    helpdesk.get("/helpdesk/lookup")
    with clock_at(app, utcnow() - timedelta(days=1)):
        response = helpdesk.post("/helpdesk/lookup", data={"cnic": citizen.cnic, "reason": reason})
    assert response.status_code == 200
    return agent


def test_a_citizen_sees_that_a_helpdesk_agent_looked_at_their_household_yesterday_and_why(
        app, client, login_as, make_user, db):
    citizen = login_as("citizen", area="Lahore", mobile="03001234567")
    agent = _helpdesk_looks_up(app, make_user, citizen)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "helpdesk.lookup")).one()
    assert (entry.household_id, entry.actor_role, entry.reason) == (
        citizen.household_id, "helpdesk", "Caller asked when the survey team will come")
    assert entry.area_id is not None and entry.at.date() == (utcnow() - timedelta(days=1)).date()

    page = page_text(client.get("/me/access"))
    assert urdu(app, "Who looked at my data") in page
    assert urdu(app, "Helpdesk agent") in page and "لاہور" in page  # the agent's area, in Urdu
    assert "Caller asked when the survey team will come" in page
    assert 'lang="ur" dir="rtl"' in page
    assert AGENT_NAME not in page and AGENT_CNIC not in page and f"#{agent.id}" not in page
    # /me shows the latest looks, with the way to the whole list
    me = page_text(client.get("/me"))
    assert "Caller asked when the survey team will come" in me and urdu(app, "Helpdesk agent") in me
    assert "/me/access" in me and AGENT_NAME not in me


def test_a_look_without_a_stated_reason_says_so_and_the_citizens_own_reads_are_not_listed(
        app, client, login_as, make_user, db):
    citizen = login_as("citizen", area="Lahore", mobile="03001234567")
    admin = make_user("admin", name="Admin Secret Name")
    admin_browser = signed_in(app, admin)
    # An admin opening the household through the questionnaire's door states no reason.
    assert admin_browser.get(f"/enumerator/households/{citizen.household_id}/housing").status_code == 200
    client.get(f"/me/household/{citizen.household_id}/housing")  # the citizen's own read
    assert client.get("/me/data").status_code == 200  # a self-read too
    page = page_text(client.get("/me/access"))
    assert page.count(urdu(app, "No reason given")) == 1 and urdu(app, "Administrator") in page
    assert "Admin Secret Name" not in page
    reads = db.scalars(select(AuditEntry.actor_role).where(AuditEntry.household_id == citizen.household_id,
                                                          AuditEntry.action.in_(["household.view", "mydata.read"]))).all()
    assert sorted(reads) == ["admin", "citizen", "citizen"]


def test_a_citizen_files_a_privacy_complaint_about_one_look_in_one_step(app, client, login_as, make_user, db):
    citizen = login_as("citizen", area="Lahore", mobile="03001234567")
    _helpdesk_looks_up(app, make_user, citizen, reason="Checking something")
    page = page_text(client.get("/me/access"))
    entry_id = db.scalar(select(AuditEntry.id).where(AuditEntry.action == "helpdesk.lookup"))
    assert f"/me/access/{entry_id}/complaint" in page
    response = client.post(f"/me/access/{entry_id}/complaint", data={"idempotency_key": "first-key-0123456789"}, htmx=True)
    html = page_text(response)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="access-list">')
    complaint = db.scalars(select(Complaint)).one()
    assert complaint.category == "privacy" and complaint.filed_by_id == citizen.id and complaint.cnic == citizen.cnic
    assert complaint.tracking_no in html
    assert "Checking something" in complaint.description and str(entry_id) in complaint.description
    assert urdu(app, "Helpdesk agent") in complaint.description  # in the citizen's language
    sms = db.scalars(select(SmsMessage).where(SmsMessage.purpose == "complaint")).one()
    assert complaint.tracking_no in sms.body and sms.to_mobile == citizen.mobile
    # the same button pressed twice files once
    again = client.post(f"/me/access/{entry_id}/complaint", data={"idempotency_key": "first-key-0123456789"}, htmx=True)
    assert again.status_code == 200 and len(db.scalars(select(Complaint)).all()) == 1
    # without htmx: the whole page, with the tracking number
    whole = client.post(f"/me/access/{entry_id}/complaint", data={"idempotency_key": "second-key-0123456789"})
    assert "<title>" in page_text(whole) and db.scalars(select(Complaint).order_by(Complaint.id.desc())).first().tracking_no in page_text(whole)


def test_a_citizen_cannot_complain_about_a_look_at_someone_elses_data(app, client, login_as, make_user, db):
    other = make_user("citizen", area="Lahore")
    _helpdesk_looks_up(app, make_user, other)
    login_as("citizen", area="Lahore", mobile="03001234567")
    entry_id = db.scalar(select(AuditEntry.id).where(AuditEntry.action == "helpdesk.lookup"))
    assert "Caller asked" not in page_text(client.get("/me/access"))
    assert client.post(f"/me/access/{entry_id}/complaint", data={"idempotency_key": "x"}).status_code == 404
    assert db.scalars(select(Complaint)).all() == []


def test_who_looked_is_keyset_paged_newest_first(app, client, login_as, make_user, db):
    citizen = login_as("citizen", area="Lahore", mobile="03001234567")
    agent = make_user("helpdesk", area="Lahore")
    helpdesk = signed_in(app, agent)
    helpdesk.get("/helpdesk/lookup")
    for n in range(23):
        helpdesk.post("/helpdesk/lookup", data={"cnic": citizen.cnic, "reason": f"reason number {n:02d}"})
    first = page_text(client.get("/me/access"))
    assert "reason number 22" in first and "reason number 03" in first and "reason number 02" not in first
    assert first.index("reason number 22") < first.index("reason number 21")
    fragment = page_text(client.get("/me/access?cursor=" + first.split("cursor=")[1].split('"')[0].replace("&amp;", "&"),
                                    headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<div id="access-list">') and "reason number 02" in fragment
    assert "reason number 00" in fragment and "<title>" not in fragment


def test_staff_and_strangers_have_no_access_page(app, client, login_as):
    assert client.get("/me/access").status_code in (302, 401)
    login_as("helpdesk")
    assert client.get("/me/access").status_code == 403
