"""Removing what has served its purpose: old replay keys, used or expired codes, closed sessions."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from ..models import IdempotentRequest, LoginSession, LoginThrottle, OtpChallenge
from ..models.base import utcnow


def clean_up(session: Session, *, now: datetime | None = None, replay_days: int = 7,
             session_days: int = 30) -> dict[str, int]:
    """A replay of a save older than a week is no retry any more; codes and sessions long closed are noise."""
    now = now or utcnow()
    removed = {
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
