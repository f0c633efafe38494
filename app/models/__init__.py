"""The registry's tables as typed SQLAlchemy models; import from here."""
from .area import Area
from .audit import AuditEntry
from .complaint import Complaint, ComplaintEvent, ComplaintFiler
from .household import Household, HouseholdMember, HouseholdRevision, HouseholdStatusChange
from .idempotency import IdempotentRequest
from .jobs import BackgroundJob
from .quality import HouseholdFlag
from .scoring import HouseholdScore, ScoreCount, ScoringModel
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
    "Household",
    "HouseholdCount",
    "HouseholdFlag",
    "HouseholdMember",
    "HouseholdRevision",
    "HouseholdScore",
    "HouseholdStatusChange",
    "IdempotentRequest",
    "LoginSession",
    "LoginThrottle",
    "OpenComplaintDeadline",
    "OtpChallenge",
    "ScoreCount",
    "ScoringModel",
    "SmsMessage",
    "User",
    "UserCount",
]
