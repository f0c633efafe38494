"""An administrator answers "who looked at this household": /admin/audit filtered by person, action,
district, household and time, newest first a page at a time, and the same filter as a streamed CSV (itself
in the log)."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from app.models import AuditEntry
from app.models.base import utcnow
from tests.audit_helpers import clock_at
from tests.review_helpers import signed_in
from tests.helpers import page_text, urdu


def _looked_at(app, make_user, citizen, agent, reason, *, days_ago=0):
    browser = signed_in(app, agent)
    browser.get("/helpdesk/lookup")
    with clock_at(app, utcnow() - timedelta(days=days_ago)):
        assert browser.post("/helpdesk/lookup", data={"cnic": citizen.cnic, "reason": reason}).status_code == 200


def test_an_admin_finds_who_looked_at_a_household_with_each_filter(app, client, login_as, make_user, db):
    lahore = make_user("citizen", area="Lahore")
    multan = make_user("citizen", area="Multan")
    agent = make_user("helpdesk", name="Agent One")
    other = make_user("helpdesk", name="Agent Two", cnic="35202-5550002-1")
    _looked_at(app, make_user, lahore, agent, "lahore caller old", days_ago=10)
    _looked_at(app, make_user, lahore, other, "lahore caller new")
    _looked_at(app, make_user, multan, agent, "multan caller")
    login_as("admin")

    by_household = page_text(client.get(f"/admin/audit?household={lahore.household_id}"))
    assert "lahore caller old" in by_household and "lahore caller new" in by_household
    assert "multan caller" not in by_household and "Agent Two" in by_household
    assert by_household.index("lahore caller new") < by_household.index("lahore caller old")  # newest first

    by_person = page_text(client.get("/admin/audit?person=35202-5550002-1"))
    assert "lahore caller new" in by_person and "lahore caller old" not in by_person and "multan caller" not in by_person
    by_id = page_text(client.get(f"/admin/audit?person={agent.id}&action=helpdesk.lookup"))
    assert "lahore caller old" in by_id and "multan caller" in by_id and "lahore caller new" not in by_id

    by_district = page_text(client.get("/admin/audit?district=DST-MUL" if _has_code(db, "DST-MUL") else
                                       "/admin/audit?district=" + _district_code(db, "Multan")))
    assert "multan caller" in by_district and "lahore caller" not in by_district

    today = utcnow().date().isoformat()
    recent = page_text(client.get(f"/admin/audit?household={lahore.household_id}&since={today}&until={today}"))
    assert "lahore caller new" in recent and "lahore caller old" not in recent

    # every look at the log is itself in it, with its filter
    views = db.scalars(select(AuditEntry).where(AuditEntry.action == "audit.view").order_by(AuditEntry.id)).all()
    assert len(views) == 5 and views[0].detail == {"filter": {"household_id": lahore.household_id}}
    # a day starts at midnight in Pakistan (+05:00), not at Karachi's old local mean time
    assert views[-1].detail["filter"]["since"] == f"{today}T00:00:00+05:00"


def _has_code(db, code):
    from app.models import Area

    return db.scalar(select(Area.id).where(Area.code == code)) is not None


def _district_code(db, name):
    from app.models import Area

    return db.scalar(select(Area.code).where(Area.name_en == name, Area.level == "district"))


def test_the_viewer_pages_newest_first_and_htmx_gets_only_the_list(app, client, login_as, make_user, db):
    citizen = make_user("citizen", area="Lahore")
    agent = make_user("helpdesk")
    browser = signed_in(app, agent)
    browser.get("/helpdesk/lookup")
    for n in range(55):
        browser.post("/helpdesk/lookup", data={"cnic": citizen.cnic, "reason": f"call number {n:02d}"})
    login_as("admin")
    first = page_text(client.get(f"/admin/audit?household={citizen.household_id}"))
    assert "<title>" in first and "call number 54" in first and "call number 05" in first and "call number 04" not in first
    cursor = first.split("cursor=")[1].split('"')[0].split("&amp;")[0]
    second = client.get(f"/admin/audit?household={citizen.household_id}&cursor={cursor}", headers={"HX-Request": "true"})
    html = page_text(second)
    assert html.lstrip().startswith('<div id="trail">') and "<title>" not in html
    assert "call number 04" in html and "call number 00" in html and "call number 05" not in html
    assert "HX-Request" in second.headers.get("Vary", "")


def test_bad_filters_answer_422_in_the_users_language(app, client, login_as):
    login_as("admin")
    response = client.get("/admin/audit?since=yesterday&household=abc&person=nobody")
    html = page_text(response)
    assert response.status_code == 422
    assert urdu(app, "Enter a date as YYYY-MM-DD.") in html and urdu(app, "Enter a household number.") in html
    assert urdu(app, "Enter a CNIC or an account number.") in html
    fragment = client.get("/admin/audit?until=2026-01-01&since=2026-02-01", headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and urdu(app, "The end date comes before the start date.") in page_text(fragment)


def test_the_csv_streams_the_same_filter_and_is_audited(app, client, login_as, make_user, db):
    lahore = make_user("citizen", area="Lahore")
    multan = make_user("citizen", area="Multan")
    agent = make_user("helpdesk")
    _looked_at(app, make_user, lahore, agent, "csv lahore")
    _looked_at(app, make_user, multan, agent, "csv multan")
    admin = login_as("admin")
    response = client.get(f"/admin/audit.csv?household={lahore.household_id}")
    assert response.status_code == 200 and "Content-Length" not in response.headers  # streamed, not built whole
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(page_text(response))))
    assert [r["reason"] for r in rows] == ["csv lahore"] and rows[0]["actor_role"] == "helpdesk"
    assert rows[0]["household_id"] == str(lahore.household_id) and "35202" not in rows[0]["ip_hash"]
    export = db.scalars(select(AuditEntry).where(AuditEntry.action == "audit.export")).one()
    assert export.actor_id == admin.id and export.detail == {"filter": {"household_id": lahore.household_id}}


def test_only_admins_read_the_audit_log(app, client, login_as):
    login_as("helpdesk")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
