"""The SMS outbox is sent by a job: after the commit, through a backend, with retries at doubling pauses,
ending `failed` after the last try, and never handing a message over twice."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.jobs import enqueue
from app.models import BackgroundJob, SmsMessage
from app.services import sms_delivery
from app.services.sms import send_sms


class FlakyBackend:
    """A gateway that refuses the first `failures` hand-overs, then accepts; it remembers what it accepted."""

    name = "flaky"

    def __init__(self, failures: int):
        self.failures, self.accepted, self.calls = failures, [], 0

    def send(self, sms):
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("gateway timed out")
        self.accepted.append(sms.id)


@pytest.fixture
def gateway(app, monkeypatch):
    def install(failures: int, *, retry_seconds: int = 0, max_attempts: int = 5) -> FlakyBackend:
        backend = FlakyBackend(failures)
        monkeypatch.setitem(sms_delivery.BACKENDS, "flaky", backend)
        monkeypatch.setitem(app.config, "SMS_BACKEND", "flaky")
        monkeypatch.setitem(app.config, "SMS_RETRY_SECONDS", retry_seconds)
        monkeypatch.setitem(app.config, "SMS_MAX_ATTEMPTS", max_attempts)
        return backend

    return install


def queue_sms(app, db, *bodies: str) -> list[int]:
    with app.app_context():
        messages = [send_sms(db, "03001234567", body, "test", backend=app.config["SMS_BACKEND"]) for body in bodies]
        db.flush()
        ids = [m.id for m in messages]
        db.commit()
    db.expire_all()
    return ids


def test_a_message_is_handed_over_by_a_job_after_the_commit(app, db, gateway):
    backend = gateway(failures=0)
    ids = queue_sms(app, db, "first", "second")
    assert backend.accepted == ids
    assert [m.status for m in db.scalars(select(SmsMessage).order_by(SmsMessage.id))] == ["sent", "sent"]
    jobs = db.scalars(select(BackgroundJob)).all()
    assert [(j.kind, j.state, j.result["sent"]) for j in jobs] == [("sms.send", "done", 2)]  # one job per commit


def test_a_refused_message_is_retried_until_the_gateway_takes_it(app, db, gateway):
    backend = gateway(failures=2, retry_seconds=0)
    [message_id] = queue_sms(app, db, "hello")
    message = db.get(SmsMessage, message_id)
    assert (message.status, message.attempts, backend.accepted) == ("sent", 3, [message_id])


def test_a_message_refused_every_time_ends_failed_after_the_last_try(app, db, gateway):
    backend = gateway(failures=99, retry_seconds=0, max_attempts=3)
    [message_id] = queue_sms(app, db, "hello")
    message = db.get(SmsMessage, message_id)
    assert (message.status, message.attempts, backend.calls) == ("failed", 3, 3)
    assert "gateway timed out" in message.last_error
    assert db.scalars(select(BackgroundJob.result)).one() == {"sent": 0, "retrying": 2, "failed": 1}


def test_pauses_between_tries_double_and_a_message_waits_for_its_turn(app, db, gateway):
    gateway(failures=99, retry_seconds=30, max_attempts=4)
    [message_id] = queue_sms(app, db, "hello")  # the first try fails: next in 30 seconds
    message = db.get(SmsMessage, message_id)
    first = message.last_attempt_at
    assert message.status == "queued"
    assert timedelta(seconds=30) <= message.next_attempt_at - first < timedelta(seconds=31)
    pauses = []
    for minutes in (1, 2):  # later runs of the job, each once the message is due
        now = first + timedelta(minutes=minutes, seconds=30 * minutes)
        assert sms_delivery.claim_due(db, now=now - timedelta(minutes=5), backend="flaky") == []  # not yet due
        claimed = sms_delivery.claim_due(db, now=now, backend="flaky")
        assert [s.id for s in claimed] == [message_id]
        sms_delivery.record_failure(db, message_id, "refused", now=now, max_attempts=4, retry_seconds=30)
        pauses.append(db.get(SmsMessage, message_id).next_attempt_at - now)
    assert pauses == [timedelta(seconds=60), timedelta(seconds=120)]


def test_a_message_interrupted_during_hand_over_is_never_sent_again(app, db, gateway):
    backend = gateway(failures=0)
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    db.add(SmsMessage(to_mobile="03001234567", body="maybe sent", purpose="test", backend="flaky",
                      status="sending", attempts=1, last_attempt_at=long_ago))
    db.commit()
    with app.app_context():
        enqueue(db, "sms.send")
        db.commit()
    db.expire_all()
    message = db.scalars(select(SmsMessage)).one()
    assert backend.calls == 0
    assert message.status == "failed" and "not sent again" in message.last_error


def test_with_the_outbox_backend_messages_wait_for_the_gateway(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "outbox")
    queue_sms(app, db, "for the gateway")
    assert db.scalars(select(SmsMessage.status)).one() == "queued"
    assert db.scalars(select(BackgroundJob.state)).one() == "done"


@pytest.mark.postgres
def test_two_senders_at_once_share_the_outbox_without_overlap(app, db, is_postgres):
    if not is_postgres:
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer at a time")
    db.add_all([SmsMessage(to_mobile="03001234567", body=str(i), purpose="test", backend="", status="queued")
                for i in range(40)])
    db.commit()
    with app.app_context():
        from app.extensions import db as flask_db

        engine = flask_db.engine
    claimed: list[list[int]] = []
    barrier = threading.Barrier(2)

    def sender():
        with Session(engine) as session:
            barrier.wait()
            batch = sms_delivery.claim_due(session, now=datetime.now(UTC), backend="console", limit=25)
            claimed.append([s.id for s in batch])
            barrier.wait()  # both hold their claims before either commits
            session.commit()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = claimed
    assert set(first).isdisjoint(second) and len(first) + len(second) == 40


def test_a_gateway_down_at_sign_up_loses_neither_the_account_nor_its_code(app, client, db, gateway, monkeypatch):
    from app.models import User
    from tests.conftest import outbox_codes
    from tests.helpers import valid_registration

    backend = gateway(failures=99, retry_seconds=3600, max_attempts=5)
    client.get("/register")
    assert client.post("/register", data=valid_registration()).status_code == 302
    account = db.scalars(select(User)).one()  # the sign-up stands though the gateway refused the message
    message = db.scalars(select(SmsMessage)).one()
    assert (message.status, message.attempts, message.next_attempt_at is not None) == ("queued", 1, True)
    assert "gateway timed out" in message.last_error
    # The gateway is back and the hour has passed: the next sending job (here another citizen's message;
    # with RQ, the retry the job planned) takes the waiting message too.
    backend.failures = 0
    db.execute(SmsMessage.__table__.update().values(next_attempt_at=datetime(2000, 1, 1, tzinfo=UTC)))
    db.commit()
    [other] = queue_sms(app, db, "another citizen's message")
    message = db.get(SmsMessage, message.id)
    assert (message.status, message.attempts, sorted(backend.accepted)) == ("sent", 2, [message.id, other])
    code = outbox_codes(app, account.mobile)[-1]
    client.get("/verify")
    assert client.post("/verify", data={"code": code}).status_code == 302
    db.expire_all()
    assert db.get(User, account.id).mobile_verified_at is not None


def test_a_gateway_down_when_a_complaint_is_filed_loses_neither_the_complaint_nor_its_message(app, client, db,
                                                                                             gateway):
    from app.models import Complaint
    from tests.complaint_helpers import file_complaint

    gateway(failures=99, retry_seconds=3600)
    tracking = file_complaint(client)
    assert db.scalars(select(Complaint.tracking_no)).one() == tracking
    message = db.scalars(select(SmsMessage)).one()
    assert (message.status, tracking in message.body, "gateway timed out" in message.last_error) == (
        "queued", True, True)
