"""A citizen files a complaint without signing in, tracks it, sees every public step, reopens and rates it."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from app.models import AuditEntry, Complaint, ComplaintEvent, SmsMessage
from app.models.base import utcnow
from tests.complaint_helpers import COMPLAINT, file_complaint
from tests.helpers import html_escape, page_text, urdu


def test_a_complaint_filed_without_signing_in_gets_a_tracking_number_on_screen_and_by_sms(app, client, db):
    tracking = file_complaint(client)
    assert re.fullmatch(r"PSER-C-2026-\d{6}", tracking) or re.fullmatch(r"PSER-C-\d{4}-\d{6}", tracking)
    complaint = db.scalars(select(Complaint)).one()
    assert complaint.tracking_no == tracking and complaint.state == "new"
    assert complaint.district.code == "DST-LHR" and complaint.deadline_at > utcnow() + timedelta(days=14)
    sms = db.scalars(select(SmsMessage).where(SmsMessage.purpose == "complaint")).one()
    assert tracking in sms.body and "پی ایس ای آر" in sms.body


def test_a_refreshed_or_replayed_filing_makes_one_complaint(client, db):
    html = client.get("/complaints/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    first = client.post("/complaints/new", data={**COMPLAINT, "idempotency_key": key})
    again = client.post("/complaints/new", data={**COMPLAINT, "idempotency_key": key})
    assert first.get_data() == again.get_data()
    assert db.scalar(select(func.count()).select_from(Complaint)) == 1


def test_bad_complaint_input_gets_clear_urdu_messages(app, client, db):
    client.get("/complaints/new")
    response = client.post("/complaints/new", data={**COMPLAINT, "category": "bribe", "district": "DST-XXX",
                                                     "description": "short", "mobile": "12"}, htmx=True)
    assert response.status_code == 422
    html = page_text(response)
    for msgid in ("Choose what the complaint is about.", "Choose your district.",
                  "Enter a Pakistani mobile number of 11 digits starting with 03, for example 03001234567."):
        assert html_escape(urdu(app, msgid)) in html
    assert 'value="35202-1234567-1"' in html  # nothing typed is lost
    assert db.scalar(select(func.count()).select_from(Complaint)) == 0


def test_a_flood_of_complaints_from_one_cnic_stops_at_the_open_limit(app, client, db):
    for _ in range(app.config["COMPLAINT_MAX_OPEN"]):
        file_complaint(client)
    html = client.get("/complaints/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    response = client.post("/complaints/new", data={**COMPLAINT, "idempotency_key": key})
    assert response.status_code == 422
    assert db.scalar(select(func.count()).select_from(Complaint)) == app.config["COMPLAINT_MAX_OPEN"]


def test_filing_is_rate_limited_per_address(app, client):
    statuses = []
    for i in range(6):
        html = client.get("/complaints/new").get_data(as_text=True)
        key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
        statuses.append(client.post("/complaints/new", data={**COMPLAINT, "cnic": f"35202-12345{i:02d}-1",
                                                             "idempotency_key": key}).status_code)
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_tracking_needs_the_number_and_the_cnic_and_shows_only_public_steps(app, client, db):
    tracking = file_complaint(client)
    complaint = db.scalars(select(Complaint)).one()
    db.add(ComplaintEvent(complaint_id=complaint.id, kind="note", text="internal: caller was rude", public=False))
    db.add(ComplaintEvent(complaint_id=complaint.id, kind="reply", text="We will visit on Monday.", public=True))
    db.commit()
    client.get("/complaints/track")
    found = client.post("/complaints/track", data={"tracking_no": tracking.lower(), "cnic": "3520212345671"}, htmx=True)
    html = page_text(found)
    assert found.status_code == 200 and html.strip().startswith('<section id="track-result"')
    assert "We will visit on Monday." in html and "caller was rude" not in html
    assert urdu(app, "Received") in html
    wrong_cnic = client.post("/complaints/track", data={"tracking_no": tracking, "cnic": "35202-7654321-3"}, htmx=True)
    assert urdu(app, "No complaint matches this tracking number and CNIC. Please check both.") in page_text(wrong_cnic)
    assert "We will visit" not in page_text(wrong_cnic)
    outcomes = db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "complaint.track")
                          .order_by(AuditEntry.id)).all()
    assert outcomes == ["found", "not_found"]


def test_malformed_tracking_numbers_get_a_clear_message(app, client):
    client.get("/complaints/track")
    for bad in ("", "12345", "PSER-X-1", "<script>", "PSER-C-2026-" + "9" * 30):
        response = client.post("/complaints/track", data={"tracking_no": bad, "cnic": "35202-1234567-1"}, htmx=True)
        assert response.status_code == 422
        assert urdu(app, "A tracking number looks like PSER-C-2026-000123. Please check it.") in page_text(response) or \
            urdu(app, "Enter the tracking number, for example PSER-C-2026-000123.") in page_text(response)


def _resolve(db, tracking, days_ago=0):
    db.execute(update(Complaint).where(Complaint.tracking_no == tracking).values(
        state="resolved", resolution="Survey team visited.", resolved_at=utcnow() - timedelta(days=days_ago)))
    db.commit()


def test_a_resolved_complaint_can_be_reopened_within_seven_days_with_a_reason(app, client, db):
    tracking = file_complaint(client)
    _resolve(db, tracking, days_ago=2)
    client.get("/complaints/track")
    page = page_text(client.post("/complaints/track", data={"tracking_no": tracking, "cnic": COMPLAINT["cnic"]}))
    key = re.search(r'action="/complaints/reopen".*?name="idempotency_key" value="([^"]+)"', page, re.S).group(1)
    empty = client.post("/complaints/reopen", data={"tracking_no": tracking, "cnic": COMPLAINT["cnic"], "reason": "",
                                                    "idempotency_key": key + "x"})
    assert empty.status_code == 422
    response = client.post("/complaints/reopen", data={"tracking_no": tracking, "cnic": COMPLAINT["cnic"],
                                                       "reason": "Nobody came on Monday.", "idempotency_key": key})
    assert response.status_code == 200
    assert urdu(app, "Reopened") in page_text(response) and "Nobody came on Monday." in page_text(response)
    db.expire_all()
    assert db.scalars(select(Complaint.state)).one() == "reopened"


def test_reopening_after_seven_days_is_refused(app, client, db):
    tracking = file_complaint(client)
    _resolve(db, tracking, days_ago=8)
    client.get("/complaints/track")
    response = client.post("/complaints/reopen", data={"tracking_no": tracking, "cnic": COMPLAINT["cnic"],
                                                       "reason": "Still not surveyed."})
    assert response.status_code == 422
    assert db.scalars(select(Complaint.state)).one() == "resolved"


def test_a_resolved_complaint_is_rated_once_and_rating_closes_it(app, client, db):
    tracking = file_complaint(client)
    _resolve(db, tracking)
    client.get("/complaints/track")
    data = {"tracking_no": tracking, "cnic": COMPLAINT["cnic"]}
    assert client.post("/complaints/rate", data={**data, "rating": "9"}).status_code == 422
    assert client.post("/complaints/rate", data={**data, "rating": "4"}).status_code == 200
    assert client.post("/complaints/rate", data={**data, "rating": "1"}).status_code == 422
    db.expire_all()
    complaint = db.scalars(select(Complaint)).one()
    assert complaint.rating == 4 and complaint.state == "closed"


def test_a_signed_in_citizen_sees_their_complaints_on_their_page(app, client, login_as):
    citizen = login_as("citizen", mobile="03001234567")
    tracking = file_complaint(client, cnic=citizen.cnic)
    assert tracking in page_text(client.get("/me"))
    assert tracking in page_text(client.get("/complaints/track"))
