"""The registry's tables as typed SQLAlchemy models; import from here."""
from .area import Area
from .audit import AuditEntry
from .household import Household, HouseholdStatusChange
from .messaging import OtpChallenge, SmsMessage
from .user import LoginSession, User

__all__ = [
    "Area",
    "AuditEntry",
    "Household",
    "HouseholdStatusChange",
    "LoginSession",
    "OtpChallenge",
    "SmsMessage",
    "User",
]
