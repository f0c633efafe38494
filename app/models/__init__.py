"""The registry's tables as typed SQLAlchemy models; import from here."""
from .area import Area
from .audit import AuditEntry
from .complaint import Complaint, ComplaintEvent
from .household import Household, HouseholdMember, HouseholdRevision, HouseholdStatusChange
from .idempotency import IdempotentRequest
from .jobs import BackgroundJob
from .messaging import OtpChallenge, SmsMessage
from .user import LoginSession, User

__all__ = [
    "Area",
    "AuditEntry",
    "BackgroundJob",
    "Complaint",
    "ComplaintEvent",
    "Household",
    "HouseholdMember",
    "HouseholdRevision",
    "HouseholdStatusChange",
    "IdempotentRequest",
    "LoginSession",
    "OtpChallenge",
    "SmsMessage",
    "User",
]
