"""A supervisor reviews the submitted surveys of their area: the queue (oldest first, filtered, paged), one
household read-only with its flags and revisions, and the decisions; the enumerator and the citizen follow."""
from __future__ import annotations

import base64
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Household, HouseholdFlag, HouseholdStatusChange, SmsMessage
from app.models.base import utcnow
from app.services.areas import find_area
from app.services.review import DECISION_SMS
from tests.conftest import Browserish
from tests.factories import cnic_for, make_household, make_user
from tests.helpers import html_escape, page_text, urdu
from tests.review_helpers import approve_through_review, decide, review_form, signed_in
from tests.survey_helpers import HOUSING, fill_all, form_of, start_household


@pytest.fixture
def supervisor(app, client, login_as):
    return login_as("supervisor", area="Lahore")


def citizen_household(db, status="submitted", mobile="03001112223", locale="ur"):
    """A citizen who signed up, verified the mobile, and whose household was surveyed and submitted."""
    cnic = cnic_for()
    household = make_household(db, area="Lahore", status=status, head_cnic=cnic)
    user = make_user(db, cnic=cnic, household=household, mobile=mobile, locale=locale, name="Test Person")
    db.commit()
    return household.id, user


def sms_to(db, mobile: str) -> list[str]:
    db.expire_all()
    return list(db.scalars(select(SmsMessage.body).where(SmsMessage.to_mobile == mobile).order_by(SmsMessage.id)))


def status_page(app, cnic: str) -> str:
    browser = Browserish(app.test_client())
    browser.get("/status")
    return page_text(browser.post("/status", data={"cnic": cnic}))


def test_a_supervisor_approves_and_the_citizen_sees_verified_on_status_me_and_by_sms(app, client, supervisor, db):
    household_id, citizen = citizen_household(db)
    home = page_text(client.get("/supervisor/"))
    assert f"/supervisor/households/{household_id}" in home and "/supervisor/queue" in home
    assert f"/supervisor/households/{household_id}" in page_text(client.get("/supervisor/queue"))
    response = approve_through_review(client, household_id)
    assert response.headers["Location"].endswith("/supervisor/queue")
    assert html_escape(urdu(app, "Approved: the household is verified.")) in page_text(client.get("/supervisor/queue"))
    household = db.get(Household, household_id)
    assert household.status == "verified" and household.version == 2
    assert db.scalars(select(HouseholdStatusChange.to_status).where(HouseholdStatusChange.household_id == household_id)
                      .order_by(HouseholdStatusChange.id.desc())).first() == "verified"
    assert urdu(app, "Verified") in status_page(app, citizen.cnic)
    me = page_text(signed_in(app, citizen).get("/me"))
    assert urdu(app, "Verified") in me
    assert sms_to(db, "03001112223") == [urdu(app, DECISION_SMS["verified"])]


def test_returned_with_reasons_the_enumerator_fixes_resubmits_and_the_supervisor_approves(app, client, login_as, make_user, db):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    fill_all(client, base)
    _, hidden = form_of(client, f"{base}/review")
    assert client.client.post(f"{base}/review", data=hidden).status_code == 302
    household_id = int(base.rsplit("/", 1)[1])
    boss = signed_in(app, make_user("supervisor", area="Lahore"))
    response = decide(boss, household_id, "return", reason_housing="Rooms: we counted 2, not 3.", reason_members="")
    assert response.status_code == 302
    db.expire_all()
    household = db.get(Household, household_id)
    assert household.status == "returned" and household.return_reasons == {"housing": "Rooms: we counted 2, not 3."}
    # The enumerator sees the reason on the list and at the top of the section concerned, and nowhere else.
    listing = page_text(client.get("/enumerator/?state=returned"))
    assert html_escape(urdu(app, "Returned: see the reasons in the sections")) + ": " + urdu(app, "Housing") in listing
    assert "Rooms: we counted 2, not 3." in page_text(client.get(f"{base}/housing"))
    assert "Rooms: we counted" not in page_text(client.get(f"{base}/assets"))
    _, hidden = form_of(client, f"{base}/housing")
    assert client.client.post(f"{base}/housing", data={**hidden, **HOUSING, "rooms": "2"}).status_code == 302
    _, hidden = form_of(client, f"{base}/review")
    assert client.client.post(f"{base}/review", data=hidden).status_code == 302
    db.expire_all()
    assert db.get(Household, household_id).status == "submitted"
    # The supervisor sees both revisions side by side, the changed number of rooms marked.
    html, _ = review_form(boss, household_id)
    assert re.search(r'<td class="changed"><mark>.*?<bdi dir="auto">2</bdi></mark></td>', html)
    assert urdu(app, "Revision %(n)s", n=2) in html
    approve_through_review(boss, household_id)
    db.expire_all()
    assert db.get(Household, household_id).status == "verified"
    history = db.scalars(select(HouseholdStatusChange.to_status).where(HouseholdStatusChange.household_id == household_id)
                         .order_by(HouseholdStatusChange.id)).all()
    assert history[-4:] == ["submitted", "returned", "submitted", "verified"]


