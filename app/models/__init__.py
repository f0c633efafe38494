"""The registry's tables as typed SQLAlchemy models; import from here."""
from .area import Area
from .audit import AuditEntry
from .change_request import ChangeRequest
from .back_check import BackCheck, BackCheckAnswer, EnumeratorFigures
from .complaint import Complaint, ComplaintEvent, ComplaintFiler
from .disaster import DisasterEvent, DisasterEventArea, ReliefCount, ReliefDelivery
from .duplicates import DuplicatePair
from .household import Household, HouseholdMember, HouseholdRevision, HouseholdStatusChange
from .idempotency import IdempotentRequest
from .jobs import BackgroundJob
from .quality import HouseholdFlag
from .programme import Programme, ProgrammeCount, ProgrammeEnrolment, ProgrammeRule
from .scoring import HouseholdScore, ScoreCount, ScoringModel
from .schedule import Announcement, SurveySchedule
from .messaging import OtpChallenge, SmsMessage
from .summary import ComplaintCount, ComplaintResolveTime, HouseholdCount, OpenComplaintDeadline, UserCount
from .user import LoginSession, LoginThrottle, User, UserArea

__all__ = [
    "Announcement",
    "Area",
    "AuditEntry",
    "BackCheck",
    "BackCheckAnswer",
    "BackgroundJob",
    "ChangeRequest",
    "Complaint",
    "ComplaintCount",
    "ComplaintEvent",
    "ComplaintFiler",
    "ComplaintResolveTime",
    "EnumeratorFigures",
    "DisasterEvent",
    "DisasterEventArea",
    "DuplicatePair",
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
    "Programme",
    "ProgrammeCount",
    "ProgrammeEnrolment",
    "ProgrammeRule",
    "ScoreCount",
    "ScoringModel",
    "ReliefCount",
    "ReliefDelivery",
    "SmsMessage",
    "SurveySchedule",
    "User",
    "UserArea",
    "UserCount",
]
