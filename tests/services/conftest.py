"""Services run without HTTP and without Flask: a plain session on the test database, a fixed clock and
a notifier that records what would be sent."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.services.context import ServiceContext

FIXED_NOW = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)


class FixedClock:
    """The time stands still until a test moves it."""

    def __init__(self, now: datetime):
        self.current = now

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class Sent:
    to_mobile: str
    message: str
    locale: str | None
    purpose: str
    params: dict[str, Any] = field(default_factory=dict)


class RecordingNotifier:
    def __init__(self):
        self.sent: list[Sent] = []

    def send_sms(self, session, to_mobile, message, *, locale, purpose, **params):
        self.sent.append(Sent(to_mobile, message, locale, purpose, params))


@pytest.fixture
def session(db):
    """A session of the test's own, outside any app context: what a job or a script would have."""
    return db


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def ctx(app, clock, notifier) -> ServiceContext:
    return ServiceContext.from_config(app.config, notifier=notifier, clock=clock)


def count_rows(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0