def test_a_return_without_any_reason_is_refused_in_urdu_and_changes_nothing(app, client, supervisor, db):
    household_id, _ = citizen_household(db)
    response = decide(client, household_id, "return")
    assert response.status_code == 422
    assert html_escape(urdu(app, "Write a reason for at least one section.")) in page_text(response)
    long = decide(client, household_id, "return", reason_income="x" * 501)
    assert long.status_code == 422
    assert html_escape(urdu(app, "Please write at most %(max)d characters.", max=500)) in page_text(long)
    db.expire_all()
    assert db.get(Household, household_id).status == "submitted"


def test_a_rejected_household_tells_the_citizen_why_and_how_to_complain(app, client, supervisor, db):
    household_id, citizen = citizen_household(db)
    assert decide(client, household_id, "reject", reason="").status_code == 422
    response = decide(client, household_id, "reject", reason="گھرانہ اس پتے پر موجود نہیں۔")
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Household, household_id).status == "rejected"
    status = status_page(app, citizen.cnic)
    assert urdu(app, "Not accepted") in status and "/complaints/new" in status
    assert "گھرانہ اس پتے پر موجود نہیں۔" not in status  # the public check shows no reasons
    me = page_text(signed_in(app, citizen).get("/me"))
    assert "گھرانہ اس پتے پر موجود نہیں۔" in me and "/complaints/new" in me
    assert html_escape(urdu(app, "If you think this is a mistake, file a complaint and we will look at it again.")) in me
    assert sms_to(db, "03001112223") == [urdu(app, DECISION_SMS["rejected"])]


def test_the_citizen_sees_what_a_returned_survey_needs(app, client, supervisor, db):
    household_id, citizen = citizen_household(db)
    decide(client, household_id, "return", reason_assets="موٹر سائیکل کی تصدیق کریں۔")
    me = page_text(signed_in(app, citizen).get("/me"))
    assert urdu(app, "Survey returned for correction") in me and "موٹر سائیکل کی تصدیق کریں۔" in me
    assert urdu(app, "Assets") in me
    assert urdu(app, "Survey returned for correction") in status_page(app, citizen.cnic)
    assert sms_to(db, "03001112223") == [urdu(app, DECISION_SMS["returned"])]


def test_an_english_speaking_household_gets_its_sms_in_english(app, client, supervisor, db):
    household_id, _ = citizen_household(db, mobile="03004445556", locale="en")
    approve_through_review(client, household_id)
    assert sms_to(db, "03004445556") == [DECISION_SMS["verified"]]


def test_a_household_met_at_the_door_without_an_account_gets_no_sms(app, client, supervisor, db):
    household = make_household(db, area="Lahore", status="submitted")
    db.commit()
    approve_through_review(client, household.id)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(SmsMessage)) == 0


def test_a_supervisor_reopens_a_verified_household_with_a_reason_and_it_takes_a_new_revision(app, client, supervisor, db):
    household_id, citizen = citizen_household(db)
    approve_through_review(client, household_id)
    html, _ = review_form(client, household_id)
    assert "/reopen" in html and "/approve" not in html
    assert decide(client, household_id, "reopen", reason="").status_code == 422
    assert decide(client, household_id, "reopen", reason="ایک بچہ پیدا ہوا ہے۔").status_code == 302
    db.expire_all()
    assert db.get(Household, household_id).status == "draft"
    html = page_text(client.get(f"/supervisor/households/{household_id}"))
    assert "ایک بچہ پیدا ہوا ہے۔" in html and "/reopen" not in html  # on the household's timeline
    assert urdu(app, "Survey in progress") in page_text(signed_in(app, citizen).get("/me"))


def test_a_stale_decision_is_told_and_not_applied(app, client, supervisor, make_user, db):
    household_id, _ = citizen_household(db)
    _, stale = review_form(client, household_id)
    other = signed_in(app, make_user("supervisor", area="Lahore"))
    assert decide(other, household_id, "return", reason_housing="Count the rooms again.").status_code == 302
    response = client.client.post(f"/supervisor/households/{household_id}/approve", data=stale)
    assert response.status_code == 409
    assert html_escape(urdu(app, "Someone changed this household after you opened it. Nothing was saved: read it again and decide.")) in page_text(response)
    db.expire_all()
    assert db.get(Household, household_id).status == "returned"


