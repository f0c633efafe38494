"""What a service needs from outside the database, handed in rather than read from Flask: the settings it
uses, the time, and a notifier that writes to a citizen in their language. Built once per app (or per job)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from types import MappingProxyType
from typing import Any, Protocol

from sqlalchemy.orm import Session

from ..models.base import utcnow
from .privacy import audit_key

# The settings services read, copied from the app's configuration.
SETTING_NAMES = (
    "COMPLAINT_MAX_OPEN",
    "COMPLAINT_DEADLINE_DAYS",
    "LOGIN_MAX_FAILURES",
    "LOGIN_LOCK_SECONDS",
    "LOGIN_STEP_UP_FAILURES",
    "OTP_TTL_SECONDS",
    "OTP_MAX_TRIES",
    "OTP_RESEND_COOLDOWN_SECONDS",
    "OTP_MAX_SENDS",
    "UNVERIFIED_ACCOUNT_TTL_SECONDS",
    "SECRET_KEY",
    "FAST_PASSWORD_HASH",
    "SMS_BACKEND",
    "HELPLINE",
)


def N_(message: str) -> str:
    """Marks a message for `pybabel extract` (babel.cfg lists N_) without translating it here: the notifier
    translates it later, into the language of the person who reads it."""
    return message


class Notifier(Protocol):
    def send_sms(self, session: Session, to_mobile: str, message: str, *, locale: str, purpose: str,
                 **params: Any) -> Any:
        """Queue `message` (a msgid marked with N_) for `to_mobile`, translated into `locale` and filled
        with `params`, in the caller's transaction."""

    def translate(self, message: str, locale: str | None, **params: Any) -> str:
        """`message` in `locale`, filled with `params`: for a set-based writer that queues one text to many."""


@dataclass(frozen=True)
class ServiceContext:
    settings: Mapping[str, Any]
    notifier: Notifier
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        """The current time, aware and in UTC."""
        return self.clock()

    @property
    def session_lifetime(self) -> timedelta:
        return self.settings["SESSION_LIFETIME"]

    @property
    def fast_password_hash(self) -> bool:
        return bool(self.settings.get("FAST_PASSWORD_HASH"))

    @cached_property
    def hash_key(self) -> bytes:
        """The key of the keyed hashes in audit entries and sessions (see services.privacy)."""
        return audit_key(self.settings["SECRET_KEY"])

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, notifier: Notifier | None = None,
                    clock: Callable[[], datetime] = utcnow) -> ServiceContext:
        """The context for an app's configuration (a plain mapping such as Flask's app.config)."""
        settings = {name: config.get(name) for name in SETTING_NAMES}
        lifetime = config.get("PERMANENT_SESSION_LIFETIME", 8 * 3600)
        settings["SESSION_LIFETIME"] = lifetime if isinstance(lifetime, timedelta) else timedelta(seconds=lifetime)
        settings["COMPLAINT_DEADLINE_DAYS"] = MappingProxyType(dict(settings["COMPLAINT_DEADLINE_DAYS"] or {}))
        if notifier is None:
            from .notifier import SmsNotifier

            directories = str(config.get("BABEL_TRANSLATION_DIRECTORIES") or "translations").split(";")
            notifier = SmsNotifier(settings["SMS_BACKEND"] or "console", directories)
        return cls(settings=MappingProxyType(settings), notifier=notifier, clock=clock)
