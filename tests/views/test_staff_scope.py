"""One scope rule for every staff read: a Lahore supervisor reads Lahore's households, complaints and
citizens, never Multan's; a full mobile number is shown only to a helpdesk agent who asks for it to call,
and every such reveal is in the audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.roles import Role
from app.models import AuditEntry, Complaint
from app.services.staff_scope import CITIZENS, COMPLAINTS, HOUSEHOLDS, staff_scope
from tests.complaint_helpers import file_complaint
from tests.conftest import Browserish
from tests.helpers import page_text, urdu

MULTAN_CNIC, MULTAN_MOBILE = "36302-1234567-2", "03217654321"
NOBODY_HERE = "Nobody with this CNIC in your area. A citizen of another district is served by its own helpdesk."


def _look_up(client, cnic):
    client.get("/helpdesk/lookup")
    return client.post("/helpdesk/lookup", data={"cnic": cnic, "reason": "Caller asked about status"})


@pytest.fixture
def multan_citizen(make_user):
    return make_user("citizen", cnic=MULTAN_CNIC, name="Ayesha Bibi Multani", area="Multan", mobile=MULTAN_MOBILE)


def test_a_lahore_supervisor_cannot_look_up_a_multan_citizen(app, client, login_as, db, multan_citizen):
    login_as("supervisor", area="Lahore")
    html = page_text(_look_up(client, MULTAN_CNIC))
    assert urdu(app, NOBODY_HERE) in html
    assert "Ayesha Bibi Multani" not in html and MULTAN_MOBILE not in html and "0321*****21" not in html
    # The same answer as for a CNIC nobody has: the look-up tells no one who exists elsewhere.
    assert urdu(app, NOBODY_HERE) in page_text(_look_up(client, "35202-7777777-1"))
    outcomes = db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "helpdesk.lookup")
                          .order_by(AuditEntry.id)).all()
    assert outcomes == ["out_of_scope", "not_found"]


def test_multans_supervisor_sees_the_citizen_with_the_mobile_masked(app, client, login_as, multan_citizen):
    login_as("supervisor", area="Multan")
    html = page_text(_look_up(client, MULTAN_CNIC))
    assert "Ayesha Bibi Multani" in html and "0321*****21" in html and MULTAN_MOBILE not in html


def test_the_call_centre_sees_any_citizen_but_only_complaints_it_may_handle(app, client, login_as, multan_citizen):
    tracking = file_complaint(Browserish(app.test_client()), cnic=MULTAN_CNIC, district="DST-MUL")
    login_as("helpdesk")  # no area: the call centre, all of Punjab
    html = page_text(_look_up(client, MULTAN_CNIC))
    assert "Ayesha Bibi Multani" in html and tracking in html and MULTAN_MOBILE not in html


def test_a_lahore_agent_sees_none_of_a_multan_citizens_complaints(app, client, login_as, multan_citizen):
    file_complaint(Browserish(app.test_client()), cnic=MULTAN_CNIC, district="DST-MUL")
    login_as("helpdesk", area="Lahore")
    html = page_text(_look_up(client, MULTAN_CNIC))
    assert urdu(app, NOBODY_HERE) in html and "PSER-C-" not in html


def test_a_helpdesk_agent_reveals_the_number_to_call_and_the_reveal_is_audited(app, client, login_as, db):
    tracking = file_complaint(Browserish(app.test_client()), mobile="03451239876")
    complaint_id = db.scalars(select(Complaint.id).where(Complaint.tracking_no == tracking)).one()
    agent = login_as("helpdesk", area="Lahore")
    page = f"/helpdesk/complaints/{complaint_id}"
    html = page_text(client.get(page))
    assert "0345*****76" in html and "03451239876" not in html
    assert urdu(app, "Show the number to call (recorded)") in html
    revealed = client.post(f"{page}/mobile")
    assert revealed.status_code == 200 and "03451239876" in page_text(revealed)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "complaint.reveal_mobile")).one()
    assert (entry.actor_id, entry.outcome) == (agent.id, tracking)


def test_a_supervisor_sees_a_complaints_number_masked_and_cannot_reveal_it(app, client, login_as, db):
    tracking = file_complaint(Browserish(app.test_client()), mobile="03451239876")
    complaint_id = db.scalars(select(Complaint.id).where(Complaint.tracking_no == tracking)).one()
    login_as("supervisor", area="Lahore")
    page = f"/helpdesk/complaints/{complaint_id}"
    html = page_text(client.get(page))
    assert "0345*****76" in html and "03451239876" not in html
    assert client.post(f"{page}/mobile").status_code == 403


def test_a_lahore_agent_cannot_reveal_the_number_of_a_multan_complaint(app, client, login_as, db):
    tracking = file_complaint(Browserish(app.test_client()), district="DST-MUL")
    complaint_id = db.scalars(select(Complaint.id).where(Complaint.tracking_no == tracking)).one()
    login_as("helpdesk", area="Lahore")
    client.get("/helpdesk/")
    assert client.post(f"/helpdesk/complaints/{complaint_id}/mobile").status_code == 404


@pytest.mark.parametrize("role, area, reads", [
    (Role.ADMIN, None, {HOUSEHOLDS: "all", COMPLAINTS: "all", CITIZENS: "all"}),
    (Role.HELPDESK, None, {HOUSEHOLDS: "none", COMPLAINTS: "all", CITIZENS: "all"}),
    (Role.HELPDESK, "Lahore", {HOUSEHOLDS: "none", COMPLAINTS: "Lahore", CITIZENS: "Lahore"}),
    (Role.SUPERVISOR, "Lahore", {HOUSEHOLDS: "Lahore", COMPLAINTS: "Lahore", CITIZENS: "Lahore"}),
    (Role.ENUMERATOR, "Lahore", {HOUSEHOLDS: "Lahore", COMPLAINTS: "none", CITIZENS: "none"}),
    (Role.CITIZEN, None, {HOUSEHOLDS: "none", COMPLAINTS: "none", CITIZENS: "none"}),
])
def test_one_rule_says_what_each_role_reads_where(app, db, make_user, role, area, reads):
    from app.services.areas import find_area

    user = make_user(role, area=area)
    lahore, multan = find_area(db, "Lahore").id, find_area(db, "Multan").id
    for kind, expected in reads.items():
        scope = staff_scope(db, user, kind)
        seen = {name for name, area_id in (("Lahore", lahore), ("Multan", multan)) if scope.covers(area_id)}
        assert seen == {"all": {"Lahore", "Multan"}, "none": set(), "Lahore": {"Lahore"}}[expected], kind


def test_a_lahore_agent_cannot_release_a_multan_citizens_unverified_account(app, client, login_as, db, make_user):
    from app.models import User

    squatted = make_user("citizen", cnic=MULTAN_CNIC, area="Multan", mobile=MULTAN_MOBILE)
    db.execute(User.__table__.update().values(mobile_verified_at=None))
    db.commit()
    login_as("helpdesk", area="Lahore")
    client.get("/helpdesk/lookup")
    response = client.post("/helpdesk/accounts/release", data={"cnic": MULTAN_CNIC, "reason": "Owner called"})
    assert response.status_code == 302
    assert db.get(User, squatted.id) is not None
    assert urdu(app, NOBODY_HERE) in page_text(client.get("/helpdesk/lookup"))