def test_a_second_approval_is_told_already_approved(app, client, supervisor, make_user, db):
    household_id, _ = citizen_household(db)
    _, first_page = review_form(client, household_id)
    other = signed_in(app, make_user("supervisor", area="Lahore"))
    approve_through_review(other, household_id)
    response = client.client.post(f"/supervisor/households/{household_id}/approve", data=first_page)
    assert response.status_code == 200
    assert html_escape(urdu(app, "This household is already approved.")) in page_text(response)
    db.expire_all()
    assert db.get(Household, household_id).version == 2


def test_a_retried_approve_with_the_same_key_changes_nothing_twice(app, client, supervisor, db):
    household_id, _ = citizen_household(db)
    _, fields = review_form(client, household_id)
    first = client.client.post(f"/supervisor/households/{household_id}/approve", data=fields)
    again = client.client.post(f"/supervisor/households/{household_id}/approve", data=fields)
    assert first.status_code == again.status_code == 302
    assert again.headers.get("X-Idempotent-Replay") == "true"
    db.expire_all()
    assert db.get(Household, household_id).version == 2
    assert db.scalar(select(func.count()).select_from(HouseholdStatusChange).where(
        HouseholdStatusChange.household_id == household_id, HouseholdStatusChange.to_status == "verified")) == 1
    assert len(sms_to(db, "03001112223")) == 1


def test_a_supervisor_of_another_district_can_neither_read_nor_decide(app, client, login_as, db):
    household_id, _ = citizen_household(db)
    login_as("supervisor", area="Multan")
    assert client.get(f"/supervisor/households/{household_id}").status_code == 404
    client.get("/supervisor/")
    response = client.post(f"/supervisor/households/{household_id}/approve",
                           data={"version": "1", "idempotency_key": "k" * 20})
    assert response.status_code == 404
    assert f"/supervisor/households/{household_id}" not in page_text(client.get("/supervisor/queue"))
    db.expire_all()
    assert db.get(Household, household_id).status == "submitted"
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "household.denied")) == 2


def test_an_enumerator_cannot_review(app, client, login_as, db):
    household_id, _ = citizen_household(db)
    login_as("enumerator", area="Lahore")
    assert client.get(f"/supervisor/households/{household_id}").status_code == 403
    assert client.get("/supervisor/queue").status_code == 403


def test_viewing_a_household_for_review_is_audited(app, client, supervisor, db):
    household_id, _ = citizen_household(db)
    review_form(client, household_id)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "household.view")).one()
    assert entry.actor_id == supervisor.id and entry.outcome == str(household_id)


def test_the_household_page_shows_answers_members_flags_and_timeline(app, client, supervisor, db):
    household = make_household(db, area="Lahore", status="submitted", rooms=3, members=[
        {"name": "Akram Ali", "relation": "head", "sex": "male", "dob": date(1980, 1, 1), "cnic": "35202-1111111-1"},
        {"name": "Sana Bibi", "relation": "daughter", "sex": "male", "dob": date(2012, 1, 1)}])
    daughter = household.members[1]
    db.add(HouseholdFlag(household_id=household.id, code="relation_sex", severity="warning", member_ids=[daughter.id],
                         message_en="A daughter recorded as male.", message_ur="بیٹی کو مرد درج کیا گیا ہے۔"))
    db.commit()
    html, _ = review_form(client, household.id)
    assert "بیٹی کو مرد درج کیا گیا ہے۔" in html and f'href="#member-{daughter.id}"' in html
    assert urdu(app, "Warning") in html and html_escape(urdu(app, "Number of rooms (without kitchen and bathroom)")) in html
    assert "Sana Bibi" in html and urdu(app, "Daughter") in html
    assert 'name="reason_housing"' in html and 'name="reason"' in html and 'name="version" type="hidden" value="1"' in html


# --- the queue --------------------------------------------------------------------------------------------


def submitted(db, n: int, **fields) -> list[int]:
    now = utcnow()
    ids = []
    for i in range(n):
        household = make_household(db, area=fields.pop("area", "Lahore") if i == 0 else fields.get("area", "Lahore"),
                                   status="submitted", submitted_at=now - timedelta(hours=i + 1), **fields)
        ids.append(household.id)
    db.commit()
    return ids


def queue_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/supervisor/households/(\d+)"', html)]


def test_the_queue_pages_the_oldest_submission_first(app, client, supervisor, db):
    ids = submitted(db, 30)  # each one hour older than the one before
    first = client.get("/supervisor/queue")
    html = page_text(first)
    assert queue_ids(html) == list(reversed(ids))[:25]
    next_link = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    second = page_text(client.get(next_link))
    assert queue_ids(second) == list(reversed(ids))[25:]


