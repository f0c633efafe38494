"""The helpdesk works the queue against deadlines; every state change reaches the citizen's timeline."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.models import AuditEntry, Complaint, Household, SmsMessage
from app.models.base import utcnow
from tests.complaint_helpers import COMPLAINT, file_complaint
from tests.conftest import Browserish
from tests.helpers import page_text, urdu


@pytest.fixture
def filed(app, client):
    """A complaint filed by an anonymous citizen from another browser; returns its tracking number."""
    return file_complaint(Browserish(app.test_client()))


def _id(db, tracking):
    return db.scalars(select(Complaint.id).where(Complaint.tracking_no == tracking)).one()


def test_the_queue_lists_open_complaints_nearest_deadline_first_and_overdue_ones_stand_out(app, client, login_as, db, filed):
    second = file_complaint(Browserish(app.test_client()), cnic="35202-1234568-2", category="privacy")
    db.execute(update(Complaint).where(Complaint.tracking_no == filed).values(deadline_at=utcnow() - timedelta(days=1)))
    db.commit()
    login_as("helpdesk")
    html = page_text(client.get("/helpdesk/"))
    assert html.index(filed) < html.index(second)
    assert 'class="overdue"' in html
    overdue_only = page_text(client.get("/helpdesk/?overdue=1", headers={"HX-Request": "true"}))
    assert overdue_only.strip().startswith('<div id="queue">') and filed in overdue_only and second not in overdue_only
    privacy = page_text(client.get("/helpdesk/?category=privacy"))
    assert second in privacy and filed not in privacy


def test_an_agent_assigns_replies_resolves_and_the_citizen_sees_each_public_step(app, client, login_as, db, filed):
    agent = login_as("helpdesk")
    complaint_id = _id(db, filed)
    page = f"/helpdesk/complaints/{complaint_id}"
    client.get(page)
    assert client.post(f"{page}/assign", data={"agent": str(agent.id)}).status_code == 302
    client.get(page)
    client.post(f"{page}/message", data={"message": "Checked: your area is planned for next week.", "public": "y"})
    client.get(page)
    client.post(f"{page}/message", data={"message": "Caller sounded upset; supervisor informed."})
    client.get(page)
    refused = client.post(f"{page}/state", data={"target": "resolved", "resolution": ""})
    assert refused.status_code == 422
    assert urdu(app, "Write the resolution: the citizen reads it.") in page_text(refused)
    client.get(page)
    assert client.post(f"{page}/state", data={"target": "resolved", "resolution": "Surveyed on 20 November."}).status_code == 302
    citizen = Browserish(app.test_client())
    citizen.get("/complaints/track")
    timeline = page_text(citizen.post("/complaints/track", data={"tracking_no": filed, "cnic": COMPLAINT["cnic"]}))
    assert "your area is planned for next week" in timeline and "Surveyed on 20 November." in timeline
    assert "supervisor informed" not in timeline
    assert urdu(app, "Given to an officer") in timeline and urdu(app, "Resolved") in timeline
    texts = db.scalars(select(SmsMessage.body).where(SmsMessage.purpose == "complaint").order_by(SmsMessage.id)).all()
    assert len(texts) == 4  # filed, assigned, public reply, resolved; the internal note sends nothing
    assert all(filed in text for text in texts)


def test_a_helpdesk_agent_cannot_see_a_households_income_disability_or_health(app, client, login_as, db, make_user):
    citizen = make_user("citizen", cnic="35202-1234567-1")
    db.execute(update(Household).where(Household.id == citizen.household_id).values(monthly_income=45123))
    db.commit()
    login_as("helpdesk")
    client.get("/helpdesk/lookup")
    without_reason = client.post("/helpdesk/lookup", data={"cnic": citizen.cnic, "reason": ""})
    assert without_reason.status_code == 422
    response = client.post("/helpdesk/lookup", data={"cnic": citizen.cnic, "reason": "Caller asked about status"})
    html = page_text(response)
    assert response.status_code == 200 and citizen.cnic in html
    assert "45123" not in html and "45,123" not in html
    assert urdu(app, "Registered online") in html
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "helpdesk.lookup")).one()
    assert entry.detail == {"reason": "Caller asked about status"} and entry.cnic_masked == "35202-*****67-1"


def test_escalate_moves_breached_complaints_to_a_supervisor_once_and_is_safe_to_repeat(app, db, make_user, filed):
    supervisor = make_user("supervisor", cnic="35202-0000005-1", area="Lahore")
    db.execute(update(Complaint).values(deadline_at=utcnow() - timedelta(hours=1)))
    db.commit()
    runner = app.test_cli_runner()
    assert "escalated: 1" in runner.invoke(args=["escalate"]).output
    assert "escalated: 0" in runner.invoke(args=["escalate"]).output
    db.expire_all()
    complaint = db.scalars(select(Complaint)).one()
    assert complaint.escalated_to_id == supervisor.id and complaint.escalated_at is not None


def test_escalate_closes_resolved_complaints_after_the_reopening_window(app, db, filed):
    db.execute(update(Complaint).values(state="resolved", resolution="Done", resolved_at=utcnow() - timedelta(days=8)))
    db.commit()
    assert "closed: 1" in app.test_cli_runner().invoke(args=["escalate"]).output
    db.expire_all()
    assert db.scalars(select(Complaint.state)).one() == "closed"


def test_a_resurvey_request_reaches_the_areas_enumerators(app, client, login_as, db, make_user):
    make_user("citizen", cnic="35202-1234567-1")
    tracking = file_complaint(Browserish(app.test_client()))
    login_as("helpdesk")
    page = f"/helpdesk/complaints/{_id(db, tracking)}"
    client.get(page)
    assert client.post(f"{page}/resurvey", data={"reason": "Family says they were skipped"}).status_code == 302
    household = db.scalars(select(Household)).one()
    assert household.resurvey_requested_at is not None and household.area.code == "DST-LHR"
    enumerator = Browserish(app.test_client())
    from tests.conftest import PASSWORD

    user = make_user("enumerator", cnic="35202-0000006-1", area="Lahore")
    enumerator.get("/login")
    enumerator.post("/login", data={"cnic": user.cnic, "password": PASSWORD})
    listing = page_text(enumerator.get("/enumerator/"))
    assert "35202-1234567-1" in listing and urdu(app, "A new survey visit was requested") in listing


def test_contact_details_are_corrected_and_audited(app, client, login_as, db, filed):
    login_as("helpdesk")
    page = f"/helpdesk/complaints/{_id(db, filed)}"
    client.get(page)
    assert client.post(f"{page}/contact", data={"mobile": "12"}).status_code == 422
    assert client.post(f"{page}/contact", data={"mobile": "+92 345 1234567"}).status_code == 302
    db.expire_all()
    assert db.scalars(select(Complaint.mobile)).one() == "03451234567"
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "complaint.contact")).one()
    assert entry.detail == {"from": "0300*****67", "to": "0345*****67"}


def test_duplicate_complaints_are_linked(app, client, login_as, db, filed):
    second = file_complaint(Browserish(app.test_client()))
    login_as("helpdesk")
    page = f"/helpdesk/complaints/{_id(db, second)}"
    client.get(page)
    assert client.post(f"{page}/link", data={"tracking_no": "PSER-C-1999-000001"}).status_code == 422
    assert client.post(f"{page}/link", data={"tracking_no": filed.lower()}).status_code == 302
    assert filed in page_text(client.get(page))


def test_viewing_a_complaint_is_audited_and_other_roles_are_refused(app, client, login_as, db, filed):
    page = f"/helpdesk/complaints/{_id(db, filed)}"
    agent = login_as("helpdesk")
    assert client.get(page).status_code == 200
    views = db.scalars(select(AuditEntry).where(AuditEntry.action == "complaint.view")).all()
    assert [(v.actor_id, v.outcome) for v in views] == [(agent.id, filed)]
    assert views[0].cnic_masked and COMPLAINT["cnic"] != views[0].cnic_masked
    client.post("/logout")
    login_as("citizen")
    assert client.get(page).status_code == 403
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "complaint.view")).all()) == 1


def test_a_helpdesk_agent_of_another_district_cannot_open_the_complaint(app, client, login_as, db, filed):
    login_as("helpdesk", area="Multan")
    assert client.get(f"/helpdesk/complaints/{_id(db, filed)}").status_code == 404
    assert filed not in page_text(client.get("/helpdesk/"))


def test_the_dashboard_draws_svg_charts_with_a_table_for_each(app, client, login_as, db, filed):
    login_as("helpdesk")
    html = page_text(client.get("/helpdesk/dashboard"))
    assert html.count("<svg") == 2 and html.count("<table>") == 3  # no officer has work yet: no bars
    assert urdu(app, "My household was not surveyed") in html


def test_a_double_clicked_public_reply_is_sent_once(app, client, login_as, db, filed):
    import re

    from app.models import ComplaintEvent

    login_as("helpdesk")
    page = f"/helpdesk/complaints/{_id(db, filed)}"
    html = page_text(client.get(page))
    key = re.search(r'action="[^"]+/message">.*?name="idempotency_key" value="([^"]+)"', html, re.S).group(1)
    for _ in range(2):
        assert client.post(f"{page}/message", data={"message": "We are on it.", "public": "y",
                                                    "idempotency_key": key}).status_code == 302
    assert len(db.scalars(select(ComplaintEvent).where(ComplaintEvent.kind == "reply")).all()) == 1
