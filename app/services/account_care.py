"""The citizen's account care: a forgotten password, a wrongly typed number at sign-up, a change of mobile."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import User
from . import audit
from . import otp
from .auth import end_all_sessions
from .context import N_, ServiceContext
from .credentials import hash_password

# To the old number when someone asks to move the account to a new one.
CHANGE_NOTICE_SMS = N_("PSER: a new mobile number was asked for your account. Not you? Call %(helpline)s.")


def request_password_reset(session: Session, ctx: ServiceContext, cnic: str, mobile: str, *,
                           ip: str | None = None) -> str:
    """Send a reset code to the registered mobile when the CNIC and the mobile belong to one account. The
    caller answers the same whatever happened; the outcome is for the audit log and tests only."""
    user = session.scalars(select(User).where(User.cnic == cnic)).first()
    if user is None:
        outcome = "unknown"
    elif user.disabled:
        outcome = "disabled"
    elif not user.mobile or user.mobile != mobile:
        outcome = "mismatch"
    else:
        sent = otp.send_code(session, ctx, user, otp.PURPOSE_RESET, message=otp.RESET_SMS)
        outcome = "sent" if sent.sent else ("exhausted" if sent.exhausted else "cooldown")
    audit.record(session, ctx, "password.forgot", actor_id=user.id if user else None, cnic=cnic, ip=ip,
                 outcome=outcome)
    return outcome


@dataclass(frozen=True)
class PasswordReset:
    user: User | None
    reason: str = ""  # wrong, expired, locked, missing
    tries_left: int = 0


def reset_password(session: Session, ctx: ServiceContext, cnic: str, code: str, new_password: str, *,
                   ip: str | None = None) -> PasswordReset:
    """The right code sets the new password and ends every session of the account (the caller signs this
    browser in afresh). An account imported without a password gets its first one this way. A wrong code
    counts against the code's tries, committed with the refusal."""
    user = session.scalars(select(User).where(User.cnic == cnic)).first()
    if user is None or user.disabled:
        audit.record(session, ctx, "password.reset", cnic=cnic, ip=ip, outcome="missing")
        return PasswordReset(None, "missing")
    check = otp.check_code(session, ctx, user, otp.PURPOSE_RESET, code)
    if not check.ok:
        audit.record(session, ctx, "password.reset", actor_id=user.id, cnic=cnic, ip=ip, outcome=check.reason)
        return PasswordReset(None, check.reason, check.tries_left)
    user.password_hash = hash_password(new_password, fast=ctx.fast_password_hash)
    user.failed_logins, user.locked_until = 0, None
    if user.mobile_verified_at is None:
        user.mobile_verified_at = ctx.now()  # the code reached the registered number: it is the owner's
    ended = end_all_sessions(session, ctx, user.id)
    audit.record(session, ctx, "password.reset", actor_id=user.id, cnic=cnic, ip=ip, outcome="success",
                 detail={"sessions_ended": ended})
    return PasswordReset(user)


def correct_unverified_mobile(session: Session, ctx: ServiceContext, user: User, mobile: str, *,
                              ip: str | None = None) -> otp.ResendResult:
    """A number typed wrongly at sign-up: until it is verified, the account may move to another number, which
    gets a fresh code at once (no cool-down: the last code went to the wrong phone), within the day's cap."""
    if user.is_verified:
        raise ValueError("a verified number changes through the change-of-mobile flow")
    previous = user.mobile
    user.mobile = mobile
    result = otp.send_code(session, ctx, user, otp.PURPOSE_VERIFY, cooldown=previous == mobile)
    if not result.sent:
        user.mobile = previous  # nothing sent: the number the code went to stays the account's
    audit.record(session, ctx, "registration.mobile", actor_id=user.id, cnic=user.cnic, ip=ip,
                 outcome="changed" if result.sent else ("exhausted" if result.exhausted else "cooldown"))
    return result


def start_mobile_change(session: Session, ctx: ServiceContext, user: User, new_mobile: str, *,
                        ip: str | None = None) -> otp.ResendResult:
    """A code to the new number and a notice to the old one; the account keeps its number until the code is
    confirmed (confirm_mobile_change)."""
    result = otp.send_code(session, ctx, user, otp.PURPOSE_CHANGE_MOBILE, to_mobile=new_mobile,
                           message=otp.CHANGE_MOBILE_SMS)
    if result.sent and user.mobile:
        ctx.notifier.send_sms(session, user.mobile, CHANGE_NOTICE_SMS, locale=user.locale or "ur",
                              purpose="change_notice", helpline=ctx.settings["HELPLINE"] or "")
    audit.record(session, ctx, "mobile.change", actor_id=user.id, cnic=user.cnic, ip=ip,
                 outcome="code_sent" if result.sent else ("exhausted" if result.exhausted else "cooldown"))
    return result


def pending_mobile(session: Session, ctx: ServiceContext, user: User) -> str | None:
    """The new number waiting for its code, if a code for it can still be used."""
    challenge = otp.live_challenge(session, ctx, user.id, otp.PURPOSE_CHANGE_MOBILE)
    return challenge.target_mobile if challenge else None


def confirm_mobile_change(session: Session, ctx: ServiceContext, user: User, code: str, *,
                          ip: str | None = None) -> otp.CodeCheck:
    check = otp.check_code(session, ctx, user, otp.PURPOSE_CHANGE_MOBILE, code)
    if check.ok:
        user.mobile = check.challenge.target_mobile
        user.mobile_verified_at = ctx.now()
    audit.record(session, ctx, "mobile.change", actor_id=user.id, cnic=user.cnic, ip=ip,
                 outcome="changed" if check.ok else check.reason)
    return check
