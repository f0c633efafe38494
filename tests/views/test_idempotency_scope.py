"""A one-time key replays an answer only to the browser or user who sent it, on the path it was made for."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from app.models import Complaint
from app.models.base import utcnow
from tests.complaint_helpers import COMPLAINT
from tests.conftest import PASSWORD, Browserish
from tests.helpers import page_text

TRACKING = re.compile(r"PSER-C-\d{4}-\d{6}")


def _key_on(browser, path="/complaints/new") -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', page_text(browser.get(path))).group(1)


def _file(browser, key, **overrides):
    return browser.post("/complaints/new", data={**COMPLAINT, **overrides, "idempotency_key": key})


def test_a_key_copied_to_another_browser_files_that_browsers_own_complaint(app, client, db):
    key = _key_on(client)
    first = _file(client, key)
    stranger = Browserish(app.test_client())
    stranger.get("/complaints/new")
    theirs = _file(stranger, key, cnic="35202-7654321-3", mobile="03111234567")
    assert theirs.status_code == 200 and "X-Idempotent-Replay" not in theirs.headers
    assert TRACKING.search(page_text(first)).group(0) not in page_text(theirs)
    assert db.scalar(select(func.count()).select_from(Complaint)) == 2
    # The first browser's own replay still answers as before.
    assert _file(client, key).headers.get("X-Idempotent-Replay") == "true"


def test_a_key_reused_by_another_signed_in_citizen_never_shows_the_first_ones_answer(app, client, make_user, db):
    owner, other = make_user("citizen"), make_user("citizen")
    browsers = []
    for user in (owner, other):
        browser = Browserish(app.test_client())
        browser.get("/login")
        assert browser.post("/login", data={"cnic": user.cnic, "password": PASSWORD}).status_code == 302
        browsers.append(browser)
    key = _key_on(browsers[0])
    first = _file(browsers[0], key, cnic=owner.cnic)
    browsers[1].get("/complaints/new")
    second = _file(browsers[1], key, cnic=other.cnic)
    assert "X-Idempotent-Replay" not in second.headers
    assert owner.cnic not in page_text(second)
    assert TRACKING.search(page_text(first)).group(0) != TRACKING.search(page_text(second)).group(0)


def test_a_key_sent_to_another_path_is_a_fresh_request_there(app, client, db):
    key = _key_on(client)
    tracking = TRACKING.search(page_text(_file(client, key))).group(0)
    db.execute(update(Complaint).values(state="resolved", resolution="Visited.", resolved_at=utcnow() - timedelta(days=1)))
    db.commit()
    client.get("/complaints/track")
    response = client.post("/complaints/reopen", data={"tracking_no": tracking, "cnic": COMPLAINT["cnic"],
                                                       "reason": "Nobody came on Monday.", "idempotency_key": key})
    assert "X-Idempotent-Replay" not in response.headers
    db.expire_all()
    assert db.scalars(select(Complaint.state)).one() == "reopened"
