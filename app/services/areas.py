"""Areas of Punjab: loading them from the data file and finding one by code or name."""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Area
from .area_tree import forget_area_tree

AREAS_FILE = Path(__file__).resolve().parent.parent / "seed_data" / "punjab_areas.csv"
# When a name is shared (Lahore is a division, a district and part of tehsil names), the district wins.
_LEVEL_PREFERENCE = {"district": 0, "tehsil": 1, "division": 2, "province": 3}


def load_areas(session: Session, path: Path = AREAS_FILE) -> tuple[int, int]:
    """Insert new areas and update changed names; safe to run any number of times. Returns (added, updated)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = {area.code: area for area in session.scalars(select(Area))}
    added = updated = 0
    for row in rows:  # parents come before children in the file
        parent = existing.get(row["parent_code"]) if row["parent_code"] else None
        area = existing.get(row["code"])
        if area is None:
            area = Area(code=row["code"], level=row["level"], name_en=row["name_en"], name_ur=row["name_ur"])
            session.add(area)
            existing[area.code] = area
            added += 1
        elif (area.level, area.name_en, area.name_ur) != (row["level"], row["name_en"], row["name_ur"]) or (
            area.parent is not parent
        ):
            updated += 1
        area.level, area.name_en, area.name_ur, area.parent = row["level"], row["name_en"], row["name_ur"], parent
        session.flush()
    forget_area_tree()
    return added, updated


def find_area(session: Session, code_or_name: str) -> Area | None:
    """An area by its code (DST-LHR) or its English name (Lahore), case-insensitive."""
    text = code_or_name.strip()
    area = session.scalars(select(Area).where(func.upper(Area.code) == text.upper())).first()
    if area is not None:
        return area
    matches = session.scalars(select(Area).where(func.lower(Area.name_en) == text.lower())).all()
    return min(matches, key=lambda a: _LEVEL_PREFERENCE.get(a.level, 9)) if matches else None


def districts(session: Session) -> list[Area]:
    return list(session.scalars(select(Area).where(Area.level == "district").order_by(Area.name_en)))
