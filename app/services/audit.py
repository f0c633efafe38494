"""Writing the audit log: every look at or change of personal data, with the CNIC hashed and masked, the
household concerned and its district, the actor's role and the stated reason. The log is append-only:
nothing here (or anywhere in the application) updates or deletes an entry."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..domain.cnic import mask_cnic
from ..models import AuditEntry, User
from .context import ServiceContext
from .privacy import keyed_hash

# The reasons a flow states for itself when staff open a household (free words, such as what a helpdesk
# agent types, are kept as typed). The citizen reads them in words on /me/access (app.audit_texts).
REASON_REVIEW = "review"
REASON_SURVEY = "survey"
REASON_BACK_CHECK = "back-check"
REASON_CHANGE_REQUEST = "change-request"
REASON_DUPLICATE_CHECK = "duplicate-check"
COMPLAINT_REASON_PREFIX = "complaint:"

# Reads of a person's data: what "who looked at my data" lists (when staff did them).
READ_ACTIONS = ("household.view", "helpdesk.lookup", "backcheck.open", "complaint.view", "complaint.reveal_mobile")
# Outcomes of a read that showed nothing.
EMPTY_OUTCOMES = ("out_of_scope", "not_found")


def complaint_reason(tracking_no: str | None) -> str:
    return f"{COMPLAINT_REASON_PREFIX}{tracking_no or ''}"


def _role_of(session: Session, actor_id: int | None) -> str | None:
    if actor_id is None:
        return None
    with session.no_autoflush:  # usually the signed-in user, already in the session: no query
        actor = session.get(User, actor_id)
    return str(actor.role) if actor is not None else None


def record(
    session: Session,
    ctx: ServiceContext,
    action: str,
    *,
    actor_id: int | None = None,
    cnic: str | None = None,
    ip: str | None = None,
    outcome: str | None = None,
    detail: dict | None = None,
    household_id: int | None = None,
    area_id: int | None = None,
    reason: str | None = None,
    actor_role: str | None = None,
) -> AuditEntry:
    """Add an entry to the session; the unit of work's commit writes it with the change it describes.
    `area_id`: the district concerned (the household's); `reason`: why (a REASON_* code or typed words)."""
    entry = AuditEntry(
        at=ctx.now(),
        action=action,
        actor_id=actor_id,
        actor_role=actor_role or _role_of(session, actor_id),
        cnic_hash=keyed_hash(ctx.hash_key, cnic),
        cnic_masked=mask_cnic(cnic) if cnic else None,
        ip_hash=keyed_hash(ctx.hash_key, ip),
        outcome=outcome,
        detail=detail,
        household_id=household_id,
        area_id=area_id,
        reason=(reason or "").strip()[:300] or None,
    )
    session.add(entry)
    return entry


def record_list_read(session: Session, ctx: ServiceContext, households, *, actor: User, ip: str | None = None,
                     action: str = "household.list", reason: str | None = None, detail: dict | None = None) -> AuditEntry:
    """One page of a list of households shown to `actor`: one entry naming the households it showed, in the
    district of the actor's area (the viewer's "area" filter); a list is not one household's read."""
    from .area_tree import area_tree

    district = area_tree(session, must_have=actor.area_id).district_of(actor.area_id) if actor.area_id else None
    return record(session, ctx, action, actor_id=actor.id, actor_role=str(actor.role), ip=ip,
                  outcome=str(len(households)), area_id=district, reason=reason,
                  detail={"households": [h.id for h in households], **(detail or {})})


def record_household_read(session: Session, ctx: ServiceContext, household, *, actor: User, reason: str | None,
                          ip: str | None = None, action: str = "household.view", detail: dict | None = None,
                          outcome: str | None = None) -> AuditEntry:
    """One look at a household's data by `actor`, with the household, its district and the stated reason:
    the one way every household-reading view writes its entry (no query of its own)."""
    return record(session, ctx, action, actor_id=actor.id, actor_role=str(actor.role), cnic=household.head_cnic,
                  ip=ip, outcome=outcome if outcome is not None else str(household.id), detail=detail,
                  household_id=household.id, area_id=household.district_id, reason=reason)
