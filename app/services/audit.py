"""Writing the audit log: every look at or change of personal data, with the CNIC hashed and masked."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..domain.cnic import mask_cnic
from ..models import AuditEntry
from .context import ServiceContext
from .privacy import keyed_hash


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
) -> AuditEntry:
    """Add an entry to the session; the unit of work's commit writes it with the change it describes."""
    entry = AuditEntry(
        at=ctx.now(),
        action=action,
        actor_id=actor_id,
        cnic_hash=keyed_hash(ctx.hash_key, cnic),
        cnic_masked=mask_cnic(cnic) if cnic else None,
        ip_hash=keyed_hash(ctx.hash_key, ip),
        outcome=outcome,
        detail=detail,
    )
    session.add(entry)
    return entry
