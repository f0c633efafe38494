"""A citizen or an officer who reads only Urdu never meets an English sentence: every page of every role,
rendered in Urdu, has no English words outside the data people typed and the examples Urdu keeps."""
from __future__ import annotations

import re

import pytest

from tests.complaint_helpers import file_complaint
from tests.conftest import Browserish
from tests.helpers import page_text
from tests.survey_helpers import fill_all, start_household

# Latin text an Urdu page may show: the language switch, brand and examples, and the data of these tests.
ALLOWED = {"English", "PSER", "Test", "Person", "Akram", "Ali", "Mozang", "House", "Street", "Nobody", "came",
           "survey", "our", "house", "in", "Lahore", "driver", "UC"}


def english_words(html: str) -> list[str]:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<bdi[^>]*>.*?</bdi>", " ", html, flags=re.S)  # numbers, CNICs, user-written text
    html = re.sub(r"<(textarea|option)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\b(PSER-C-\d{4}-\d+|\d[\d\-/.:,]*|[AP]M)\b", " ", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", text) if w not in ALLOWED]


@pytest.fixture
def complaint(app):
    return file_complaint(Browserish(app.test_client()))


def test_every_page_of_every_role_is_urdu_only(app, client, login_as, make_user, complaint, db):
    from sqlalchemy import select

    from app.models import Complaint

    complaint_id = db.scalars(select(Complaint.id)).one()
    pages, statuses = {}, {}

    def visit(browser, key, path):
        response = browser.get(path)
        pages[key], statuses[key] = page_text(response), response.status_code

    anonymous = Browserish(app.test_client())
    for path in ("/", "/register", "/status", "/login", "/complaints/new", "/complaints/track", "/no-such-page"):
        visit(anonymous, path, path)
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    fill_all(client, base)
    for path in ("/enumerator/", *(f"{base}/{s}" for s in ("consent", "members", "housing", "assets", "income", "review"))):
        visit(client, path, path)
    # Submitted, so the supervisor's queue lists it and its review page shows the decision forms.
    from tests.survey_helpers import form_of

    _, hidden = form_of(client, f"{base}/review")
    client.client.post(f"{base}/review", data=hidden)
    household_id = base.rsplit("/", 1)[1]
    for role, paths in (("helpdesk", ("/helpdesk/", "/helpdesk/lookup", "/helpdesk/dashboard", f"/helpdesk/complaints/{complaint_id}")),
                        ("supervisor", ("/supervisor/", "/supervisor/queue", f"/supervisor/households/{household_id}")), ("admin", ("/admin/", "/admin/jobs")), ("citizen", ("/me",))):
        browser = Browserish(app.test_client())
        user = make_user(role, cnic=f"35202-00000{len(pages):02d}-1", area="Lahore" if role == "supervisor" else None)
        from tests.conftest import PASSWORD

        browser.get("/login")
        browser.post("/login", data={"cnic": user.cnic, "password": PASSWORD})
        for path in paths:
            visit(browser, f"{role}:{path}", path)
    assert {key: code for key, code in statuses.items() if code != 200} == {"/no-such-page": 404}
    problems = {path: words for path, html in pages.items() if (words := english_words(html))}
    assert problems == {}
