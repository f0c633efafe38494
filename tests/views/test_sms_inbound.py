"""Status and complaints by SMS, tried as a feature-phone user and as the SMS gateway would: signed requests
to POST /sms/inbound, one short reply in the outbox, limits per number and per CNIC, no reply loops."""
from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app.domain.household_status import HouseholdStatus
from app.domain.sms_commands import fits_one_sms, sms_units
from app.models import AuditEntry, Complaint, Household, SmsMessage
from app.services import sms_inbound
from app.services.notifier import SmsNotifier
from tests.factories import make_user

SECRET = "test-inbound-secret-0123456789-abcdefghij"
SENDER = "03001234567"


@pytest.fixture
def inbound(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_INBOUND_ENABLED", True)
    monkeypatch.setitem(app.config, "SMS_INBOUND_SECRET", SECRET)
    client = app.test_client()

    def send(text: str, sender: str = SENDER, *, secret: str | None = SECRET, signature: str | None = None):
        body = urlencode({"from": sender, "text": text}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature is not None:
            headers["X-PSER-Signature"] = signature
        elif secret is not None:
            headers["X-PSER-Signature"] = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return client.post("/sms/inbound", data=body, headers=headers)

    return send


def replies(db, mobile: str = SENDER) -> list[SmsMessage]:
    db.expire_all()
    return list(db.scalars(select(SmsMessage).where(SmsMessage.to_mobile == mobile).order_by(SmsMessage.id)))


def citizen(db, *, status: str = HouseholdStatus.REGISTERED, cnic: str = "35202-1234567-1",
            name: str = "Muhammad Ali Khan", mobile: str = "03111111111"):
    user = make_user(db, cnic=cnic, name=name, mobile=mobile)
    user.household.status = status
    db.commit()
    return user


# --- the gateway's signature ----------------------------------------------------------------------

def test_an_unsigned_or_wrongly_signed_message_is_refused_without_detail(inbound, db):
    for response in (inbound("3520212345671", secret=None), inbound("3520212345671", secret="another-secret"),
                     inbound("3520212345671", signature="zz")):
        assert response.status_code == 403
        assert b"signature" not in response.data.lower() and b"secret" not in response.data.lower()
    assert replies(db) == []
    assert db.scalars(select(AuditEntry)).all() == []


def test_without_a_configured_secret_the_endpoint_refuses_to_work_and_switched_off_it_is_not_there(app, inbound, monkeypatch, db):
    monkeypatch.setitem(app.config, "SMS_INBOUND_SECRET", "")
    assert inbound("3520212345671", secret="").status_code == 503
    monkeypatch.setitem(app.config, "SMS_INBOUND_SECRET", SECRET)
    monkeypatch.setitem(app.config, "SMS_INBOUND_ENABLED", False)
    assert inbound("3520212345671").status_code == 404  # not switched on: as if there were no such address
    assert replies(db) == []


def test_the_gateway_needs_no_csrf_token_but_the_input_guard_still_applies(inbound, db):
    assert inbound("3520212345671").status_code == 200
    assert inbound("35202\x0012345671").status_code == 400  # a NUL in a field, as on every other form


def test_a_body_over_the_size_limit_is_refused(inbound):
    assert inbound("x" * 70_000).status_code == 413


# --- status ---------------------------------------------------------------------------------------

def test_a_cnic_with_urdu_digits_and_a_keyword_gets_the_stage_in_one_urdu_sms_without_the_name(inbound, db):
    citizen(db)
    response = inbound("حیثیت ۳۵۲۰۲-۱۲۳۴۵۶۷-۱")
    assert response.status_code == 200 and response.json == {"status": "accepted", "replied": True}
    [reply] = replies(db)
    assert reply.body == "اندراج ہو گیا۔ سروے ٹیم آپ کے علاقے میں آئے گی، پہلے SMS ملے گا۔"
    assert reply.purpose == "sms_reply" and fits_one_sms(reply.body)
    for detail in ("Muhammad", "M***", "Ali", "35202", "1234567", "03111111111"):
        assert detail not in reply.body


def test_status_asked_in_english_is_answered_in_english(inbound, db):
    citizen(db, status=HouseholdStatus.VERIFIED)
    inbound("STATUS 3520212345671")
    [reply] = replies(db)
    assert reply.body.startswith("PSER: verified.") and sms_units(reply.body)[0] == "gsm7"


def test_an_unknown_cnic_is_told_how_to_register(inbound, db):
    inbound("3520212345671")
    assert replies(db)[0].body == "اس شناختی کارڈ پر کوئی اندراج نہیں ملا۔ پورٹل پر رجسٹر کریں۔"


def test_the_sms_answer_says_what_the_web_lookup_says(app, inbound, db, client):
    """The same stage for the same CNIC, whichever the door."""
    from app.stage_texts import STAGE_NAMES

    for number, status in enumerate(HouseholdStatus):
        cnic = f"35202-765432{number}-1"
        citizen(db, status=status, cnic=cnic, mobile=f"0312000000{number}")
        client.get("/lang/en")
        page = client.post("/status", data={"cnic": cnic}).get_data(as_text=True)
        assert str(STAGE_NAMES[status]) in page
        sender = f"0345000000{number}"
        inbound(f"STATUS {cnic}", sender=sender)
        [reply] = replies(db, sender)
        assert reply.body == sms_inbound.STAGE_REPLIES[status]


def test_every_sms_lookup_is_audited_like_the_web_one_with_its_channel(inbound, db, client):
    citizen(db)
    inbound("3520212345671")
    client.post("/status", data={"cnic": "35202-1234567-1"})
    web, sms = sorted(db.scalars(select(AuditEntry).where(AuditEntry.action == "status_lookup")).all(),
                      key=lambda e: e.detail is not None)
    assert (sms.action, sms.cnic_masked, sms.outcome) == (web.action, web.cnic_masked, web.outcome)
    assert sms.cnic_hash == web.cnic_hash and sms.detail == {"channel": "sms"} and web.detail is None
    assert sms.ip_hash and SENDER not in str(sms.ip_hash)


def test_a_cnic_with_a_digit_too_many_gets_a_short_check_the_number_reply(inbound, db):
    inbound("35202123456712")
    [reply] = replies(db)
    assert reply.body == "شناختی کارڈ نمبر چیک کریں: اس میں 13 ہندسے ہوتے ہیں۔"
    assert db.scalars(select(AuditEntry)).all() == []  # nothing was looked up


# --- limits and loops -----------------------------------------------------------------------------

def test_a_number_may_ask_about_five_cnics_a_day_and_then_hears_once_that_it_is_limited(app, inbound, db,
                                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "SMS_FLOOD_LIMIT", "100 per minute")
    for n in range(7):
        inbound(f"35202-111111{n}-1")
    inbound("35202-1111115-1")  # a refused CNIC asked again is still refused: it never became "asked"
    bodies = [m.body for m in replies(db)]
    assert len(bodies) == 6  # five answers, then the notice once; the seventh ask gets nothing
    assert bodies[5] == "اس نمبر یا شناختی کارڈ سے بہت درخواستیں آئیں۔ بعد میں کوشش کریں۔"
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "status_lookup")).all()) == 5


