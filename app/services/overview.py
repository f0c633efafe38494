"""Counts that staff home pages show (households by state within an area, users by role), read from the
summary tables; the audit entries, a page at a time; an area's descendants from the cached area tree."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Area, AuditEntry
from . import summaries
from .area_tree import area_tree
from .keyset import Keyset, Page, paginate


def area_and_descendants(session: Session, area: Area) -> list[int]:
    """The area and every area below it, from the per-process tree (no query once it is loaded)."""
    return list(area_tree(session, must_have=area.id).descendants(area.id))


def households_by_status(session: Session, area: Area | None = None) -> dict[str, int]:
    return summaries.households_by_status(session, None if area is None else area_and_descendants(session, area))


def users_by_role(session: Session) -> dict[str, int]:
    return summaries.users_by_role(session)


AUDIT_ORDER = Keyset(columns=(AuditEntry.id,), kinds=(int,), descending=True)


def audit_page(session: Session, cursor: str | None = None, *, limit: int = 20) -> Page:
    """The audit log, newest first, one page after (or before) `cursor`."""
    return paginate(session, select(AuditEntry), AUDIT_ORDER, cursor, limit=limit)


def recent_audit(session: Session, limit: int = 20) -> list[AuditEntry]:
    return audit_page(session, limit=limit).rows
