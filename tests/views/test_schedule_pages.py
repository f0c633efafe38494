"""/admin/schedules as an administrator uses it, and what citizens and enumerators then see: a district
scheduled, its registered households told once by SMS, the schedule on the home page, /status and /me,
scheduled households first on the enumerator's list, and announcements in the visitor's language."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.models import Household, SmsMessage
from tests.conftest import PASSWORD, Browserish
from tests.helpers import URDU_LETTERS, html_escape, page_text, urdu

TODAY = datetime.now(UTC).date()


def _schedule(area="DST-LHR", start=1, end=8, **extra) -> dict:
    return {"area": area, "starts_on": (TODAY + timedelta(days=start)).isoformat(),
            "ends_on": (TODAY + timedelta(days=end)).isoformat(), "message_ur": "اپنا شناختی کارڈ تیار رکھیں",
            "message_en": "Keep your CNIC ready", **extra}


def _said_in_urdu(app, response, msgid: str, **params) -> None:
    text = urdu(app, msgid, **params)
    assert URDU_LETTERS.search(text), f"no Urdu translation for {msgid!r}"
    assert html_escape(text) in page_text(response)


def test_a_district_is_scheduled_and_its_citizens_see_it_and_are_told_once(app, client, login_as, make_user, db):
    citizen = make_user("citizen", area="Lahore", cnic="35202-5000001-2", mobile="03005550001")
    make_user("citizen", area="Multan", cnic="36302-5000002-2", mobile="03005550002")
    login_as("admin")
    client.get("/admin/schedules")
    created = client.post("/admin/schedules", data=_schedule())
    assert created.status_code == 302 and created.headers["Location"].endswith("/admin/schedules")
    assert "لاہور" in page_text(client.get("/admin/schedules"))
    households = {h.head_cnic: h.status for h in db.scalars(select(Household))}
    assert households == {"35202-5000001-2": "scheduled", "36302-5000002-2": "registered"}
    assert db.scalars(select(SmsMessage.to_mobile).where(SmsMessage.purpose == "survey_schedule")).all() == [
        "03005550001"]
    jobs = page_text(client.get("/admin/jobs"))  # the job that told them, by its name in Urdu, done
    assert html_escape(urdu(app, "Survey schedule: households scheduled and told by SMS")) in jobs
    assert html_escape(urdu(app, "households scheduled")) in jobs and "schedules.notify" not in jobs

    home = Browserish(app.test_client())
    home.get("/login")
    home.post("/login", data={"cnic": citizen.cnic, "password": PASSWORD})
    for path in ("/me", "/"):
        page = page_text(home.get(path))
        assert "اپنا شناختی کارڈ تیار رکھیں" in page and "لاہور" in page, path
    stranger = Browserish(app.test_client())
    stranger.get("/status")
    # Anyone who knows a CNIC may ask /status: its answer gives the dates but names no place and carries
    # not the schedule's own message (which may).
    answer = stranger.post("/status", data={"cnic": citizen.cnic}, htmx=True)
    text = page_text(answer)
    assert answer.status_code == 200 and "تک آپ کے علاقے میں آئے گی" in text
    assert "لاہور" not in text and "اپنا شناختی کارڈ تیار رکھیں" not in text
    other = stranger.post("/status", data={"cnic": "36302-5000002-2"}, htmx=True)
    assert "تک آپ کے علاقے میں آئے گی" not in page_text(other)
    stranger.get("/lang/en?next=/status")
    english = stranger.post("/status", data={"cnic": citizen.cnic})
    assert "The survey team visits your area from" in page_text(english) and "Lahore" not in page_text(english)


def test_bad_schedules_are_answered_in_urdu_with_422(app, client, login_as):
    login_as("admin")
    client.get("/admin/schedules")
    client.post("/admin/schedules", data=_schedule())
    for htmx in (False, True):
        backwards = client.post("/admin/schedules", htmx=htmx, data=_schedule(start=9, end=8, area="DST-MUL"))
        assert backwards.status_code == 422
        _said_in_urdu(app, backwards, "The last day comes before the first day. Please check the dates.")
        clash = client.post("/admin/schedules", htmx=htmx, data=_schedule(start=5, end=20))
        assert clash.status_code == 422 and URDU_LETTERS.search(page_text(clash))
        assert "لاہور" in page_text(clash)
        unknown = client.post("/admin/schedules", htmx=htmx, data=_schedule(area="DST-NOWHERE"))
        assert unknown.status_code == 422
        _said_in_urdu(app, unknown, "Choose a district or tehsil from the list.")
        garbage = client.post("/admin/schedules", htmx=htmx, data=_schedule(starts_on="31-31-2026", ends_on="tomorrow",
                                                                            message_ur=""))
        assert garbage.status_code == 422
        _said_in_urdu(app, garbage, "Enter a date as day, month and year.")
        _said_in_urdu(app, garbage, "Write the message in Urdu.")
    assert htmx and 'id="schedule-form"' in page_text(garbage) and "<html" not in page_text(garbage)


def test_enumerators_see_their_scheduled_households_first(app, client, login_as, make_user):
    make_user("citizen", area="Lahore", cnic="35202-6000001-2")
    enumerator_browser = Browserish(app.test_client())
    enumerator = make_user("enumerator", area="Lahore")
    enumerator_browser.get("/login")
    enumerator_browser.post("/login", data={"cnic": enumerator.cnic, "password": PASSWORD})
    assert urdu(app, "Scheduled for the survey: visit these first") not in page_text(enumerator_browser.get("/enumerator/"))

    login_as("admin")
    client.get("/admin/schedules")
    client.post("/admin/schedules", data=_schedule())
    page = page_text(enumerator_browser.get("/enumerator/"))
    first = page.index(html_escape(urdu(app, "Scheduled for the survey: visit these first")))
    assert "35202-6000001-2" in page[first:page.index('id="household-list"')]


def test_announcements_show_on_the_home_page_in_the_visitors_language(app, client, login_as):
    login_as("admin")
    client.get("/admin/schedules")
    saved = client.post("/admin/announcements", data={
        "title_ur": "سیلاب زدگان کے لیے", "title_en": "For flood victims", "body_ur": "ہیلپ لائن پر کال کریں",
        "body_en": "Call the helpline", "show_from": TODAY.isoformat(), "show_until": (TODAY + timedelta(days=3)).isoformat()})
    assert saved.status_code == 302
    visitor = Browserish(app.test_client())
    urdu_home = page_text(visitor.get("/"))
    assert "سیلاب زدگان کے لیے" in urdu_home and "For flood victims" not in urdu_home
    visitor.get("/lang/en?next=/")
    english_home = page_text(visitor.get("/"))
    assert "For flood victims" in english_home and "Call the helpline" in english_home

    bad = client.post("/admin/announcements", htmx=True, data={"title_ur": "", "title_en": "x", "body_ur": "y",
                                                               "body_en": "z", "show_from": "2026-13-01", "show_until": ""})
    assert bad.status_code == 422
    _said_in_urdu(app, bad, "Write the title in Urdu.")

    from app.models import Announcement
    from app.extensions import db as _db

    with app.app_context():
        announcement_id = _db.session.scalar(select(Announcement.id))
    client.get("/admin/schedules")
    assert client.post(f"/admin/announcements/{announcement_id}/end").status_code == 302
    assert "For flood victims" not in page_text(visitor.get("/"))
