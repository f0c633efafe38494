"""A planner answers a flood in two tehsils: chooses the areas, sees the ranked list with counts per area,
downloads it, prints an Urdu distribution list, and records relief without serving anyone twice."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import AuditEntry, DisasterEvent, ReliefDelivery
from app.services.context import ServiceContext
from tests.disaster_helpers import flood, scored_household
from tests.helpers import english, page_text, urdu


@pytest.fixture
def two_tehsils(app, db):
    """Three households in two Lahore tehsils, one in Multan, and a flood over the two tehsils."""
    ctx = ServiceContext.from_config(app.config)
    poorest = scored_household(db, score=8.5, head_name="Zainab Bibi", head_sex="female", head_marital="widowed",
                               village="Chak 12", address="Near the canal bridge")
    middle = scored_household(db, score=30.0, head_name="Akram Ali", area="TSL-LHR-02", under5=1)
    better = scored_household(db, score=75.0, head_name="Tariq Mehmood")
    scored_household(db, score=1.0, head_name="Far Away", area="TSL-MUL-01")
    event = flood(db, ctx, "TSL-LHR-01", "TSL-LHR-02")
    db.commit()
    return event.id, [poorest.id, middle.id, better.id]


def _english(client):
    client.get("/lang/en")


def test_only_an_administrator_reaches_disaster_response(client, login_as, two_tehsils):
    event_id, _ = two_tehsils
    assert client.get("/admin/disaster").status_code == 302  # to sign in
    login_as("supervisor", area="Lahore")
    assert client.get("/admin/disaster").status_code == 403
    assert client.get(f"/admin/disaster/{event_id}").status_code == 403
    assert client.get(f"/admin/disaster/{event_id}/list.csv").status_code == 403
    assert client.post(f"/admin/disaster/{event_id}/relief", data={"household_id": "1", "items": "x"}).status_code == 403


def test_a_planner_chooses_two_tehsils_and_gets_the_ranked_list(app, client, login_as, db):
    login_as("admin")
    _english(client)
    page = client.get("/admin/disaster")
    assert page.status_code == 200
    html = page_text(page)
    assert 'type="checkbox" name="areas" value="TSL-LHR-01"' in html and 'value="DST-LHR"' in html
    assert "<legend>" in html
    poorest = scored_household(db, score=3.0, head_name="Zainab Bibi")
    db.commit()
    response = client.post("/admin/disaster", data={"name_en": "Ravi flood", "name_ur": "راوی کا سیلاب", "kind": "flood",
                                                    "areas": ["TSL-LHR-01", "TSL-LHR-02"], "verified_only": "y"})
    assert response.status_code == 302
    event = db.scalars(select(DisasterEvent)).one()
    assert sorted(a.area_id for a in event.areas) and event.criteria == {"verified_only": True}
    listed = page_text(client.get(response.headers["Location"]))
    assert "Zainab Bibi" in listed and "35202-*****" in listed
    assert poorest.head_cnic not in listed
    assert "Households per area" in listed


def test_a_new_event_without_areas_is_refused_with_the_form_and_no_500(client, login_as):
    login_as("admin")
    _english(client)
    client.get("/admin/disaster")
    response = client.post("/admin/disaster", data={"name_en": "Flood", "name_ur": "سیلاب", "kind": "flood"}, htmx=True)
    assert response.status_code == 422
    html = page_text(response)
    assert "Choose at least one district or tehsil." in html and "<html" not in html
    response = client.post("/admin/disaster", data={"name_en": "", "name_ur": "", "kind": "flood", "areas": ["DST-LHR"]})
    assert response.status_code == 422 and "<html" in page_text(response)


def test_the_list_answers_whole_or_as_its_block_for_htmx_in_urdu(app, client, login_as, two_tehsils):
    event_id, ids = two_tehsils
    login_as("admin")
    whole = client.get(f"/admin/disaster/{event_id}")
    assert whole.status_code == 200 and 'dir="rtl"' in page_text(whole)
    assert urdu(app, "Households, the most vulnerable first") in page_text(whole)
    assert "HX-Request" in whole.headers["Vary"]
    block = client.get(f"/admin/disaster/{event_id}", headers={"HX-Request": "true"})
    html = page_text(block)
    assert block.status_code == 200 and "<html" not in html and 'id="ranked"' in html
    order = [int(m) for m in re.findall(r'name="household_id" value="(\d+)"', html)]
    assert order == ids


def test_relief_recorded_with_htmx_then_again_is_told_already_served(app, client, login_as, two_tehsils, db):
    event_id, ids = two_tehsils
    login_as("admin")
    _english(client)
    client.get(f"/admin/disaster/{event_id}")
    first = client.post(f"/admin/disaster/{event_id}/relief", data={"household_id": [str(ids[0]), str(ids[1])],
                                                                     "items": "Flour 20 kg", "apply": "1"}, htmx=True)
    assert first.status_code == 200
    assert english(app, "Relief recorded for %(n)s households.", n=2) in page_text(first)
    again = client.post(f"/admin/disaster/{event_id}/relief", data={"household_id": str(ids[0]), "items": "Flour"},
                        htmx=True)
    assert again.status_code == 200 and "was already served on" in page_text(again)
    assert db.scalar(select(ReliefDelivery.items).where(ReliefDelivery.household_id == ids[0])) == "Flour 20 kg"
    assert len(db.scalars(select(ReliefDelivery)).all()) == 2
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "relief.record")).all()
    plain = client.post(f"/admin/disaster/{event_id}/relief", data={"household_id": str(ids[2]), "items": "Tent"})
    assert plain.status_code == 302
    counts = page_text(client.get(plain.headers["Location"]))
    assert "Relief recorded for 1 households." in counts or english(app, "Relief recorded for %(n)s households.", n=1) in counts


def test_relief_without_a_ticked_household_or_without_items_is_refused_in_place(client, login_as, two_tehsils):
    event_id, ids = two_tehsils
    login_as("admin")
    _english(client)
    client.get(f"/admin/disaster/{event_id}")
    none_ticked = client.post(f"/admin/disaster/{event_id}/relief", data={"items": "Flour"}, htmx=True)
    assert none_ticked.status_code == 422 and "Tick the households that received relief." in page_text(none_ticked)
    no_items = client.post(f"/admin/disaster/{event_id}/relief", data={"household_id": str(ids[0])}, htmx=True)
    assert no_items.status_code == 422 and "Write what was given." in page_text(no_items)


def test_the_printable_distribution_list_is_urdu_right_to_left_with_a_print_stylesheet(app, client, login_as,
                                                                                         two_tehsils):
    event_id, _ = two_tehsils
    login_as("admin")
    _english(client)  # even for a planner reading English, the sheet handed out in the field is Urdu
    response = client.get(f"/admin/disaster/{event_id}/print")
    html = page_text(response)
    assert response.status_code == 200
    assert '<html lang="ur" dir="rtl">' in html
    assert urdu(app, "Signature or thumb") in html and urdu(app, "Distribution list") in html
    assert "Zainab Bibi" in html and "Chak 12" in html and "35202-*****" in html
    assert "Far Away" not in html
    assert re.search(r'href="/static/[^"]*app[^"]*\.css"', html)
    css = (Path(app.root_path).parent / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert "@media print" in css and "size: A4" in css
    assert "monthly_income" not in html and "Income" not in html


def test_the_csv_export_streams_the_whole_ranked_list(client, login_as, two_tehsils, db):
    event_id, ids = two_tehsils
    login_as("admin")
    response = client.get(f"/admin/disaster/{event_id}/list.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "Content-Length" not in response.headers  # streamed, not built whole
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(r["household_id"]) for r in rows] == ids
    assert [r["rank"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["head_name"] == "Zainab Bibi" and rows[0]["head_cnic_masked"].startswith("35202-*****")
    assert rows[0]["area_code"] == "TSL-LHR-01" and rows[0]["female_or_widowed_head"] == "yes"
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "disaster.list", AuditEntry.outcome == "csv")).all()


def test_every_disaster_page_and_the_dashboard_read_in_urdu_only(app, client, login_as, two_tehsils):
    from tests.views.test_every_page_in_urdu import english_words

    event_id, ids = two_tehsils
    login_as("admin")
    client.get(f"/admin/disaster/{event_id}")
    client.post(f"/admin/disaster/{event_id}/relief", data={"household_id": str(ids[0]), "items": "آٹا"})
    problems = {}
    for path in ("/admin/", "/admin/disaster", f"/admin/disaster/{event_id}", f"/admin/disaster/{event_id}/print"):
        response = client.get(path)
        assert response.status_code == 200, path
        words = [w for w in english_words(page_text(response)) if w not in {"Zainab", "Bibi", "Akram", "Ali", "Tariq",
                                                                          "Mehmood", "Chak", "Near", "the", "canal",
                                                                          "bridge", "CSV"}]
        if words:
            problems[path] = words
    assert problems == {}


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-1", "1e400", "abc"])
def test_a_score_limit_that_is_not_a_number_from_0_to_100_is_refused_with_a_message(client, login_as, two_tehsils,
                                                                                    value):
    event_id, _ = two_tehsils
    login_as("admin")
    _english(client)
    response = client.get(f"/admin/disaster/{event_id}", query_string={"apply": "1", "score_below": value})
    assert response.status_code == 422
    assert client.get(f"/admin/disaster/{event_id}/list.csv", query_string={"score_below": value}).status_code == 400
    assert client.get(f"/admin/disaster/{event_id}/print", query_string={"score_below": value}).status_code == 400
