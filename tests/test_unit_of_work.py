"""One owner of the transaction: a request commits unless it answers with a server error, and then nothing
it did is kept; a command or a job commits at the end of its unit of work, or not at all."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db as flask_db
from app.models import AuditEntry, Complaint, IdempotentRequest, User
from app.services import audit
from app.unit_of_work import service_context, unit_of_work
from tests.complaint_helpers import COMPLAINT, file_complaint
from tests.conftest import PASSWORD


def _count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_a_unit_of_work_commits_what_its_block_did(app, db):
    with app.app_context():
        with unit_of_work() as session:
            audit.record(session, service_context(), "job", outcome="done")
    assert db.scalars(select(AuditEntry.outcome)).all() == ["done"]


def test_a_unit_of_work_that_fails_keeps_nothing(app, db):
    with app.app_context(), pytest.raises(RuntimeError):
        with unit_of_work(flask_db.session) as session:
            audit.record(session, service_context(), "job", outcome="half")
            session.flush()
            raise RuntimeError("the job broke half way")
    assert _count(db, AuditEntry) == 0


def test_a_request_that_fails_with_a_server_error_keeps_nothing_it_wrote(app, client, db, monkeypatch):
    def write_then_fail(session, ctx, cnic, **kwargs):
        audit.record(session, ctx, "status_lookup", cnic=cnic, outcome="half")
        session.flush()
        raise RuntimeError("broke after writing")

    monkeypatch.setattr("app.public.routes.lookup_status", write_then_fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        client.get("/status")
        response = client.post("/status", data={"cnic": "35202-1000001-2"})
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert _count(db, AuditEntry) == 0


def test_a_refused_sign_in_is_still_counted_and_audited(client, make_user, db):
    user = make_user("citizen", cnic="35202-1000001-2")
    client.get("/login")
    assert client.post("/login", data={"cnic": user.cnic, "password": "wrong-" + PASSWORD}).status_code == 422
    assert db.scalar(select(User.failed_logins).where(User.id == user.id)) == 1
    assert db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "login")).all() == ["bad_password"]


def test_a_refused_complaint_frees_its_key_but_keeps_its_audit_entry(app, client, db):
    for _ in range(app.config["COMPLAINT_MAX_OPEN"]):
        file_complaint(client)
    html = client.get("/complaints/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)

    assert client.post("/complaints/new", data={**COMPLAINT, "idempotency_key": key}).status_code == 422
    assert _count(db, IdempotentRequest, IdempotentRequest.key == key) == 0
    assert _count(db, AuditEntry, AuditEntry.outcome == "too_many_open") == 1
    assert _count(db, Complaint) == app.config["COMPLAINT_MAX_OPEN"]


def test_a_replayed_complaint_gets_the_first_answer_and_files_nothing_more(client, db):
    html = client.get("/complaints/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    first = client.post("/complaints/new", data={**COMPLAINT, "idempotency_key": key})
    again = client.post("/complaints/new", data={**COMPLAINT, "idempotency_key": key})
    assert first.status_code == again.status_code == 200
    assert again.headers["X-Idempotent-Replay"] == "true" and again.data == first.data
    assert _count(db, Complaint) == 1
    # stored bound to this browser and path (app.idempotency._scoped), not as the raw key
    [status] = db.scalars(select(IdempotentRequest.status).where(IdempotentRequest.path == "/complaints/new")).all()
    assert status == 200  # kept with the change, in the same commit
