"""A planner reads the programmes' rules in words, edits a draft, simulates it, activates it and takes the
eligible list away as CSV or XLSX; a citizen reads on /me which programmes the household qualifies for."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import AuditEntry, BackgroundJob, ProgrammeCount, ProgrammeRule, User
from app.services import household_facts
from tests.factories import make_household
from tests.helpers import html_escape, page_text, urdu

VERIFIED = {"fact": "status", "op": "=", "value": "verified"}


@pytest.fixture
def seeded(app, db):
    from app.services.programmes import seed_programmes

    seed_programmes(db)
    db.commit()


def scored(db, score, **fields):
    household = make_household(db, status="verified", area="Lahore", **fields)
    household_facts.refresh(db, household, date(2026, 11, 24))
    household.score, household.score_band = score, "poor" if score <= 32 else "better_off"
    db.commit()
    return household


def english_words(html: str) -> list[str]:
    html = re.sub(r"<(script|style|textarea|bdi|code)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    allowed = {"PSER", "English", "JSON", "CSV", "XLSX", "Test", "Person", "Head", "poor", "better_off"}
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'_-]{2,}", text) if w not in allowed]


def test_the_programmes_page_lists_each_rule_in_urdu_words_with_its_counts(app, client, login_as, seeded, db):
    scored(db, 10.0)
    from app.services.programmes import refresh_counts
    from app.unit_of_work import service_context

    refresh_counts(db, service_context(app))
    db.commit()
    login_as("admin")
    response = client.get("/admin/programmes")
    html = page_text(response)
    assert response.status_code == 200 and 'lang="ur"' in html and "Vary" in response.headers
    assert "رمضان پیکج" in html and "صحت کارڈ" in html
    assert urdu(app, "%(fact)s is %(value)s or less", fact=urdu(app, "score (0 to 100, lower is poorer)"), value="32") in html
    assert english_words(html) == []
    row = re.search(r"رمضان پیکج</a>.*?</th>\s*<td>.*?</td>\s*<td>([^<]+)</td>", html, re.S)
    assert row and row.group(1).strip() == "1"


@pytest.mark.parametrize("role", ["citizen", "supervisor", "helpdesk", "enumerator"])
def test_only_an_admin_may_open_or_change_programmes(client, login_as, seeded, role):
    login_as(role, area="Lahore" if role in ("supervisor", "enumerator") else None)
    assert client.get("/admin/programmes").status_code == 403
    assert client.get("/admin/programmes/ramzan_package/eligible.csv").status_code == 403
    assert client.post("/admin/programmes/ramzan_package", data={"rule": json.dumps({"all": [VERIFIED]})}).status_code == 403


def test_an_unknown_programme_is_not_found(client, login_as, seeded):
    login_as("admin")
    assert client.get("/admin/programmes/free_cars").status_code == 404


@pytest.mark.parametrize("htmx", [False, True])
def test_a_rule_that_is_not_json_gets_a_clear_urdu_message_and_a_422(app, client, login_as, seeded, htmx):
    login_as("admin")
    client.get("/admin/programmes/ramzan_package")
    response = client.post("/admin/programmes/ramzan_package", data={"rule": '{"all": [ }'}, htmx=htmx)
    html = page_text(response)
    assert response.status_code == 422
    assert html_escape(urdu(app, "The rule is not valid JSON (near line %(line)s). Check the brackets, commas and quotes.", line=1)) in html
    assert ("<html" in html) is not htmx  # htmx gets the editor block only
    assert 'id="rule-editor"' in html


def test_a_rule_with_an_unknown_fact_and_a_wrong_value_names_both_in_urdu(app, client, login_as, seeded, db):
    login_as("admin")
    client.get("/admin/programmes/ramzan_package")
    bad = {"all": [VERIFIED, {"fact": "income", "op": "<", "value": 5}, {"fact": "score", "op": "<", "value": "low"}]}
    response = client.post("/admin/programmes/ramzan_package", data={"rule": json.dumps(bad)}, htmx=True)
    html = page_text(response)
    assert response.status_code == 422
    assert "نامعلوم حقیقت" in html and "کے لیے عدد درکار ہے" in html
    assert db.scalar(select(ProgrammeRule).where(ProgrammeRule.state == "draft")) is None


@pytest.mark.parametrize("garbage", ["", "null", "[]", "42", '"text"', '{"not": null}', "{" * 5000, '{"all": [' * 400])
def test_garbage_rules_never_give_a_500(client, login_as, seeded, garbage):
    login_as("admin")
    client.get("/admin/programmes/ramzan_package")
    assert client.post("/admin/programmes/ramzan_package", data={"rule": garbage}).status_code == 422


def test_edit_simulate_activate_a_rule_and_see_the_versions(app, client, login_as, seeded, db):
    scored(db, 10.0)
    scored(db, 40.0)
    admin = login_as("admin")
    client.get("/admin/programmes/ramzan_package")
    rule = {"all": [VERIFIED, {"fact": "score", "op": "<=", "value": 45}]}
    response = client.post("/admin/programmes/ramzan_package", data={"rule": json.dumps(rule), "note": "wider"})
    assert response.status_code == 303
    page = page_text(client.get("/admin/programmes/ramzan_package"))
    assert html_escape(urdu(app, "This draft has not been simulated yet.")) in page
    refused = client.post("/admin/programmes/ramzan_package/activate", data={"digest": "nope"})
    assert refused.status_code == 422
    assert client.post("/admin/programmes/ramzan_package/simulate").status_code == 303  # inline without Redis
    page = page_text(client.get("/admin/programmes/ramzan_package"))
    assert html_escape(urdu(app, "Only under the draft (would be added)")) in page
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page).group(1)
    assert client.post("/admin/programmes/ramzan_package/activate", data={"digest": digest}).status_code == 303
    states = dict(db.execute(select(ProgrammeRule.version, ProgrammeRule.state).join(ProgrammeRule.programme)
                             .where(ProgrammeRule.programme.has(code="ramzan_package"))).all())
    assert states == {1: "retired", 2: "active"}
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "programme.activate"))
    assert entry.actor_id == admin.id and entry.detail["version"] == 2
    totals = {c.programme_id: c.households for c in db.scalars(select(ProgrammeCount))}
    assert sum(totals.values()) >= 2  # the refresh job ran after activation (inline)
    simulation = db.scalar(select(BackgroundJob).where(BackgroundJob.kind == "programmes.simulate"))
    assert simulation.result["eligible"] == 2 and simulation.result["was"] == 1


def test_the_htmx_simulation_block_refreshes_alone(client, login_as, seeded):
    login_as("admin")
    response = client.get("/admin/programmes/ramzan_package?part=simulation", headers={"HX-Request": "true"})
    html = page_text(response)
    assert response.status_code == 200 and 'id="simulation"' in html and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_csv_list_has_the_programmes_columns_only_and_is_audited(app, client, login_as, seeded, db):
    household = scored(db, 12.0, head_cnic="35202-7654321-3")
    admin = login_as("admin")
    response = client.get("/admin/programmes/ramzan_package/eligible.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["household_id", "district", "tehsil", "head_name", "head_cnic_masked", "member_count"]
    assert rows[1][0] == str(household.id) and rows[1][4] == "35202-*****21-3" and len(rows) == 2
    assert "7654321" not in text
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "programme.export"))
    assert entry.actor_id == admin.id and entry.detail["rows"] == 1 and entry.detail["format"] == "csv"
    atta = client.get("/admin/programmes/sasta_atta/eligible.csv").get_data(as_text=True)
    assert atta.lstrip("\ufeff").splitlines()[0] == "household_id,district,tehsil,member_count"


def test_the_xlsx_list_is_written_by_a_job_and_downloaded_from_its_link(app, client, login_as, seeded, db, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "PROGRAMME_EXPORT_DIR", str(tmp_path))
    for score in (5.0, 20.0):
        scored(db, score)
    admin = login_as("admin")
    assert client.get("/admin/programmes/ramzan_package/eligible.xlsx").status_code == 303  # none yet
    client.get("/admin/programmes/ramzan_package")
    assert client.post("/admin/programmes/ramzan_package/eligible.xlsx").status_code == 303
    job = db.scalar(select(BackgroundJob).where(BackgroundJob.kind == "programmes.export_xlsx"))
    assert job.state == "done" and job.result["rows"] == 2
    page = page_text(client.get("/admin/programmes/ramzan_package"))
    assert f"eligible.xlsx?job={job.id}" in page
    response = client.get(f"/admin/programmes/ramzan_package/eligible.xlsx?job={job.id}")
    assert response.status_code == 200
    data = response.data
    response.close()
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    values = list(sheet.values)
    assert values[0] == ("household_id", "district", "tehsil", "head_name", "head_cnic_masked", "member_count")
    assert len(values) == 3
    actions = {e.action: e for e in db.scalars(select(AuditEntry).where(AuditEntry.action.like("programme.%")))}
    assert actions["programme.export"].detail["rows"] == 2 and actions["programme.export"].actor_id == admin.id
    assert actions["programme.download"].actor_id == admin.id
    jobs_page = page_text(client.get("/admin/jobs"))
    assert html_escape(urdu(app, "Eligible list (XLSX)")) in jobs_page
    assert f"/admin/programmes/ramzan_package/eligible.xlsx?job={job.id}" in jobs_page
    assert client.get(f"/admin/programmes/sasta_atta/eligible.xlsx?job={job.id}").status_code == 303  # not its job


def test_the_programme_counts_partial_draws_bars_and_a_table(app, client, login_as, seeded, db):
    scored(db, 10.0)
    from flask import render_template

    from app.services.programmes import programme_counts, refresh_counts
    from app.unit_of_work import service_context

    refresh_counts(db, service_context(app))
    db.commit()
    with app.test_request_context("/admin/"):
        html = render_template("admin/_programme_counts.html", programme_counts=programme_counts(db))
    assert "<svg" in html and "<table>" in html and "رمضان پیکج" in html


def test_a_verified_citizen_reads_which_programmes_the_household_qualifies_for_and_why_not(app, client, login_as, seeded, db):
    user = login_as("citizen")
    citizen = db.get(User, user.id)
    household = citizen.household
    from app.models import HouseholdMember

    db.add(HouseholdMember(household_id=household.id, position=1, name="Citizen Head", relation="head", sex="female",
                           dob=date(1985, 1, 1), marital_status="married"))
    db.add(HouseholdMember(household_id=household.id, position=2, name="Secret Sister", relation="sister", sex="female",
                           dob=date(1990, 1, 1), marital_status="widowed", cnic="35202-1111111-2"))
    db.flush()
    household_facts.refresh(db, household, date(2026, 11, 24))
    household.status, household.score, household.score_band = "verified", 38.5, "vulnerable"
    db.commit()
    html = page_text(client.get("/me"))
    assert urdu(app, "Your household is eligible for %(programme)s.", programme="سستا آٹا") in html
    assert urdu(app, "Your household is not eligible for %(programme)s because:", programme="رمضان پیکج") in html
    assert "آپ کا گھرانہ: 38.5" in html
    assert "Secret" not in html and "1111111" not in html


def test_an_unverified_household_is_told_programmes_come_after_verification(app, client, login_as, seeded):
    login_as("citizen")
    html = page_text(client.get("/me"))
    assert urdu(app, "Programmes are decided after your household has been surveyed and verified.") in html


def test_the_admin_counts_the_eligible_households_again_from_the_list(app, client, login_as, seeded, db):
    scored(db, 10.0)
    login_as("admin")
    client.get("/admin/programmes")
    assert db.scalar(select(ProgrammeCount.households)) is None
    assert client.post("/admin/programmes").status_code == 303
    html = page_text(client.get("/admin/programmes"))
    row = re.search(r"رمضان پیکج</a>.*?</th>\s*<td>.*?</td>\s*<td>([^<]+)</td>", html, re.S)
    assert row and row.group(1).strip() == "1"


def test_the_rule_reads_in_words_or_shows_its_problems_while_it_is_typed(app, client, login_as, seeded):
    login_as("admin")
    client.get("/admin/programmes/ramzan_package")
    good = {"all": [VERIFIED, {"fact": "head_marital_status", "op": "=", "value": "widowed"}]}
    html = page_text(client.post("/admin/programmes/ramzan_package/preview", data={"rule": json.dumps(good)}, htmx=True))
    assert 'id="rule-preview"' in html and "<html" not in html
    assert urdu(app, "%(fact)s is %(value)s", fact=urdu(app, "marital status of the head of household"),
                value=urdu(app, "Widowed")) in html
    html = page_text(client.post("/admin/programmes/ramzan_package/preview", data={"rule": "{"}, htmx=True))
    assert "درست JSON نہیں" in html


def test_a_failed_htmx_save_with_a_draft_waiting_shows_the_editor_with_the_draft_in_words(app, client, login_as, seeded):
    login_as("admin")
    client.get("/admin/programmes/ramzan_package")
    rule = {"all": [VERIFIED, {"fact": "score", "op": "<", "value": 20}]}
    assert client.post("/admin/programmes/ramzan_package", data={"rule": json.dumps(rule)}).status_code == 303
    client.get("/admin/programmes/ramzan_package")
    response = client.post("/admin/programmes/ramzan_package", data={"rule": "[1"}, htmx=True)
    html = page_text(response)
    assert response.status_code == 422 and "<html" not in html
    assert urdu(app, "Draft version %(version)s in words", version=2) in html


def test_a_planner_who_chose_english_reads_the_rules_and_errors_in_english(app, client, login_as, seeded):
    login_as("admin")
    client.get("/lang/en")
    html = page_text(client.get("/admin/programmes"))
    assert 'lang="en"' in html and "Ramzan package" in html
    assert "score (0 to 100, lower is poorer) is 32 or less" in html
    client.get("/admin/programmes/ramzan_package")
    bad = {"all": [VERIFIED, {"fact": "district", "op": "=", "value": "Atlantis"}]}
    response = client.post("/admin/programmes/ramzan_package", data={"rule": json.dumps(bad)}, htmx=True)
    assert response.status_code == 422
    assert html_escape('all[1].value: unknown district "Atlantis"') in page_text(response)
