"""A researcher opens /stats without signing in, reads the registry's figures by district, division and
Punjab in Urdu or English, and downloads every table as CSV and all of them as JSON: no count under 5 is
published, and no hidden count can be worked out by subtraction from the row, column, division or Punjab
totals. The figures come from summary tables only, with caching headers."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import event

from app.domain.disclosure import THRESHOLD, hierarchy_equations, recoverable, row_total_equations
from app.extensions import db as _db
from app.models.scoring import ScoreCount
from app.public.stats_routes import forget_public_stats
from app.services import programmes
from app.services.context import ServiceContext
from app.services.scoring import active_model, ensure_illustrative_model
from tests.disaster_helpers import scored_household
from tests.factories import make_complaint, make_household
from tests.helpers import page_text, urdu

REGISTRY = re.compile(r'\b(FROM|JOIN)\s+"?(households|household_members)"?\b', re.IGNORECASE)
TABLES = ("coverage", "score_bands", "programmes", "complaints", "resolve_times")


@pytest.fixture(autouse=True)
def fresh_figures(app):
    forget_public_stats(app)
    yield
    forget_public_stats(app)


@pytest.fixture
def registry(app, db):
    """Lahore with many households, Kasur with 3 (a small count), Multan with a few verified, complaints in
    several categories and states, scores and programme counts as their writers leave them."""
    ctx = ServiceContext.from_config(app.config)
    for status, n in (("registered", 9), ("draft", 4), ("submitted", 6), ("verified", 2)):
        for _ in range(n):
            make_household(db, area="TSL-LHR-01", status=status)
    for _ in range(3):
        make_household(db, area="Kasur", status="registered")
    for _ in range(7):
        make_household(db, area="Multan", status="submitted")
    for score in (5.0, 10.0, 12.0, 20.0, 25.0, 40.0, 45.0, 50.0, 60.0):
        scored_household(db, score=score, area="TSL-LHR-02")
    ensure_illustrative_model(db, ctx)
    model = active_model(db)
    bands = [b["key"] for b in model.definition["bands"]]
    for district, band, n in (("Lahore", bands[0], 12), ("Lahore", bands[1], 3), ("Multan", bands[0], 8),
                              ("Multan", bands[-1], 9), ("Kasur", bands[-1], 2)):
        from app.services.areas import find_area
        db.merge(ScoreCount(district_key=find_area(db, district).id, model_id=model.id, band=band, households=n))
    programmes.seed_programmes(db, ctx)
    programmes.refresh_counts(db, ctx)
    for category, state, n in (("not_surveyed", "new", 7), ("not_surveyed", "resolved", 2),
                               ("wrong_information", "new", 6), ("wrong_information", "resolved", 8),
                               ("privacy", "assigned", 1)):
        for _ in range(n):
            make_complaint(db, category=category, state=state)
    db.commit()


def test_smoke(client, registry):
    client.get("/lang/en")
    r = client.get("/stats")
    print(page_text(r)[:200])
    assert r.status_code == 200, page_text(r)
    print(client.get("/stats.json").get_data(as_text=True)[:3000])
    print(client.get("/stats/coverage.csv").get_data(as_text=True))