def test_a_forged_queue_cursor_answers_the_page_link_message_in_urdu(app, client, supervisor):
    forged = base64.urlsafe_b64encode(json.dumps(["a", "not a time", 5]).encode()).decode().rstrip("=")
    response = client.get("/supervisor/queue", query_string={"cursor": forged})
    assert response.status_code == 400
    assert re.search(r"[\u0600-\u06FF]", page_text(response))


def test_the_queue_filters_by_flags_enumerator_tehsil_and_age(app, client, supervisor, make_user, db):
    enumerator = make_user("enumerator", area="Lahore", name="Nadia Enumerator")
    lahore = find_area(db, "Lahore")
    tehsils = sorted((a for a in lahore.children if a.level == "tehsil"), key=lambda a: a.name_en)
    now = utcnow()
    plain = make_household(db, area=tehsils[0], status="submitted", submitted_at=now - timedelta(hours=1))
    flagged = make_household(db, area=tehsils[0], status="submitted", submitted_at=now - timedelta(hours=2), flag_count=1)
    db.add(HouseholdFlag(household_id=flagged.id, code="cnic_elsewhere", severity="error",
                         message_en="The CNIC is in another household.", message_ur="یہ شناختی کارڈ کسی اور گھرانے میں ہے۔"))
    by_enumerator = make_household(db, area=tehsils[1], status="submitted", submitted_at=now - timedelta(days=10),
                                   enumerator_id=enumerator.id)
    make_household(db, area="Multan", status="submitted")
    make_household(db, area=tehsils[0], status="draft")
    db.commit()

    def shown(**params):
        return queue_ids(page_text(client.get("/supervisor/queue", query_string=params)))

    assert shown() == [by_enumerator.id, flagged.id, plain.id]
    assert shown(flags="1") == [flagged.id]
    assert shown(flags="0") == [by_enumerator.id, plain.id]
    assert shown(flag="cnic_elsewhere") == [flagged.id]
    assert shown(enumerator=str(enumerator.id)) == [by_enumerator.id]
    assert shown(tehsil=tehsils[1].code) == [by_enumerator.id]
    assert shown(older="7") == [by_enumerator.id]
    assert shown(tehsil="TSL-MUL-01") == [by_enumerator.id, flagged.id, plain.id]  # not on offer: ignored
    html = page_text(client.get("/supervisor/queue"))
    assert 'name="flags"' in html and 'name="enumerator"' in html and 'name="tehsil"' in html and 'name="older"' in html
    assert f'value="{enumerator.id}"' in html and 'value="cnic_elsewhere"' in html


def test_the_queue_answers_htmx_with_its_list_only(app, client, supervisor, db):
    submitted(db, 2)
    full = client.get("/supervisor/queue")
    part = client.get("/supervisor/queue", headers={"HX-Request": "true"}, query_string={"flags": "0"})
    assert "<html" in page_text(full) and 'data-hx-get="/supervisor/queue"' in page_text(full)
    assert "<html" not in page_text(part) and page_text(part).lstrip().startswith('<div id="queue"')
    assert len(queue_ids(page_text(part))) == 2
    assert "HX-Request" in full.headers.get("Vary", "") and "HX-Request" in part.headers.get("Vary", "")


def test_the_helpdesk_resurvey_of_a_verified_household_opens_a_new_revision(app, client, supervisor, make_user, db):
    from app.models import Complaint, HouseholdRevision
    from tests.complaint_helpers import file_complaint

    household_id, citizen = citizen_household(db)
    approve_through_review(client, household_id)
    file_complaint(Browserish(app.test_client()), cnic=citizen.cnic)
    complaint_id = db.scalars(select(Complaint.id)).one()
    helpdesk = signed_in(app, make_user("helpdesk"))
    page = f"/helpdesk/complaints/{complaint_id}"
    helpdesk.get(page)
    assert helpdesk.post(f"{page}/resurvey", data={"reason": "Family says a child was born"}).status_code == 302
    db.expire_all()
    household = db.get(Household, household_id)
    assert household.status == "draft" and household.resurvey_requested_at is not None
    last = db.scalars(select(HouseholdStatusChange).where(HouseholdStatusChange.household_id == household_id)
                      .order_by(HouseholdStatusChange.id.desc())).first()
    assert (last.from_status, last.to_status, last.reason) == ("verified", "draft", "Family says a child was born")
    assert urdu(app, "Survey in progress") in status_page(app, citizen.cnic)
    assert sms_to(db, "03001112223")[-1] == urdu(app, DECISION_SMS["draft"])
    assert db.scalar(select(func.count()).select_from(HouseholdRevision)) == 0  # the next submit makes one
