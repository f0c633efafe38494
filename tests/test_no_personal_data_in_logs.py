"""No log line carries a CNIC, a mobile number, a one-time code, a password hash or an answer: a run that
provokes database errors and server errors, with every logger (SQL included) at its most talkative, is
grepped for the values it used."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from app.models import SmsMessage, User
from app.services import complaints as complaint_service
from tests.complaint_helpers import COMPLAINT, file_complaint
from tests.helpers import valid_registration

CNIC, MOBILE = "35202-7654321-3", "03451239876"
DIGITS_OF = {CNIC: "3520276543213", MOBILE: "3451239876"}  # also without dashes or the leading 0


def _leaks(text: str, *values: str) -> list[str]:
    found = [value for value in values if value and value in text]
    found += [value for value in values if value in DIGITS_OF and DIGITS_OF[value] in text]
    return found


def test_a_database_error_during_a_request_logs_no_bound_personal_data(app, client, db, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements logged: parameters must be hidden
    client.get("/register")
    assert client.post("/register", data=valid_registration(cnic=CNIC, mobile=MOBILE)).status_code == 302
    account = db.scalars(select(User).where(User.cnic == CNIC)).one()
    password_hash = account.password_hash
    original = complaint_service.file_complaint

    def file_then_break(session, ctx, **kw):
        complaint = original(session, ctx, **kw)
        # A second account with the same CNIC: the unique index refuses it with every column bound.
        session.add(User(role="citizen", cnic=CNIC, full_name="Muhammad Ali Khan", mobile=MOBILE,
                         password_hash=password_hash))
        session.flush()
        return complaint

    monkeypatch.setattr(complaint_service, "file_complaint", file_then_break)
    html = client.get("/complaints/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    response = client.post("/complaints/new", data={**COMPLAINT, "cnic": CNIC, "mobile": MOBILE,
                                                    "idempotency_key": key})
    assert response.status_code == 500
    assert "IntegrityError" in caplog.text  # the error was logged, only without its values
    assert _leaks(caplog.text, CNIC, MOBILE, password_hash, "Muhammad Ali Khan") == []


def test_codes_and_full_numbers_stay_out_of_the_log_when_sms_are_handed_to_the_console(app, client, db, caplog,
                                                                                       capsys):
    caplog.set_level(logging.DEBUG)
    client.get("/register")
    assert client.post("/register", data=valid_registration(cnic=CNIC, mobile=MOBILE)).status_code == 302
    file_complaint(client, cnic=CNIC, mobile=MOBILE)
    bodies = db.scalars(select(SmsMessage.body).where(SmsMessage.to_mobile == MOBILE)).all()
    code = next(m.group(0) for body in bodies if (m := re.search(r"\b\d{6}\b", body)))
    assert db.scalars(select(SmsMessage.status)).all() == ["sent", "sent"]  # both went through the console
    assert "handed to the console" in caplog.text
    assert _leaks(caplog.text, CNIC, MOBILE, code) == []
    # The developer's terminal shows the code (PSER_ENV is development here) but never the whole number.
    printed = capsys.readouterr().out
    assert code in printed and MOBILE not in printed and "0345*****76" in printed


def test_the_console_prints_nothing_outside_development(app, client, db, capsys, monkeypatch):
    monkeypatch.setenv("PSER_ENV", "staging")
    client.get("/register")
    assert client.post("/register", data=valid_registration(cnic=CNIC, mobile=MOBILE)).status_code == 302
    assert db.scalars(select(SmsMessage.status)).all() == ["sent"]
    assert "[SMS to" not in capsys.readouterr().out


@pytest.mark.parametrize("line", [
    'DETAIL:  Key (cnic)=(35202-7654321-3) already exists.',
    'DETAIL:  Failing row contains (7, 35202-7654321-3, Muhammad Ali Khan, citizen, pbkdf2:sha256:600000$ab$cd).',
    "password_hash='scrypt:32768:8:1$salt$0123abcd' mobile='+923451239876' cnic 3520276543213",
    "SMS for 0345-1239876 and 923451239876",
])
def test_the_last_guard_masks_what_a_server_quotes_in_its_error_text(line):
    from app.log_privacy import redact

    assert _leaks(redact(line), CNIC, MOBILE, "Muhammad Ali Khan", "0123abcd", "1239876") == []


def test_tracking_numbers_and_masked_values_read_the_same_after_the_guard():
    from app.log_privacy import redact

    line = "complaint PSER-C-2026-000123 for 35202-*****21-3 at 0345*****76, job 42 took 0.25 s"
    assert redact(line) == line