def test_asking_again_about_the_same_cnic_does_not_use_up_the_numbers_daily_cnics(app, inbound, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_CNIC_LIMIT", "100 per hour")
    monkeypatch.setitem(app.config, "SMS_FLOOD_LIMIT", "100 per minute")
    for _ in range(3):
        inbound("35202-1111110-1")
    for n in range(1, 5):
        inbound(f"35202-111111{n}-1")
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "status_lookup")).all()) == 7


def test_a_cnic_may_be_asked_about_three_times_an_hour_whatever_the_number(inbound, db):
    for n in range(4):
        inbound("3520212345671", sender=f"0300000000{n}")
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "status_lookup")).all()) == 3
    assert replies(db, "03000000003")[0].body.startswith("اس نمبر یا شناختی کارڈ سے بہت")


def test_garbage_gets_the_help_message_once_per_number_per_day(inbound, db):
    # four messages: under the flood limit, so the silence after the first is the once-a-day rule
    for text in ("hello", "", "x" * 1999, "what?"):
        assert inbound(text).status_code == 200
    [reply] = replies(db)
    assert reply.body.startswith("PSER: for your status send your 13-digit CNIC")  # asked in English first


def test_a_shortcode_or_a_named_sender_is_never_answered(inbound, db):
    for sender in ("8171", "JAZZ", "Telenor-Info", "", "+447700900123"):
        assert inbound("3520212345671", sender=sender).json == {"status": "accepted", "replied": False}
    assert db.scalars(select(SmsMessage)).all() == []
    assert db.scalars(select(AuditEntry)).all() == []


