"""One-time codes for verifying a mobile: 6 digits, 10 minutes, 5 tries, resend after a cool-down."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import OtpChallenge, User
from .context import N_, ServiceContext
from .privacy import token_hash

PURPOSE_VERIFY = "verify_mobile"
PURPOSE_SIGN_IN = "sign_in"  # the second step after many wrong passwords (services.auth)
# Short enough for one Urdu SMS (70 characters in UCS-2).
CODE_SMS = N_("PSER code: %(code)s. Valid for %(minutes)s minutes. Do not share it.")


def _settings(ctx: ServiceContext) -> tuple[int, int, int, int]:
    c = ctx.settings
    return c["OTP_TTL_SECONDS"], c["OTP_MAX_TRIES"], c["OTP_RESEND_COOLDOWN_SECONDS"], c["OTP_MAX_SENDS"]


def _code_hash(challenge_user_id: int, code: str) -> str:
    # Salted with the user so equal codes of two users never share a hash.
    return token_hash(f"{challenge_user_id}:{code}")


def _send(session: Session, ctx: ServiceContext, user: User, code: str, purpose: str = PURPOSE_VERIFY) -> None:
    ttl_minutes = _settings(ctx)[0] // 60
    ctx.notifier.send_sms(session, user.mobile, CODE_SMS, locale=user.locale or "ur", purpose=purpose,
                          code=code, minutes=ttl_minutes)


def current_challenge(session: Session, user_id: int, purpose: str = PURPOSE_VERIFY) -> OtpChallenge | None:
    return session.scalars(
        select(OtpChallenge)
        .where(OtpChallenge.user_id == user_id, OtpChallenge.purpose == purpose)
        .order_by(OtpChallenge.id.desc())
        .limit(1)
    ).first()


def issue_otp(session: Session, ctx: ServiceContext, user: User, purpose: str = PURPOSE_VERIFY) -> None:
    """A fresh code replaces any earlier one."""
    ttl, _, _, _ = _settings(ctx)
    code = f"{secrets.randbelow(10**6):06d}"
    now = ctx.now()
    session.add(
        OtpChallenge(
            user_id=user.id,
            purpose=purpose,
            code_hash=_code_hash(user.id, code),
            created_at=now,
            last_sent_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
    )
    _send(session, ctx, user, code, purpose)


@dataclass(frozen=True)
class ResendResult:
    sent: bool
    wait_seconds: int = 0
    exhausted: bool = False


def resend_otp(session: Session, ctx: ServiceContext, user: User, purpose: str = PURPOSE_VERIFY) -> ResendResult:
    _, _, cooldown, max_sends = _settings(ctx)
    # "Count, then send" is atomic only under a lock: the user's row, held until the request commits, makes
    # parallel resends of one account take turns, so each sees the code the one before it sent.
    _lock_user(session, user.id)
    challenge = current_challenge(session, user.id, purpose)
    now = ctx.now()
    if challenge is not None:
        waited = (now - challenge.last_sent_at).total_seconds()
        if waited < cooldown:
            return ResendResult(sent=False, wait_seconds=int(cooldown - waited) + 1)
        # Codes sent in the last day, across challenges: a cap on what one account can cost in SMS.
        if _sends_today(session, user.id, now) >= max_sends:
            return ResendResult(sent=False, exhausted=True)
    issue_otp(session, ctx, user, purpose)
    return ResendResult(sent=True)


def _lock_user(session: Session, user_id: int) -> None:
    # FOR UPDATE on PostgreSQL; SQLite has no row locks (it lets one writer at a time in any case).
    session.execute(select(User.id).where(User.id == user_id).with_for_update())


def _sends_today(session: Session, user_id: int, now: datetime) -> int:
    since = now - timedelta(days=1)
    rows = session.scalars(
        select(OtpChallenge.sends).where(OtpChallenge.user_id == user_id, OtpChallenge.created_at >= since)
    ).all()
    return sum(rows)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    reason: str = ""  # wrong, expired, locked, missing
    tries_left: int = 0


def _spend_try(session: Session, ctx: ServiceContext, challenge: OtpChallenge | None,
               expected_hash: str) -> tuple[str, int]:
    """Spend one try of `challenge` against the code's hash: ("", 0) when it matches, else the reason (missing,
    expired, locked, wrong) and the tries left. The try is counted in the database first, atomically, so
    parallel guesses cannot exceed the limit; it is kept by the caller's transaction whatever the answer."""
    _, max_tries, _, _ = _settings(ctx)
    if challenge is None or challenge.consumed_at is not None:
        return "missing", 0
    if challenge.expires_at <= ctx.now():
        return "expired", 0
    counted = session.execute(
        update(OtpChallenge)
        .where(OtpChallenge.id == challenge.id, OtpChallenge.attempts < max_tries,
               OtpChallenge.consumed_at.is_(None))
        .values(attempts=OtpChallenge.attempts + 1)
    ).rowcount
    if not counted:
        return "locked", 0
    session.refresh(challenge)
    if not secrets.compare_digest(challenge.code_hash, expected_hash):
        left = max(0, max_tries - challenge.attempts)
        return ("wrong" if left else "locked"), left
    return "", 0


