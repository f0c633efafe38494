"""Each read of personal data and each change names the household concerned, its district and why: the
enumerator's survey and list, the supervisor's review and queue, the helpdesk's complaint pages."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Area, AuditEntry, Complaint, Household
from tests.review_helpers import signed_in
from tests.complaint_helpers import file_complaint
from tests.conftest import Browserish
from tests.survey_helpers import HEAD, fill_all, form_of, start_household


def _lahore(db) -> int:
    return db.scalar(select(Area.id).where(Area.name_en == "Lahore", Area.level == "district"))


def test_the_enumerators_survey_and_list_name_the_household_its_district_and_the_survey(app, client, login_as, db):
    enumerator = login_as("enumerator", area="Lahore")
    base = start_household(client)
    household_id = int(base.rsplit("/", 1)[1])
    fill_all(client, base, members=(HEAD,))
    _, hidden = form_of(client, f"{base}/review")
    assert client.client.post(f"{base}/review", data=hidden).status_code == 302
    assert client.get("/enumerator/").status_code == 200
    entries = db.scalars(select(AuditEntry).where(AuditEntry.actor_id == enumerator.id).order_by(AuditEntry.id)).all()
    reads = [e for e in entries if e.action == "household.view"]
    assert reads and {(e.household_id, e.area_id, e.reason, e.actor_role) for e in reads} == {
        (household_id, _lahore(db), "survey", "enumerator")}
    changes = [e for e in entries if e.action in ("household.start", "household.save", "household.member",
                                                  "household.submit")]
    assert {e.action for e in changes} == {"household.start", "household.save", "household.member", "household.submit"}
    assert {e.household_id for e in changes} == {household_id}
    listed = [e for e in entries if e.action == "household.list"]
    assert listed[-1].detail["households"] == [household_id] and listed[-1].area_id == _lahore(db)


def test_the_supervisors_review_states_review_and_the_helpdesks_complaint_page_its_tracking_number(
        app, client, login_as, make_user, db):
    enumerator = make_user("enumerator", area="Lahore")
    browser = signed_in(app, enumerator)
    base = start_household(browser)
    household_id = int(base.rsplit("/", 1)[1])
    fill_all(browser, base, members=(HEAD,))
    _, hidden = form_of(browser, f"{base}/review")
    assert browser.client.post(f"{base}/review", data=hidden).status_code == 302
    supervisor = login_as("supervisor", area="Lahore")
    assert client.get(f"/supervisor/households/{household_id}").status_code == 200
    assert client.get("/supervisor/queue").status_code == 200
    view = db.scalars(select(AuditEntry).where(AuditEntry.actor_id == supervisor.id,
                                               AuditEntry.action == "household.view")).one()
    assert (view.household_id, view.area_id, view.reason, view.actor_role) == (
        household_id, _lahore(db), "review", "supervisor")
    queue = db.scalars(select(AuditEntry).where(AuditEntry.actor_id == supervisor.id,
                                                AuditEntry.action == "household.list")).one()
    assert queue.detail["households"] == [household_id]

    tracking = file_complaint(Browserish(app.test_client()))
    agent = make_user("helpdesk")
    helpdesk = signed_in(app, agent)
    complaint_id = db.scalar(select(Complaint.id).where(Complaint.tracking_no == tracking))
    assert helpdesk.get(f"/helpdesk/complaints/{complaint_id}").status_code == 200
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "complaint.view")).one()
    assert entry.reason == f"complaint:{tracking}" and entry.actor_role == "helpdesk" and entry.area_id is not None
    assert db.get(Household, household_id) is not None
