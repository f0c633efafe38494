"""The registry's tables as typed SQLAlchemy models; import from here."""
from .area import Area
from .audit import AuditEntry
from .complaint import Complaint, ComplaintEvent, ComplaintFiler
from .duplicates import DuplicatePair
from .household import Household, HouseholdMember, HouseholdRevision, HouseholdStatusChange
from .idempotency import IdempotentRequest
from .jobs import BackgroundJob
from .quality import HouseholdFlag
from .messaging import OtpChallenge, SmsMessage
from .summary import ComplaintCount, ComplaintResolveTime, HouseholdCount, OpenComplaintDeadline, UserCount
from .user import LoginSession, LoginThrottle, User

__all__ = [
    "Area",
    "AuditEntry",
    "BackgroundJob",
    "Complaint",
    "ComplaintCount",
    "ComplaintEvent",
    "ComplaintFiler",
    "ComplaintResolveTime",
    "DuplicatePair",
    "Household",
    "HouseholdCount",
    "HouseholdFlag",
    "HouseholdMember",
    "HouseholdRevision",
    "HouseholdStatusChange",
    "IdempotentRequest",
    "LoginSession",
    "LoginThrottle",
    "OpenComplaintDeadline",
    "OtpChallenge",
    "SmsMessage",
    "User",
    "UserCount",
]
