"""Writing the audit log: every look at or change of personal data, with the CNIC hashed and masked."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..domain.cnic import mask_cnic
from ..models import AuditEntry
from .privacy import keyed_hash


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    cnic: str | None = None,
    ip: str | None = None,
    outcome: str | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Add an entry to the session; the caller's commit writes it with the change it describes."""
    entry = AuditEntry(
        action=action,
        actor_id=actor_id,
        cnic_hash=keyed_hash(cnic),
        cnic_masked=mask_cnic(cnic) if cnic else None,
        ip_hash=keyed_hash(ip),
        outcome=outcome,
        detail=detail,
    )
    session.add(entry)
    return entry
