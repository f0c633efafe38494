"""The notifier writes to citizens in their language with the portal's own catalogues, without Flask, and
queues the message in the caller's transaction."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.models import SmsMessage
from app.services import complaints, otp
from app.services.context import ServiceContext
from app.services.notifier import SmsNotifier


def test_a_code_is_written_in_urdu_or_english_as_the_reader_chose(app):
    notifier = ServiceContext.from_config(app.config).notifier
    assert isinstance(notifier, SmsNotifier)
    urdu = notifier.translate(otp.CODE_SMS, "ur", code="123456", minutes=10)
    english = notifier.translate(otp.CODE_SMS, "en", code="123456", minutes=10)
    assert english == "PSER code: 123456. Valid for 10 minutes. Do not share it."
    assert "123456" in urdu and "10" in urdu and re.search(r"[\u0600-\u06FF]", urdu)


def test_every_message_a_service_sends_has_an_urdu_text(app):
    notifier = ServiceContext.from_config(app.config).notifier
    for message in [otp.CODE_SMS, complaints.FILED_SMS, complaints.REPLY_SMS, *complaints.STATE_SMS.values()]:
        assert notifier.translate(message, "ur") != message, message


def test_a_message_is_queued_in_the_outbox_of_the_callers_transaction(app, db):
    notifier = ServiceContext.from_config(app.config).notifier
    notifier.send_sms(db, "03001234567", complaints.FILED_SMS, locale="ur", purpose="complaint",
                      tracking="PSER-C-2026-000001")
    [message] = db.scalars(select(SmsMessage)).all()
    assert "PSER-C-2026-000001" in message.body and message.purpose == "complaint"
    db.rollback()
    assert db.scalars(select(SmsMessage)).all() == []
