"""/admin/jobs: an administrator follows background jobs with a labelled progress bar per job; the list
refreshes itself (htmx, just the list) while a job is waiting or running, and stops when all are over."""
from __future__ import annotations

from app.models import BackgroundJob
from tests.helpers import urdu


def add_jobs(db, *jobs: dict) -> list[int]:
    rows = [BackgroundJob(**{"params": {}, "attempts": 1, **job}) for job in jobs]
    db.add_all(rows)
    db.commit()
    return [row.id for row in rows]


def test_admin_sees_each_job_with_its_state_and_a_labelled_progress_bar(app, client, login_as, db):
    running, _, _ = add_jobs(
        db, {"kind": "demo.count", "state": "running", "progress_done": 40, "progress_total": 200},
        {"kind": "complaints.escalate", "state": "done", "progress_done": 1, "progress_total": 1,
         "result": {"escalated": 3, "closed": 1}},
        {"kind": "sms.send", "state": "failed", "error": "ConnectionError: gateway down"})
    login_as("admin")
    client.get("/lang/en")
    response = client.get("/admin/jobs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert f'<label for="job-progress-{running}">40 of 200</label>' in page
    assert f'<progress id="job-progress-{running}" max="200" value="40">20%</progress>' in page
    assert "Complaint escalation" in page and "escalated: 3" in page and "closed: 1" in page
    assert "Failed" in page and "ConnectionError: gateway down" in page
    assert 'data-hx-trigger="every 2s"' in page  # a job is running: the list keeps itself current


def test_the_list_alone_answers_htmx_and_stops_polling_once_every_job_is_over(app, client, login_as, db):
    add_jobs(db, {"kind": "demo.count", "state": "done", "progress_done": 10, "progress_total": 10})
    login_as("admin")
    fragment = client.get("/admin/jobs", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="job-list"') and "<html" not in fragment
    assert "hx-trigger" not in fragment  # nothing left to wait for: the swapped-in list no longer polls
    assert 'value="10"' in fragment


def test_the_jobs_page_speaks_urdu(app, client, login_as, db):
    add_jobs(db, {"kind": "sms.send", "state": "queued"})
    login_as("admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    for text in ("Background jobs", "Sending SMS", "Waiting", "Not started yet"):
        assert urdu(app, text) in page


def test_only_administrators_see_jobs(client, login_as):
    login_as("helpdesk")
    assert client.get("/admin/jobs").status_code == 403
    assert client.get("/admin/jobs", headers={"HX-Request": "true"}).status_code == 403
