"""Which records a member of staff may read: one rule for households, complaints and citizen look-ups.

A record lies in an area (a household's tehsil, a complaint's district, a citizen's household); staff read
the records of their own area and everything below it (a supervisor: of each of their areas, user_areas).
An administrator reads everything; a helpdesk agent without an area is the call centre and serves all of
Punjab; any other staff member without an area reads nothing. Each role reads only the kinds of record its work needs."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, select, true
from sqlalchemy.orm import Session

from ..domain.roles import Role
from ..models import User, UserArea
from .area_tree import area_tree

HOUSEHOLDS, COMPLAINTS, CITIZENS = "households", "complaints", "citizens"

# The kinds of record each role's work reads (a citizen reads only their own, outside this rule).
READS = {
    Role.ADMIN: {HOUSEHOLDS, COMPLAINTS, CITIZENS},
    Role.SUPERVISOR: {HOUSEHOLDS, COMPLAINTS, CITIZENS},
    Role.HELPDESK: {COMPLAINTS, CITIZENS},
    Role.ENUMERATOR: {HOUSEHOLDS},
}


@dataclass(frozen=True)
class StaffScope:
    everywhere: bool
    areas: tuple[int, ...] = ()  # the staff member's area and every area below it

    def covers(self, area_id: int | None, *, unplaced: bool = False) -> bool:
        """Whether a record in `area_id` is readable. `unplaced`: a record that names no area (a complaint
        whose citizen chose no district) is read by every staff member with an area, so that it reaches
        somebody; a household without an area is not."""
        if self.everywhere:
            return True
        if area_id is None:
            return unplaced and bool(self.areas)
        return area_id in self.areas

    def where(self, column, *, unplaced: bool = False):
        """The same rule as a SQL filter on a record's area column."""
        if self.everywhere:
            return true()
        if not self.areas:
            return false()
        inside = column.in_(self.areas)
        return (inside | column.is_(None)) if unplaced else inside


EVERYWHERE, NOWHERE = StaffScope(everywhere=True), StaffScope(everywhere=False)
_EXTRA_AREAS = "pser_staff_extra_areas"  # session.info: a supervisor's other areas, read once per session


def _extra_areas(session: Session, user: User) -> tuple[int, ...]:
    """A supervisor's areas besides the primary one: read once per session (one request, one job), so a list
    of fifty records checks its access without fifty queries."""
    known = session.info.setdefault(_EXTRA_AREAS, {})
    if user.id not in known:
        known[user.id] = tuple(session.scalars(select(UserArea.area_id).where(
            UserArea.user_id == user.id, UserArea.area_id != user.area_id).order_by(UserArea.area_id)))
    return known[user.id]


def forget_extra_areas(session: Session, user_id: int) -> None:
    """After a change of the user's areas in this session."""
    session.info.get(_EXTRA_AREAS, {}).pop(user_id, None)


def staff_scope(session: Session, user: User, kind: str) -> StaffScope:
    """What `user` may read of records of `kind` (HOUSEHOLDS, COMPLAINTS or CITIZENS)."""
    if kind not in READS.get(user.role, ()):
        return NOWHERE
    if user.role == Role.ADMIN:
        return EVERYWHERE
    if user.area_id is None:
        return EVERYWHERE if user.role == Role.HELPDESK else NOWHERE
    tree = area_tree(session, must_have=user.area_id)
    if user.role != Role.SUPERVISOR:
        return StaffScope(everywhere=False, areas=tree.descendants(user.area_id))
    # A supervisor may oversee several areas: the primary one first, then the others, each with its subtree.
    areas = dict.fromkeys(tree.descendants(user.area_id))
    for area_id in _extra_areas(session, user):
        areas.update(dict.fromkeys(area_tree(session, must_have=area_id).descendants(area_id)))
    return StaffScope(everywhere=False, areas=tuple(areas))