def verify_otp(session: Session, ctx: ServiceContext, user: User, code: str,
               purpose: str = PURPOSE_VERIFY) -> VerifyResult:
    """Check a code; a correct one activates the account (a sign-in code proves the mobile as well). The try counts in the caller's transaction, which
    commits it whatever the answer (a wrong code is a refusal, not an error)."""
    challenge = current_challenge(session, user.id, purpose)
    reason, left = _spend_try(session, ctx, challenge, _code_hash(user.id, code))
    if reason:
        return VerifyResult(ok=False, reason=reason, tries_left=left)
    now = ctx.now()
    challenge.consumed_at = now
    user.mobile_verified_at = user.mobile_verified_at or now
    return VerifyResult(ok=True)


# --- codes for the account's other flows: a forgotten password and a change of mobile --------------------

PURPOSE_RESET = "reset_password"
PURPOSE_CHANGE_MOBILE = "change_mobile"
RESET_SMS = N_("PSER password reset code: %(code)s. Valid %(minutes)s minutes. Do not share it.")
CHANGE_MOBILE_SMS = N_("PSER code to confirm this number: %(code)s. Valid %(minutes)s minutes.")


def _purpose_hash(user_id: int, purpose: str, code: str) -> str:
    # The verification code keeps its hash (verify_otp reads it); the others carry their purpose too, so a code
    # sent for one flow can never be spent on another.
    return _code_hash(user_id, code) if purpose == PURPOSE_VERIFY else token_hash(f"{user_id}:{purpose}:{code}")


def latest_challenge(session: Session, user_id: int, purpose: str) -> OtpChallenge | None:
    return current_challenge(session, user_id, purpose)


def live_challenge(session: Session, ctx: ServiceContext, user_id: int, purpose: str = PURPOSE_VERIFY) -> OtpChallenge | None:
    """The code of `purpose` that can still be used: not spent, not expired, tries left."""
    _, max_tries, _, _ = _settings(ctx)
    challenge = latest_challenge(session, user_id, purpose)
    if (challenge is None or challenge.consumed_at is not None or challenge.expires_at <= ctx.now()
            or challenge.attempts >= max_tries):
        return None
    return challenge


def send_code(session: Session, ctx: ServiceContext, user: User, purpose: str, *, to_mobile: str | None = None,
              message: str | None = None, cooldown: bool = True) -> ResendResult:
    """A fresh code of `purpose` to `to_mobile` (else the account's number), replacing any earlier one.
    Refused inside the cool-down (per purpose and number) and past the day's cap of codes, which counts every
    purpose: what one account can cost in SMS is bounded whatever flow is used."""
    ttl, _, cooldown_seconds, max_sends = _settings(ctx)
    # One sender per account at a time (a row lock on PostgreSQL), so parallel requests cannot slip past the cap.
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    now = ctx.now()
    latest = latest_challenge(session, user.id, purpose)
    destination = to_mobile or user.mobile
    if cooldown and latest is not None and latest.target_mobile == to_mobile:
        waited = (now - latest.last_sent_at).total_seconds()
        if waited < cooldown_seconds:
            return ResendResult(sent=False, wait_seconds=int(cooldown_seconds - waited) + 1)
    if _sends_today(session, user.id, now) >= max_sends:
        return ResendResult(sent=False, exhausted=True)
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        OtpChallenge(
            user_id=user.id,
            purpose=purpose,
            code_hash=_purpose_hash(user.id, purpose, code),
            created_at=now,
            last_sent_at=now,
            expires_at=now + timedelta(seconds=ttl),
            target_mobile=to_mobile,
        )
    )
    ctx.notifier.send_sms(session, destination, message or CODE_SMS, locale=user.locale or "ur", purpose=purpose,
                          code=code, minutes=ttl // 60)
    return ResendResult(sent=True)


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    reason: str = ""  # wrong, expired, locked, missing
    tries_left: int = 0
    challenge: OtpChallenge | None = None


def check_code(session: Session, ctx: ServiceContext, user: User, purpose: str, code: str) -> CodeCheck:
    """Spend one try of the latest code of `purpose`; the right code is consumed. The caller acts on success."""
    challenge = latest_challenge(session, user.id, purpose)
    reason, left = _spend_try(session, ctx, challenge, _purpose_hash(user.id, purpose, code))
    if reason:
        return CodeCheck(ok=False, reason=reason, tries_left=left)
    now = ctx.now()
    # Consumed in one conditional UPDATE: two requests with the right code cannot both spend it.
    spent = session.execute(
        update(OtpChallenge).where(OtpChallenge.id == challenge.id, OtpChallenge.consumed_at.is_(None))
        .values(consumed_at=now)
    ).rowcount
    if not spent:
        return CodeCheck(ok=False, reason="missing")
    session.refresh(challenge)
    return CodeCheck(ok=True, challenge=challenge)
