"""A planner opens /admin/ and reads coverage by district, complaint states and relief served as SVG charts
with tables, in Urdu and English, from summary tables only: not one statement reads the registry."""
from __future__ import annotations

import re

import pytest

from app.services.context import ServiceContext
from app.services import disaster
from tests.disaster_helpers import flood, scored_household
from tests.factories import make_complaint, make_household
from tests.helpers import page_text, statements_issued, urdu

REGISTRY = re.compile(r'\b(FROM|JOIN)\s+"?(households|household_members)"?\b', re.IGNORECASE)


@pytest.fixture
def registry(app, db):
    ctx = ServiceContext.from_config(app.config)
    for status in ("registered", "draft", "submitted", "verified", "verified"):
        make_household(db, area="TSL-LHR-01", status=status)
    make_household(db, area="TSL-MUL-01", status="registered")
    make_complaint(db, state="new")
    make_complaint(db, state="resolved")
    served = scored_household(db, score=10.0, area="TSL-LHR-02")
    event_ = flood(db, ctx, "DST-LHR")
    disaster.record_relief(db, ctx, event_, [served.id], actor_id=None, items="Ration")
    db.commit()
    return event_.id


def test_the_dashboard_shows_coverage_complaints_and_relief_with_tables(app, client, login_as, registry):
    login_as("admin")
    client.get("/lang/en")
    html = page_text(client.get("/admin/"))
    assert "Coverage by district" in html and "<svg" in html
    lahore = re.search(r'<tr><th scope="row">Lahore</th>((?:<td>[^<]*</td>)+)</tr>', html)
    assert lahore, html
    assert re.findall(r"<td>([^<]*)</td>", lahore.group(1)) == ["6", "4", "3"]  # 5 + the served one; surveyed: submitted and 3 verified
    assert "Complaints by state" in html and "Relief served" in html and "Flood 2026" in html
    assert "Households by status" in html and "Accounts by role" in html  # what the page showed before stays


def test_the_dashboard_reads_summary_tables_only(app, client, login_as, registry):
    login_as("admin")
    with statements_issued(app) as statements:
        response = client.get("/admin/")
    assert response.status_code == 200
    assert any("household_counts" in s for s in statements) and any("relief_counts" in s for s in statements)
    assert [s for s in statements if REGISTRY.search(s)] == []


def test_the_dashboard_in_urdu_is_right_to_left(app, client, login_as, registry):
    login_as("admin")
    html = page_text(client.get("/admin/"))
    assert 'dir="rtl"' in html
    assert urdu(app, "Coverage by district") in html and urdu(app, "Relief served") in html


def test_the_dashboard_is_for_administrators_only(client, login_as):
    login_as("helpdesk")
    assert client.get("/admin/").status_code == 403


def test_htmx_paging_the_audit_list_computes_no_dashboard(client, login_as, registry):
    login_as("admin")
    block = client.get("/admin/", headers={"HX-Request": "true"})
    assert block.status_code == 200 and "<svg" not in page_text(block) and 'id="audit"' in page_text(block)
