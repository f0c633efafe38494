"""Status and complaints by SMS for feature phones: one inbound message read (app.domain.sms_commands), the
status looked up exactly as the web does (services.status_lookup: the stage only, audited, never a name),
or a complaint filed, and ONE short reply queued in the outbox in the sender's language.

Against reply loops with other automated senders: no reply to a sender that is no Pakistani mobile
(shortcodes, alphanumeric senders), silence for a number that sends too many messages in a minute or has had
its replies for the day, and the help and limit notices at most once per number per day. The counters
live behind `SmsGate` (Redis with the web's in-memory fallback, app.sms.limits)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from ..domain.mobile import MobileError, normalise_mobile
from ..domain.sms_commands import SmsCommand, parse_sms
from .complaints import TooManyOpenComplaints, file_complaint
from .context import N_, ServiceContext
from .status_lookup import lookup_status

REPLY_PURPOSE = "sms_reply"
COMPLAINT_CATEGORY = "other"  # a text message says no more than "a complaint": the helpdesk sorts it
COMPLAINT_MIN, COMPLAINT_MAX = 20, 2000  # as the web form (public.complaint_forms.ComplaintForm)

# One SMS each: at most 70 characters in Urdu (one UCS-2 segment), 160 in English (GSM-7): the stage and the
# next step. tests/services/test_sms_inbound.py measures every one of them in both languages.
STAGE_REPLIES = {
    "unverified": N_("PSER: registered, mobile not verified. Sign in on the portal and enter the code we send by SMS."),
    "registered": N_("PSER: registered. Nothing to do now: a survey team will visit your area, we will SMS you first."),
    "scheduled": N_("PSER: survey planned for your area. Keep the CNICs of your family ready."),
    "draft": N_("PSER: survey in progress. It will be completed with you."),
    "submitted": N_("PSER: survey submitted, being checked. This takes a few days."),
    "returned": N_("PSER: survey returned for correction. The enumerator will contact you."),
    "verified": N_("PSER: verified. Your household is in the registry; we will tell you about programmes."),
    "rejected": N_("PSER: not accepted. If this is a mistake, send COMPLAINT, your CNIC and the problem."),
}
NOT_FOUND = N_("PSER: nothing registered with this CNIC. Register on the PSER portal or wait for the survey.")
CHECK_NUMBER = N_("PSER: please check the CNIC number. It has 13 digits, like 35202-1234567-1.")
HELP = N_("PSER: for your status send your 13-digit CNIC. To complain send COMPLAINT, your CNIC and the problem.")
COMPLAINT_FORMAT = N_("PSER: to complain send COMPLAINT, your CNIC and the problem in at least 20 letters.")
LIMIT_REACHED = N_("PSER: too many requests from this number or for this CNIC. Please try again later.")
TOO_MANY_OPEN = N_("PSER: complaints with this CNIC and number are already open. Please wait for the answer.")
COMPLAINT_FILED = N_("PSER: complaint registered. Tracking number %(tracking)s.")

ALL_REPLIES = (*STAGE_REPLIES.values(), NOT_FOUND, CHECK_NUMBER, HELP, COMPLAINT_FORMAT, LIMIT_REACHED,
               TOO_MANY_OPEN, COMPLAINT_FILED)


class SmsGate(Protocol):
    """The counters that keep the SMS channel from being a free enumeration service or a reply loop."""

    def flooding(self, mobile: str) -> bool:
        """Count this message; True when the number sent more than its share this minute (then: silence)."""

    def may_reply(self, mobile: str) -> bool:
        """Count one reply; False when the number had its replies for the day."""

    def first_today(self, notice: str, mobile: str) -> bool:
        """True the first time today that `notice` (help, limit) would go to this number."""

    def lookup_refused(self, mobile: str, cnic: str) -> bool:
        """Count a status lookup; True when the number asked about too many CNICs today or the CNIC was
        asked about too often this hour."""

    def complaint_refused(self, mobile: str) -> bool:
        """Count a complaint filed by SMS; True past the complaints limit of one number."""


@dataclass(frozen=True)
class InboundOutcome:
    """What became of one message: `replied` (a reply was queued) and why, for the log and the gateway."""

    replied: bool
    outcome: str


def _reply(session: Session, ctx: ServiceContext, gate: SmsGate, mobile: str, message: str, language: str,
           outcome: str, **params) -> InboundOutcome:
    if not gate.may_reply(mobile):
        return InboundOutcome(False, "daily_replies_used")
    ctx.notifier.send_sms(session, mobile, message, locale=language, purpose=REPLY_PURPOSE, **params)
    return InboundOutcome(True, outcome)


def _once_today(session, ctx, gate, mobile, notice: str, message: str, language: str) -> InboundOutcome:
    if not gate.first_today(notice, mobile):
        return InboundOutcome(False, f"{notice}_already_sent")
    return _reply(session, ctx, gate, mobile, message, language, notice)


def _status(session, ctx, gate, mobile: str, command: SmsCommand) -> InboundOutcome:
    if gate.lookup_refused(mobile, command.cnic):
        return _once_today(session, ctx, gate, mobile, "limit", LIMIT_REACHED, command.language)
    if not gate.may_reply(mobile):
        return InboundOutcome(False, "daily_replies_used")  # no look-up that nobody would hear about
    # The sending number stands where the web lookup keeps the address: hashed in the audit entry.
    answer = lookup_status(session, ctx, command.cnic, ip=mobile, channel="sms")
    message = STAGE_REPLIES.get(answer.stage or "", NOT_FOUND) if answer.found else NOT_FOUND
    ctx.notifier.send_sms(session, mobile, message, locale=command.language, purpose=REPLY_PURPOSE)
    return InboundOutcome(True, answer.stage or "not_found")


def _complaint(session, ctx, gate, mobile: str, command: SmsCommand) -> InboundOutcome:
    if not COMPLAINT_MIN <= len(command.text) <= COMPLAINT_MAX:
        return _reply(session, ctx, gate, mobile, COMPLAINT_FORMAT, command.language, "complaint_format")
    if gate.complaint_refused(mobile):
        return _once_today(session, ctx, gate, mobile, "limit", LIMIT_REACHED, command.language)
    if not gate.may_reply(mobile):
        return InboundOutcome(False, "daily_replies_used")  # a complaint is never filed without its number
    try:
        complaint = file_complaint(session, ctx, cnic=command.cnic, mobile=mobile, category=COMPLAINT_CATEGORY,
                                   description=command.text, district=None, filed_by=None,
                                   locale=command.language, ip=mobile, confirm_by_sms=False)
    except TooManyOpenComplaints:
        ctx.notifier.send_sms(session, mobile, TOO_MANY_OPEN, locale=command.language, purpose=REPLY_PURPOSE)
        return InboundOutcome(True, "too_many_open")
    ctx.notifier.send_sms(session, mobile, COMPLAINT_FILED, locale=command.language, purpose="complaint",
                          tracking=complaint.tracking_no)
    return InboundOutcome(True, "complaint_filed")


def handle_inbound_sms(session: Session, ctx: ServiceContext, gate: SmsGate, sender: str | None,
                       text: str | None) -> InboundOutcome:
    """Answer one message from `sender`; the caller has checked the gateway's signature."""
    try:
        mobile = normalise_mobile(sender)
    except MobileError:
        return InboundOutcome(False, "not_a_mobile")  # a shortcode or a named sender: never answered
    if gate.flooding(mobile):
        return InboundOutcome(False, "flood")
    command = parse_sms(text)
    if command.kind == "help":
        return _once_today(session, ctx, gate, mobile, "help", HELP, command.language)
    if command.kind == "bad_cnic":
        return _reply(session, ctx, gate, mobile, CHECK_NUMBER, command.language, "bad_cnic")
    if command.kind == "complaint_incomplete":
        return _reply(session, ctx, gate, mobile, COMPLAINT_FORMAT, command.language, "complaint_format")
    if command.kind == "complaint":
        return _complaint(session, ctx, gate, mobile, command)
    return _status(session, ctx, gate, mobile, command)
