"""People who sign in: citizens and staff, and their server-side sessions."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UtcDateTime, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    cnic: Mapped[str] = mapped_column(String(15), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(12), index=True, active_history=True)  # counted by role
    password_hash: Mapped[str] = mapped_column(String(255))
    network: Mapped[str | None] = mapped_column(String(10))
    mobile: Mapped[str | None] = mapped_column(String(11), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    mobile_verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    locale: Mapped[str | None] = mapped_column(String(5))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    # Per-account throttle: it holds across every process because it lives in the database.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    disabled: Mapped[bool] = mapped_column(default=False)
    # Set by an administrator's password reset: the next sign-in must choose a new password before anything.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Until when that one-time password signs in (services.users.ONE_TIME_PASSWORD_LIFETIME).
    password_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    area = relationship("Area")
    household = relationship("Household", foreign_keys=[household_id])

    @property
    def is_verified(self) -> bool:
        return self.mobile_verified_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled account cannot sign in
        return not self.disabled

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserArea(db.Model):
    """Every area a member of staff works in (several for a supervisor); users.area_id stays the primary
    one, which the enumerator's list and older reads use."""

    __tablename__ = "user_areas"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True, index=True)


class LoginSession(db.Model):
    """One signed-in browser. The cookie carries only its random token; logout revokes the row."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Password checks of one CNIC from one address in the current window. Both are keyed hashes, and a row
    exists for CNICs without an account too, so that the wait reveals nothing about who is registered."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("account_hash", "address_hash", name="uq_login_throttles_account_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_hash: Mapped[str] = mapped_column(String(64))
    address_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
