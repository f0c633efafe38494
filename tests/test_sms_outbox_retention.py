"""`clean-up` leaves no working code and no old full number in the SMS outbox: a code's hash goes once it is
used or expired, the text of a message that may carry a code goes once it was handed over or its code
expired, and a message delivered longer ago than SMS_RETENTION_DAYS keeps only a masked number."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import OtpChallenge, SmsMessage, User
from app.models.base import utcnow
from tests.complaint_helpers import file_complaint
from tests.conftest import outbox_codes
from tests.helpers import valid_registration

MOBILE = "03451239876"


def _clean_up(app) -> str:
    result = app.test_cli_runner().invoke(args=["clean-up"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_used_code_leaves_neither_its_hash_nor_its_text_behind(app, client, db):
    client.get("/register")
    assert client.post("/register", data=valid_registration(mobile=MOBILE)).status_code == 302
    [code] = outbox_codes(app, MOBILE)
    client.get("/verify")
    assert client.post("/verify", data={"code": code}).status_code == 302
    file_complaint(client, mobile=MOBILE)
    output = _clean_up(app)
    assert "used or expired codes: 1 removed" in output and "code messages: 1 removed" in output
    db.expire_all()
    assert db.scalars(select(OtpChallenge.code_hash)).all() == [""]
    bodies = dict(db.execute(select(SmsMessage.purpose, SmsMessage.body)).tuples().all())
    assert bodies["verify_mobile"] == "" and "PSER-C-" in bodies["complaint"]  # a tracking number is no secret
    assert db.scalars(select(User.mobile_verified_at)).one() is not None


def test_a_code_still_waiting_to_be_used_or_sent_is_kept(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "outbox")  # a gateway outside the portal collects it
    client.get("/register")
    assert client.post("/register", data=valid_registration(mobile=MOBILE)).status_code == 302
    _clean_up(app)
    db.expire_all()
    assert db.scalars(select(OtpChallenge.code_hash)).one() != ""
    assert outbox_codes(app, MOBILE) != []  # still queued, its code still valid: the citizen needs it
    # Ten minutes on, the code has expired: the message is never sent, and its text is gone.
    db.execute(SmsMessage.__table__.update().values(created_at=utcnow() - timedelta(minutes=11)))
    db.execute(OtpChallenge.__table__.update().values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    _clean_up(app)
    db.expire_all()
    message = db.scalars(select(SmsMessage)).one()
    assert (message.status, message.body, db.scalars(select(OtpChallenge.code_hash)).one()) == ("failed", "", "")


def test_delivered_messages_keep_a_full_number_only_for_the_retention_period(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_RETENTION_DAYS", 30)
    file_complaint(client, mobile=MOBILE)
    file_complaint(client, mobile="03001234567")
    old, recent = db.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()
    db.execute(SmsMessage.__table__.update().where(SmsMessage.id == old.id)
               .values(created_at=utcnow() - timedelta(days=31)))
    db.commit()
    assert "sms numbers masked: 1" in _clean_up(app)
    assert "sms numbers masked: 0" in _clean_up(app)  # masked once, not again
    db.expire_all()
    assert [m.to_mobile for m in db.scalars(select(SmsMessage).order_by(SmsMessage.id))] == ["0345*****76",
                                                                                         "03001234567"]
