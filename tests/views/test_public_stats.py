"""A researcher opens /stats without signing in, reads the registry's figures by district, division and
Punjab in Urdu or English, and downloads every table as CSV and all of them as JSON: no count under 5 is
published, and no hidden count can be worked out by subtraction from the row, column, division or Punjab
totals. The figures come from summary tables only, with caching headers."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from app.domain.disclosure import THRESHOLD, hierarchy_equations, recoverable, row_total_equations
from app.models.base import utcnow
from app.models.scoring import ScoreCount
from app.public.stats_routes import forget_public_stats
from app.services import programmes
from app.services.areas import find_area
from app.services.context import ServiceContext
from app.services.scoring import active_model, ensure_illustrative_model
from tests.disaster_helpers import scored_household
from tests.factories import make_complaint, make_household
from tests.helpers import page_text, statements_issued, urdu

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
        db.merge(ScoreCount(district_key=find_area(db, district).id, model_id=model.id, band=band, households=n))
    programmes.seed_programmes(db, ctx)
    programmes.refresh_counts(db, ctx)
    filed = utcnow() - timedelta(days=5)
    for category, state, n in (("not_surveyed", "new", 7), ("not_surveyed", "resolved", 2),
                               ("wrong_information", "new", 6), ("wrong_information", "resolved", 8),
                               ("privacy", "assigned", 1)):
        for i in range(n):
            resolved = filed + timedelta(days=2, hours=i) if state == "resolved" else None
            make_complaint(db, category=category, state=state, created_at=filed, resolved_at=resolved)
    db.commit()


def published_equations(document: dict) -> tuple[dict, list]:
    """What a researcher can subtract, read from the downloaded tables alone: every row with a parent is a
    part of that parent's figure in each column, and a "total" column is the sum of the others."""
    cells, equations = {}, []
    for name, table in document["tables"].items():
        columns = [c["key"] for c in table["columns"]]
        parts = [c for c in columns if c != "total"]
        children: dict[str, list] = {}
        for row in table["rows"]:
            for column, value in row["values"].items():
                cells[(name, row["key"], column)] = value
            if row["parent"]:
                children.setdefault((name, row["parent"]), []).append((name, row["key"]))
        equations += hierarchy_equations(children, columns)
        if "total" in columns:
            equations += row_total_equations([(name, r["key"]) for r in table["rows"]], parts, "total")
    # keys were (table, row) for rows: flatten them to (table, row, column) as the cells are keyed
    flat = []
    for eq in equations:
        total, *parts = [(*k[0], k[1]) for k in eq.cells()]
        flat.append(type(eq)(total, tuple(parts)))
    return cells, flat


def csv_rows(client, table: str) -> list[dict]:
    response = client.get(f"/stats/{table}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_every_table_downloaded_has_no_count_under_5_and_no_hidden_count_recoverable(client, registry):
    document = client.get("/stats.json").get_json()
    assert set(document["tables"]) == set(TABLES)
    cells, equations = published_equations(document)
    assert all(v is None or v == 0 or v >= THRESHOLD for v in cells.values())
    assert None in cells.values()  # Kasur's 3 households, the privacy complaint: hidden
    assert recoverable(cells, equations) == {}
    for name, table in document["tables"].items():
        columns = [c["key"] for c in table["columns"]]
        rows = csv_rows(client, name)
        assert [r["code"] for r in rows] == [r["code"] for r in table["rows"]]
        for row, published in zip(rows, table["rows"]):
            for column in columns:
                expected = "x" if published["values"][column] is None else str(published["values"][column])
                assert row[column] == expected  # the CSV carries the same figures as the JSON
                assert row[column] == "x" or int(row[column]) == 0 or int(row[column]) >= THRESHOLD


def test_the_figures_add_up_to_what_was_registered(client, registry):
    rows = {r["code"]: r for r in csv_rows(client, "coverage")}
    assert rows["PUNJAB"]["registered"] == "40" and rows["PUNJAB"]["verified"] == "11"  # 2 + 9 scored
    assert rows["DST-KSR"]["registered"] == "x"  # three households
    assert rows["DST-LHR"]["registered"] == "x"  # else Lahore division minus Lahore district gives Kasur's 3
    assert rows["DIV-LHR"]["registered"] == "33" and rows["DST-MUL"]["surveyed"] == "7"
    complaints = {r["code"]: r for r in csv_rows(client, "complaints")}
    assert complaints["privacy"]["assigned"] == "x" and complaints["total"]["total"] == "24"
    resolve = {r["code"]: r for r in csv_rows(client, "resolve_times")}
    assert resolve["DST-LHR"]["resolved"] == "10"
    assert 2.0 <= float(resolve["DST-LHR"]["median_days_approx"]) <= 2.5


def test_the_page_in_english_shows_charts_tables_and_when_the_figures_were_filled(client, registry):
    client.get("/lang/en")
    html = page_text(client.get("/stats"))
    assert "Public statistics" in html and "<svg" in html and 'dir="ltr"' in html
    assert "Households per score band" in html and "Illustrative model" in html
    assert "Figures as of" in html and "Complaints by category and state" in html
    assert re.search(r'<tr class="district"><th scope="row">Kasur</th><td><span class="hidden-count">x</span>', html)
    assert 'href="/stats/coverage.csv"' in html and 'href="/stats.json"' in html


def test_the_page_is_in_urdu_first_and_right_to_left(app, client, registry):
    html = page_text(client.get("/stats"))
    assert 'lang="ur" dir="rtl"' in html
    assert urdu(app, "Public statistics") in html and "قصور" in html
    assert urdu(app, "Households per score band") in html
    client.get("/lang/en")  # the figures cached in Urdu are not served to an English reader
    english = page_text(client.get("/stats"))
    assert 'dir="ltr"' in english and "Households per score band" in english and "Kasur" in english


def test_htmx_asks_for_the_figures_block_only(client, registry):
    block = client.get("/stats", headers={"HX-Request": "true"})
    assert block.status_code == 200 and "HX-Request" in block.headers["Vary"]
    assert "<html" not in page_text(block) and 'id="figures"' in page_text(block) and "<svg" in page_text(block)


def test_downloads_carry_caching_headers_and_answer_304_when_unchanged(client, registry):
    for url in ["/stats.json", *(f"/stats/{t}.csv" for t in TABLES)]:
        first = client.get(url)
        assert first.headers["Cache-Control"].startswith("public, max-age=")
        assert first.headers["ETag"] and first.headers["Last-Modified"]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.get_data() == b""
    assert client.get("/stats/households.csv").status_code == 404


def test_statistics_read_summary_tables_never_the_registry(app, client, registry):
    with statements_issued(app) as statements:
        for url in ["/stats", "/stats.json", *(f"/stats/{t}.csv" for t in TABLES)]:
            forget_public_stats(app)
            assert client.get(url).status_code == 200
    for table in ("household_counts", "score_counts", "programme_counts", "complaint_counts",
                  "complaint_resolve_times"):
        assert any(table in s for s in statements)
    assert [s for s in statements if REGISTRY.search(s)] == []


def test_the_home_page_links_to_the_statistics(app, client):
    html = page_text(client.get("/"))
    assert 'href="/stats"' in html and urdu(app, "Public statistics") in html