def test_a_number_flooding_the_channel_stops_being_answered(inbound, db):
    for n in range(12):
        inbound(f"35202123456{n:02d}")  # a stream of typos, as a looping machine would send
    assert len(replies(db)) == 5  # SMS_FLOOD_LIMIT: 5 per minute, then silence


def test_a_number_gets_at_most_its_daily_replies(app, inbound, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_FLOOD_LIMIT", "1000 per minute")
    for n in range(30):
        inbound("3520212345")  # a typo each time
    assert len(replies(db)) == 20  # SMS_REPLY_LIMIT


def test_past_its_daily_replies_a_number_gets_no_lookup_at_all(app, inbound, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_REPLY_LIMIT", "2 per day")
    for n in range(3):
        inbound(f"35202-333333{n}-1")
    assert len(replies(db)) == 2
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "status_lookup")).all()) == 2


def test_limits_still_hold_when_the_limit_storage_fails_mid_message(monkeypatch, inbound, db):
    """The counters live in the web's limiter storage (Redis when configured); if it stops answering in the
    middle of a message, counting goes on in this process's memory."""
    import app.sms.limits as sms_limits

    class Broken:
        storage = object()  # not the memory storage: as if Redis were configured and up a moment ago

        def hit(self, *a, **k):
            raise ConnectionError("redis down")

        test = hit

    class BrokenLimiter:
        limiter = Broken()

    monkeypatch.setattr(sms_limits, "limiter", BrokenLimiter())
    monkeypatch.setattr(sms_limits, "counted_in_memory", lambda: False)
    for n in range(7):
        assert inbound(f"35202-222222{n}-1", sender="03009999999").status_code == 200
    assert len(replies(db, "03009999999")) == 5  # still 5 per minute per number, counted in this process


# --- complaints -----------------------------------------------------------------------------------

def test_a_complaint_by_sms_is_filed_and_its_tracking_number_sent_back_in_one_sms(inbound, db):
    inbound("شکایت ۳۵۲۰۲-۱۲۳۴۵۶۷-۱ سروے ٹیم ہمارے محلے میں ابھی تک نہیں آئی")
    complaint = db.scalars(select(Complaint)).one()
    assert (complaint.cnic, complaint.mobile, complaint.category) == ("35202-1234567-1", SENDER, "other")
    assert complaint.description == "سروے ٹیم ہمارے محلے میں ابھی تک نہیں آئی"
    [reply] = replies(db)
    assert complaint.tracking_no in reply.body and fits_one_sms(reply.body)
    assert reply.body.startswith("شکایت درج ہو گئی")


def test_an_english_complaint_is_confirmed_in_english(inbound, db):
    inbound("COMPLAINT 35202-1234567-1 The survey team never came to our street")
    complaint = db.scalars(select(Complaint)).one()
    [reply] = replies(db)
    assert reply.body == f"PSER: complaint registered. Tracking number {complaint.tracking_no}."


def test_a_complaint_too_short_or_without_cnic_is_told_the_format(inbound, db):
    inbound("COMPLAINT 35202-1234567-1 no visit")
    inbound("COMPLAINT the team never came to our street")
    assert db.scalars(select(Complaint)).all() == []
    assert [m.body for m in replies(db)] == [sms_inbound.COMPLAINT_FORMAT] * 2


def test_too_many_open_complaints_are_refused_by_sms_as_on_the_web(app, inbound, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_COMPLAINT_LIMIT", "10 per day")
    for n in range(4):
        inbound(f"COMPLAINT 35202-1234567-1 Complaint number {n}: the survey team did not come")
    assert len(db.scalars(select(Complaint)).all()) == 3
    assert replies(db)[-1].body == sms_inbound.TOO_MANY_OPEN


# --- every reply fits one SMS ---------------------------------------------------------------------

@pytest.mark.parametrize("language", ["ur", "en"])
def test_every_possible_reply_fits_one_sms_in_both_languages(app, language):
    notifier = SmsNotifier("console", app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"))
    longest_tracking = "PSER-C-2026-999999999"
    texts = {message: notifier.translate(message, language, **({"tracking": longest_tracking}
                                                              if "%(tracking)s" in message else {}))
             for message in sms_inbound.ALL_REPLIES}
    assert set(sms_inbound.STAGE_REPLIES) == {*HouseholdStatus, "unverified"}
    for message, text in texts.items():
        encoding, units = sms_units(text)
        if language == "ur":
            assert text != message, f"no Urdu for {message!r}"
            assert encoding == "ucs2" and units <= 70, (units, text)
        else:
            assert encoding == "gsm7" and units <= 160, (units, text)
