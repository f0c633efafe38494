"""A supervisor, in Urdu on a phone, opens the possible duplicate members of their district, compares a pair
side by side (the CNIC masked) and decides: the same person or different people. Another district's
supervisor sees none of it. The enumerator records each member's father's or husband's name."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from app.models import AuditEntry, DuplicatePair, HouseholdMember
from app.services import duplicates
from app.services.context import ServiceContext
from tests.factories import make_household
from tests.helpers import page_text, urdu
from tests.survey_helpers import HEAD, form_of, start_household


def _plant_pair(app, db) -> DuplicatePair:
    """Two households of Lahore with the same child, once in Urdu and once in Latin letters, his day and
    month of birth swapped; the pair recorded as a submit records it."""
    urdu_home = make_household(db, area="Lahore", status="submitted", head_cnic="35202-1212121-1", members=[
        {"name": "محمد اسلم", "relation": "head", "sex": "male", "dob": date(1980, 1, 1), "cnic": "35202-1212121-1",
         "marital_status": "married"},
        {"name": "محمد بلال", "relation": "son", "sex": "male", "dob": date(2015, 3, 7),
         "father_or_husband_name": "محمد اسلم", "cnic": "35202-9876543-1"}])
    latin_home = make_household(db, area="Lahore", status="submitted", head_cnic="35202-3434343-1", members=[
        {"name": "Akbar Ali", "relation": "head", "sex": "male", "dob": date(1975, 1, 1), "cnic": "35202-3434343-1",
         "marital_status": "married"},
        {"name": "Muhammad Bilal", "relation": "son", "sex": "male", "dob": date(2015, 7, 3),
         "father_or_husband_name": "Muhammad Aslam"}])
    db.commit()
    ctx = ServiceContext.from_config(app.config)
    duplicates.record_candidates(db, ctx, latin_home)
    db.commit()
    [pair] = db.scalars(select(DuplicatePair)).all()
    assert {pair.household_a_id, pair.household_b_id} == {urdu_home.id, latin_home.id}
    return pair


def test_a_supervisor_lists_the_open_pairs_of_their_district_in_urdu_whole_or_as_the_list_block(app, client, login_as, db):
    pair = _plant_pair(app, db)
    login_as("supervisor", area="Lahore")
    response = client.get("/supervisor/duplicates")
    html = page_text(response)
    assert response.status_code == 200 and 'lang="ur" dir="rtl"' in html
    assert f"/supervisor/duplicates/{pair.id}" in html and "محمد بلال" in html and "Muhammad Bilal" in html
    assert urdu(app, "Possible duplicate members") in html
    assert "HX-Request" in response.headers.get("Vary", "")

    fragment = client.get("/supervisor/duplicates", headers={"HX-Request": "true"})
    body = page_text(fragment)
    assert fragment.status_code == 200 and "<html" not in body and 'id="pairs"' in body
    assert f"/supervisor/duplicates/{pair.id}" in body
    assert "/supervisor/duplicates" in page_text(client.get("/supervisor/"))  # linked from the home


def test_the_pair_side_by_side_masks_the_cnic_and_the_look_is_audited(app, client, login_as, db):
    pair = _plant_pair(app, db)
    supervisor = login_as("supervisor", area="Lahore")
    html = page_text(client.get(f"/supervisor/duplicates/{pair.id}"))
    assert urdu(app, "Father's or husband's name") in html and "محمد اسلم" in html and "Muhammad Aslam" in html
    assert "35202-*****43-1" in html and "9876543" not in html
    assert urdu(app, "Same person") in html and urdu(app, "Different people") in html
    db.expire_all()
    # One read of each household shown, with the reason the citizens read on /me/access.
    seen = db.scalars(select(AuditEntry).where(AuditEntry.action == "household.view")).all()
    assert {e.household_id for e in seen} == {pair.household_a_id, pair.household_b_id}
    assert all(e.actor_id == supervisor.id and e.reason == "duplicate-check" and e.detail["pair"] == pair.id
               for e in seen)


def test_deciding_same_person_sticks_is_idempotent_and_leaves_the_list(app, client, login_as, db):
    pair = _plant_pair(app, db)
    login_as("supervisor", area="Lahore")
    client.get(f"/supervisor/duplicates/{pair.id}")
    response = client.post(f"/supervisor/duplicates/{pair.id}", data={"decision": "duplicate"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/supervisor/duplicates/{pair.id}")
    again = client.post(f"/supervisor/duplicates/{pair.id}", data={"decision": "duplicate"}, htmx=True)
    assert again.status_code == 200 and "<html" not in page_text(again)
    assert urdu(app, "Decided: the same person.") in page_text(again)
    db.expire_all()
    assert db.get(DuplicatePair, pair.id).state == "duplicate"
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "duplicates.decide")).all()) == 1
    assert f"/supervisor/duplicates/{pair.id}" not in page_text(client.get("/supervisor/duplicates"))
    # Nothing merged: both children are still there.
    assert len(db.scalars(select(HouseholdMember).where(HouseholdMember.name_key == "mhmd bl")).all()) == 2


def test_a_decision_without_a_choice_is_told_in_urdu_with_422_and_the_form(app, client, login_as, db):
    pair = _plant_pair(app, db)
    login_as("supervisor", area="Lahore")
    client.get(f"/supervisor/duplicates/{pair.id}")
    response = client.post(f"/supervisor/duplicates/{pair.id}", data={"decision": "merge"}, htmx=True)
    html = page_text(response)
    assert response.status_code == 422 and 'id="decision"' in html and "<html" not in html
    assert 'class="error"' in html
    full = client.post(f"/supervisor/duplicates/{pair.id}", data={})
    assert full.status_code == 422 and "<html" in page_text(full)
    db.expire_all()
    assert db.get(DuplicatePair, pair.id).state == "open"


def test_a_supervisor_of_another_district_sees_no_pair_and_cannot_decide(app, client, login_as, db):
    pair = _plant_pair(app, db)
    login_as("supervisor", area="Multan")
    assert f"/supervisor/duplicates/{pair.id}" not in page_text(client.get("/supervisor/duplicates"))
    assert client.get(f"/supervisor/duplicates/{pair.id}").status_code == 404
    assert client.get(f"/supervisor/duplicates/{pair.id}", headers={"HX-Request": "true"}).status_code == 404
    assert client.post(f"/supervisor/duplicates/{pair.id}", data={"decision": "distinct"}).status_code == 404
    db.expire_all()
    assert db.get(DuplicatePair, pair.id).state == "open"
    assert client.get("/supervisor/duplicates?cursor=not-a-cursor").status_code == 400


def test_an_enumerator_is_refused_the_duplicate_pages(app, client, login_as, db):
    pair = _plant_pair(app, db)
    login_as("enumerator", area="Lahore")
    assert client.get("/supervisor/duplicates").status_code == 403
    assert client.get(f"/supervisor/duplicates/{pair.id}").status_code == 403


def test_the_member_form_asks_the_father_or_husbands_name_in_urdu_and_keeps_it(app, client, login_as, db):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    html, hidden_fields = form_of(client, f"{base}/members")
    assert urdu(app, "Father's or husband's name") in html and 'name="father_or_husband_name"' in html
    response = client.client.post(f"{base}/members", data={**hidden_fields, **HEAD,
                                                              "father_or_husband_name": "غلام رسول"})
    assert response.status_code == 302
    db.expire_all()
    member = db.scalars(select(HouseholdMember)).one()
    assert member.father_or_husband_name == "غلام رسول" and member.name_key == "akrm al"
    review = page_text(client.get(f"{base}/review"))
    assert re.search(re.escape(urdu(app, "Father's or husband's name")) + r".*غلام رسول", review, re.S)
