"""Who a user is to the registry."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CITIZEN = "citizen"
    ENUMERATOR = "enumerator"
    SUPERVISOR = "supervisor"
    HELPDESK = "helpdesk"
    ADMIN = "admin"


# Staff roles work within an area; an admin works across Punjab.
AREA_BOUND_ROLES = frozenset({Role.ENUMERATOR, Role.SUPERVISOR})
