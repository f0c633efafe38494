"""Removing what has served its purpose: old replay keys, used or expired codes (their hashes, and their
text in the SMS outbox), closed sessions, and the full numbers of messages past their retention."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, and_, delete, func, literal, or_, update
from sqlalchemy.orm import Session

from ..models import IdempotentRequest, LoginSession, LoginThrottle, OtpChallenge, SmsMessage
from ..models.base import utcnow

# Purposes of messages known to carry no code; every other message may carry one (verify_mobile, sign_in,
# reset_password, change_mobile, a staff member's one-time password, and any purpose added later), so its text
# is removed once it has served. A survey schedule's notice carries none, and may wait long in a district's queue;
# nor does an SMS reply (status by SMS).
PURPOSES_WITHOUT_CODE = ("complaint", "change_notice", "survey_schedule", "sms_reply")
MASK = "*****"


def _masked_mobile():
    """domain.mobile.mask_mobile in SQL: 03001234567 -> 0300*****67."""
    return (func.substr(SmsMessage.to_mobile, 1, 4, type_=String) + literal(MASK, String)
            + func.substr(SmsMessage.to_mobile, 10, 2, type_=String))


def forget_codes(session: Session, *, now: datetime, code_ttl_seconds: int) -> dict[str, int]:
    """A code used or expired is of no use to anyone: its hash is blanked (the challenge row stays, for the
    day's count of codes sent), and so is the text of every message that may carry a code once it was handed
    over, or once its code has expired (a message still queued then is never sent: its code is dead)."""
    expired_before = now - timedelta(seconds=code_ttl_seconds)
    codes = session.execute(
        update(OtpChallenge)
        .where(OtpChallenge.code_hash != "", or_(OtpChallenge.consumed_at.is_not(None), OtpChallenge.expires_at <= now))
        .values(code_hash="").execution_options(synchronize_session=False)).rowcount
    may_carry_code = and_(SmsMessage.purpose.not_in(PURPOSES_WITHOUT_CODE), SmsMessage.body != "")
    dead = session.execute(
        update(SmsMessage)
        .where(may_carry_code, SmsMessage.status == "queued", SmsMessage.created_at < expired_before)
        .values(status="failed", body="", last_error="the code expired before it was sent")
        .execution_options(synchronize_session=False)).rowcount
    texts = session.execute(
        update(SmsMessage)
        .where(may_carry_code, or_(SmsMessage.status.in_(["sent", "failed"]), SmsMessage.created_at < expired_before),
               SmsMessage.status != "sending")
        .values(body="").execution_options(synchronize_session=False)).rowcount
    return {"codes": codes, "texts": dead + texts}


def mask_old_numbers(session: Session, *, now: datetime, retention_days: int) -> int:
    """Messages delivered (or given up) longer ago than the retention period keep only a masked number."""
    before = now - timedelta(days=retention_days)
    return session.execute(
        update(SmsMessage)
        .where(SmsMessage.status.in_(["sent", "failed"]), SmsMessage.created_at < before,
               SmsMessage.to_mobile.not_like(f"%{MASK}%"))
        .values(to_mobile=_masked_mobile()).execution_options(synchronize_session=False)).rowcount


def clean_up(session: Session, *, now: datetime | None = None, replay_days: int = 7, session_days: int = 30,
             code_ttl_seconds: int = 600, sms_retention_days: int = 30) -> dict[str, int]:
    """A replay of a save older than a week is no retry any more; codes and sessions long closed are noise;
    a code's text and a full number kept past their use are a risk, never a help."""
    now = now or utcnow()
    forgotten = forget_codes(session, now=now, code_ttl_seconds=code_ttl_seconds)
    removed = {
        "used or expired codes": forgotten["codes"],
        "code messages": forgotten["texts"],
        "sms numbers masked": mask_old_numbers(session, now=now, retention_days=sms_retention_days),
        "replay keys": session.execute(
            delete(IdempotentRequest).where(IdempotentRequest.created_at < now - timedelta(days=replay_days))
        ).rowcount,
        "one-time codes": session.execute(
            delete(OtpChallenge).where(OtpChallenge.expires_at < now - timedelta(days=1))
        ).rowcount,
        # A window of wrong passwords ends after LOGIN_LOCK_SECONDS; a day later its row counts nothing.
        "sign-in counts": session.execute(
            delete(LoginThrottle).where(LoginThrottle.window_started_at < now - timedelta(days=1))
        ).rowcount,
        "sessions": session.execute(
            delete(LoginSession).where(
                or_(LoginSession.expires_at < now - timedelta(days=session_days),
                    LoginSession.revoked_at < now - timedelta(days=session_days))
            )
        ).rowcount,
    }
    return removed
