"""/admin/outbox as an administrator uses it: messages by state and purpose, numbers masked, codes never
shown, newest first in pages, and failed messages sent again (audited, once however often it is asked)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import AuditEntry, BackgroundJob, SmsMessage


def add_messages(db, *specs: tuple[str, str, str], mobile: str = "03001234567") -> list[int]:
    """(purpose, status, body) each, queued directly: the sending job is not what is tested here."""
    messages = [SmsMessage(to_mobile=mobile, purpose=p, status=s, body=b, backend="console",
                           attempts=5 if s == "failed" else 1, last_error="HTTP 500" if s == "failed" else None)
                for p, s, b in specs]
    db.add_all(messages)
    db.commit()
    return [m.id for m in messages]


def test_only_an_admin_sees_the_outbox(client, login_as):
    assert client.get("/admin/outbox").status_code == 302  # to the sign-in page
    login_as("helpdesk")
    assert client.get("/admin/outbox").status_code == 403


def test_the_outbox_masks_numbers_and_never_shows_a_code(client, login_as, db):
    add_messages(db, ("verify_mobile", "sent", "Your PSER code is 482913"),
                 ("complaint", "failed", "PSER complaint PSER-C-2026-123456 is resolved."),
                 ("sms_reply", "queued", "PSER: verified."))
    login_as("admin")
    client.get("/lang/en")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "0300*****67" in page and "03001234567" not in page
    assert "482913" not in page and "Your PSER code" not in page
    assert "not shown: may carry a code" in page
    assert "PSER-C-2026-123456 is resolved" in page and "PSER: verified." in page
    assert "HTTP 500" in page
    assert re.search(r"<title>[^<]+</title>", page)
    audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "sms.outbox")).all()
    assert len(audit) == 1


def test_the_outbox_filters_by_state_and_purpose(client, login_as, db):
    add_messages(db, ("complaint", "failed", "failed complaint text"), ("complaint", "sent", "sent complaint text"),
                 ("sms_reply", "failed", "failed reply text"))
    login_as("admin")
    client.get("/lang/en")
    failed = client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert "failed complaint text" in failed and "failed reply text" in failed and "sent complaint text" not in failed
    replies = client.get("/admin/outbox?state=failed&purpose=sms_reply", headers={"HX-Request": "true"})
    body = replies.get_data(as_text=True)
    assert replies.status_code == 200 and "<html" not in body
    assert "failed reply text" in body and "failed complaint text" not in body
    assert client.get("/admin/outbox?state=nonsense&purpose=DROP TABLE").status_code == 200


def test_the_outbox_is_paged_newest_first(client, login_as, db):
    ids = add_messages(db, *[("complaint", "sent", f"message number {n:03d}") for n in range(60)])
    login_as("admin")
    client.get("/lang/en")
    first = client.get("/admin/outbox").get_data(as_text=True)
    assert "message number 059" in first and "message number 010" in first and "message number 009" not in first
    assert first.index("message number 059") < first.index("message number 058")
    cursor = re.search(r'rel="next" href="[^"]*cursor=([^"&]+)', first).group(1)
    second = client.get(f"/admin/outbox?cursor={cursor}").get_data(as_text=True)
    assert "message number 009" in second and "message number 010" not in second
    assert len(ids) == 60
    assert client.get("/admin/outbox?cursor=forged").status_code == 400


def test_a_failed_message_is_sent_again_once_and_the_retry_is_audited(client, login_as, db):
    [failed, sent] = add_messages(db, ("complaint", "failed", "PSER complaint text"),
                                  ("complaint", "sent", "already sent"))
    admin = login_as("admin")
    client.get("/lang/en")
    client.get("/admin/outbox?state=failed")
    response = client.post("/admin/outbox/retry", data={"message_id": [str(failed), str(sent)], "state": "failed"})
    assert response.status_code == 302 and "state=failed" in response.headers["Location"]
    db.expire_all()
    message = db.get(SmsMessage, failed)
    # The console backend took it at once: the job ran inline after the commit.
    assert message.status == "sent" and message.attempts == 1
    assert db.get(SmsMessage, sent).status == "sent"
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "sms.retry")).all()
    assert [(e.actor_id, e.outcome) for e in entries] == [(admin.id, str(failed))]
    # Asked again (a double click, a replayed form): nothing moves, nothing more is audited.
    again = client.post("/admin/outbox/retry", data={"message_id": str(failed)}, htmx=True)
    assert again.status_code == 200 and "Nothing to send again" in again.get_data(as_text=True)
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "sms.retry")).all()) == 1


def test_a_retry_waits_for_the_sending_job_when_the_gateway_is_down(app, client, login_as, db, monkeypatch):
    from app.services import sms_delivery

    class Down:
        name = "down"

        def send(self, sms):
            raise ConnectionError("gateway down")

    monkeypatch.setitem(sms_delivery.BACKENDS, "down", Down())
    monkeypatch.setitem(app.config, "SMS_BACKEND", "down")
    monkeypatch.setitem(app.config, "SMS_RETRY_SECONDS", 3600)
    [failed] = add_messages(db, ("complaint", "failed", "PSER complaint text"))
    login_as("admin")
    client.get("/lang/en")
    client.get("/admin/outbox")
    client.post("/admin/outbox/retry", data={"message_id": str(failed)})
    db.expire_all()
    message = db.get(SmsMessage, failed)
    assert (message.status, message.attempts) == ("queued", 1)  # tried once more, waiting for the next try
    assert "gateway down" in message.last_error
    assert db.scalars(select(BackgroundJob.kind)).all()[0] == "sms.send"


def test_a_code_whose_text_was_removed_cannot_be_sent_again(client, login_as, db):
    [gone] = add_messages(db, ("verify_mobile", "failed", ""))
    login_as("admin")
    client.get("/lang/en")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Send again" not in page and "removed" in page
    client.post("/admin/outbox/retry", data={"message_id": str(gone)})
    db.expire_all()
    assert db.get(SmsMessage, gone).status == "failed"


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999", ""])
def test_a_retry_of_a_message_that_does_not_exist_changes_nothing(client, login_as, value):
    login_as("admin")
    client.get("/lang/en")
    client.get("/admin/outbox")
    assert client.post("/admin/outbox/retry", data={"message_id": value}).status_code == 302


def test_the_outbox_reads_in_urdu(client, login_as, db):
    add_messages(db, ("sms_reply", "failed", "x"))
    login_as("admin")
    client.get("/lang/ur")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert 'dir="rtl"' in page and "ایس ایم ایس" in page
