"""What citizens see of survey schedules and announcements: template helpers for the home page, /status and
/me. Announcements are read with one small query and kept for a minute per process (they change rarely);
an administrator's change clears this process's copy at once, the others' within the minute."""
from __future__ import annotations

import threading
import time

from flask import Flask
from flask_login import current_user

from ..extensions import db
from ..services.announcements import current_announcements
from ..services.schedules import schedule_for_area
from ..unit_of_work import service_context

CACHE_SECONDS = 60
_cache: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


def forget_cached_announcements() -> None:
    with _lock:
        _cache.clear()


def announcements_today() -> list[dict]:
    today = service_context().now().date()
    key = today.isoformat()
    found = _cache.get(key)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    rows = current_announcements(db.session, today)
    with _lock:
        _cache.clear()
        _cache[key] = (time.monotonic() + CACHE_SECONDS, rows)
    return rows


def survey_schedule(area_id: int | None):
    """The current or next survey schedule of an area (or of the district it lies in), or None."""
    return schedule_for_area(db.session, area_id, service_context().now().date())


def my_area_id() -> int | None:
    """The signed-in citizen's household area, for the home page."""
    if not current_user.is_authenticated or current_user.role != "citizen" or current_user.household is None:
        return None
    return current_user.household.area_id


def init_schedule_display(app: Flask) -> None:
    app.jinja_env.globals.update(announcements_today=announcements_today, survey_schedule=survey_schedule,
                                 my_area_id=my_area_id)
