"""What the registry holds about a citizen's household, for the citizen: their account, the household's
answers, members, revisions, status history and score, the complaints they filed and the SMS sent to their
mobile. Cross-check flags are left out: they are the supervisors' working notes about possible errors, not
data about the household (the answers they point at are all here). Reading it is audited as a self-read."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ChangeRequest, Complaint, Household, HouseholdStatusChange, SmsMessage, User
from . import audit
from .complaints import citizen_complaints
from .context import ServiceContext
from .review import RevisionView, revisions_compared, timeline

# Messages whose text carries no secret; any other text may be a one-time code and is never shown again.
READABLE_SMS_PURPOSES = ("complaint", "change_notice", "review")
SMS_SHOWN = 500  # the latest; older ones are past every retention period anyway


@dataclass
class MyRecords:
    user: User
    household: Household | None
    revisions: list[RevisionView] = field(default_factory=list)
    history: list[HouseholdStatusChange] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    sms: list[SmsMessage] = field(default_factory=list)
    change_requests: list = field(default_factory=list)  # the household's requests for changes, newest first


def my_records(session: Session, ctx: ServiceContext, user: User, *, how: str, ip: str | None) -> MyRecords:
    """Everything for `user`'s own household; `how`: "page" or "json", for the self-read's audit entry."""
    household = user.household
    records = MyRecords(user=user, household=household, complaints=citizen_complaints(session, user))
    if household is not None:
        records.revisions = revisions_compared(session, household)
        records.history = timeline(session, household)
        records.change_requests = list(session.scalars(
            select(ChangeRequest).where(ChangeRequest.household_id == household.id)
            .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc())))
    if user.mobile:
        # Sent to their number since they have held the account (a recycled number's earlier owner's are not theirs).
        records.sms = list(session.scalars(
            select(SmsMessage).where(SmsMessage.to_mobile == user.mobile, SmsMessage.created_at >= user.created_at)
            .order_by(SmsMessage.id.desc()).limit(SMS_SHOWN)))
    audit.record(session, ctx, "mydata.read", actor_id=user.id, actor_role=str(user.role), cnic=user.cnic, ip=ip,
                 outcome=how, household_id=household.id if household else None,
                 area_id=household.district_id if household else None, reason="self")
    return records


def sms_text(message: SmsMessage) -> str | None:
    """The text of a message the citizen may read again; None when it may have carried a code or was removed."""
    if message.purpose in READABLE_SMS_PURPOSES and message.body:
        return message.body
    return None
