"""Counts that staff home pages show: households by state within an area, users by role."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.household_status import HouseholdStatus
from ..models import Area, AuditEntry, Household, User


def area_and_descendants(session: Session, area: Area) -> list[int]:
    ids, frontier = [area.id], [area.id]
    while frontier:
        frontier = list(session.scalars(select(Area.id).where(Area.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def households_by_status(session: Session, area: Area | None = None) -> dict[str, int]:
    query = select(Household.status, func.count()).group_by(Household.status)
    if area is not None:
        query = query.where(Household.area_id.in_(area_and_descendants(session, area)))
    counts = dict(session.execute(query).all())
    return {status.value: counts.get(status.value, 0) for status in HouseholdStatus}


def users_by_role(session: Session) -> dict[str, int]:
    return dict(session.execute(select(User.role, func.count()).group_by(User.role)).all())


def recent_audit(session: Session, limit: int = 20) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
