"""Operator commands for programmes: `flask seed` makes them (safe twice), `flask programmes refresh` counts
their eligible households per district for the dashboard."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.models import Programme, ProgrammeCount, ProgrammeRule
from app.services import household_facts
from tests.factories import make_household


def test_seed_makes_the_programmes_once_and_refresh_counts_the_eligible(app, db):
    runner = app.test_cli_runner()
    first, second = runner.invoke(args=["seed"]), runner.invoke(args=["seed"])
    assert first.exit_code == 0 and "programmes: 8 added, 0 updated" in first.output
    assert second.exit_code == 0 and "programmes: 0 added, 0 updated" in second.output
    assert db.scalar(select(func.count()).select_from(Programme)) == 8
    assert db.scalar(select(func.count()).select_from(ProgrammeRule).where(ProgrammeRule.state == "active")) == 8
    household = make_household(db, status="verified", area="Multan")
    household_facts.refresh(db, household, date(2026, 11, 24))
    household.score, household.score_band = 12.5, "poorest"
    db.commit()
    result = runner.invoke(args=["programmes", "refresh"])
    assert result.exit_code == 0, result.output
    counts = db.execute(select(Programme.code, ProgrammeCount.households).join(ProgrammeCount)).all()
    assert ("ramzan_package", 1) in counts and ("household_development", 1) in counts
    assert all(n == 1 for _, n in counts)
