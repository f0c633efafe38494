"""Every read of a household is in the audit log: each section, the members, the review and the CNIC search,
one entry per page shown, written with the request's own commit (one INSERT, no query of its own)."""
from __future__ import annotations

from sqlalchemy import event, select

from app.extensions import db as _db
from app.models import AuditEntry
from tests.survey_helpers import HEAD, fill_all, start_household


def _views(db):
    db.expire_all()
    return db.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.cnic_masked, AuditEntry.detail)
                      .where(AuditEntry.action.in_(["household.view", "household.search"]))
                      .order_by(AuditEntry.id)).all()


def test_each_page_an_enumerator_reads_of_a_household_is_one_audit_entry(app, client, login_as, db):
    enumerator = login_as("enumerator", area="Lahore")
    base = start_household(client)
    fill_all(client, base, members=(HEAD,))
    seen = [(action, detail["page"]) for action, actor, _, detail in _views(db)]
    # fill_all reads consent, then members, housing, assets and income once each before saving them
    assert seen == [("household.view", page) for page in ("consent", "members", "housing", "assets", "income")]
    before = len(seen)
    for page in ("review", "members", "consent"):
        assert client.get(f"{base}/{page}").status_code == 200
    rows = _views(db)[before:]
    assert [(r.detail["page"], r.actor_id, r.cnic_masked) for r in rows] == [
        (page, enumerator.id, "35202-*****77-1") for page in ("review", "members", "consent")]


def test_a_household_read_costs_one_insert_and_no_query_of_its_own(app, client, login_as, db):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    client.get(f"{base}/housing")
    statements = []
    with app.app_context():
        engine = _db.engine

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(f"{base}/housing").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    touching_audit = [s for s in statements if "audit_entries" in s]
    assert len(touching_audit) == 1 and touching_audit[0].lstrip().upper().startswith("INSERT")


def test_an_enumerators_cnic_search_is_audited_with_what_it_showed(app, client, login_as, db):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    household_id = int(base.rsplit("/", 1)[1])
    client.get("/enumerator/")
    assert client.post("/enumerator/", data={"q": "35202-7777777-1"}).status_code == 200
    assert client.post("/enumerator/", data={"q": "35202"}).status_code == 200
    searches = [(cnic, detail) for action, _, cnic, detail in _views(db) if action == "household.search"]
    assert searches == [("35202-*****77-1", {"households": [household_id]}), (None, {"households": [household_id]})]
