"""An enumerator surveys a five-member household on a phone, in Urdu, and the network drops in the middle."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.models import Household, HouseholdMember
from tests.conftest import PASSWORD
from tests.helpers import urdu

pytestmark = pytest.mark.browser

FAMILY = [
    {"name": "Akram Ali", "relation": "head", "sex": "male", "dob": "1978-03-10", "cnic": "35202-7777777-1", "marital": "married", "education": "matric", "employment": "daily_wage"},
    {"name": "Razia Bibi", "relation": "spouse", "sex": "female", "dob": "1982-07-21", "cnic": "35202-7777778-2", "marital": "married", "education": "primary", "employment": "housework"},
    {"name": "Usman", "relation": "son", "sex": "male", "dob": "2017-01-05", "enrolled": "yes", "education": "primary", "employment": "student"},
    {"name": "Hira", "relation": "daughter", "sex": "female", "dob": "2019-09-30", "enrolled": "yes", "education": "none", "employment": "student"},
    {"name": "Zainab", "relation": "mother", "sex": "female", "age": "70", "marital": "widowed", "education": "none", "employment": "unable", "disability": "visual"},
]


def _start_household_at_the_door(app, page, live_server, enumerator, head_cnic):
    """Sign in as the enumerator and start a household; the page ends on its consent section."""
    page.goto(f"{live_server}/login")
    page.get_by_label(urdu(app, "CNIC number")).fill(enumerator.cnic)
    page.get_by_label(urdu(app, "Password")).fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/enumerator/$"))
    page.get_by_text(urdu(app, "Start a new household")).click()
    page.get_by_label(urdu(app, "CNIC of the head of household")).fill(head_cnic)
    page.get_by_role("button", name=urdu(app, "Start the questionnaire")).click()
    page.wait_for_url(re.compile(r"/consent$"))


def _add_member(page, member):
    form = page.locator("#member-form")
    form.locator("#name").fill(member["name"])
    form.locator("#relation").select_option(member["relation"])
    form.locator("#sex").select_option(member["sex"])
    if "dob" in member:
        form.locator("#dob").fill(member["dob"])
    else:
        form.locator("#age_years").fill(member["age"])
    if "cnic" in member:
        form.locator("#cnic").fill(member["cnic"])
    if "marital" in member:
        form.locator("#marital_status").select_option(member["marital"])
    else:
        assert form.locator("#marital_status").is_hidden(), "a child is not asked marital status"
    if "enrolled" in member:
        form.locator("#enrolled-0" if member["enrolled"] == "yes" else "#enrolled-1").check()
    form.locator("#disability").select_option(member.get("disability", "none"))
    form.locator("#chronic_illness-1").check()
    form.locator("#can_read-0").check()
    form.locator("#education").select_option(member["education"])
    form.locator("#employment").select_option(member["employment"])


def _save_member(page, count):
    page.locator("#member-form button[type=submit]").click()
    expect(page.locator("ul.members > li")).to_have_count(count, timeout=20000)


def test_enumerator_surveys_five_members_with_the_network_dropping(app, live_server, browser, make_user, artifacts, db):
    enumerator = make_user("enumerator", cnic="35202-0000001-1", area="Lahore")
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _start_household_at_the_door(app, page, live_server, enumerator, "۳۵۲۰۲۷۷۷۷۷۷۷۱")
    page.locator("#consent_given-0").check()
    page.locator("#tehsil").select_option(index=1)
    page.get_by_label(urdu(app, "Union council")).fill("UC 45")
    page.get_by_label(urdu(app, "Village or mohalla")).fill("Mozang")
    page.get_by_role("button", name=urdu(app, "Save and continue")).click()
    page.wait_for_url(re.compile(r"/members$"))

    for i, member in enumerate(FAMILY[:2], start=1):
        _add_member(page, member)
        _save_member(page, i)

    # The network drops while the third member is being saved: nothing typed is lost, and the save goes
    # through once the connection returns, exactly once.
    _add_member(page, FAMILY[2])
    context.set_offline(True)
    page.locator("#member-form button[type=submit]").click()
    page.locator("#connection").wait_for(state="visible")
    assert page.locator("#member-form #name").input_value() == "Usman"
    page.screenshot(path=str(artifacts / "enumerator-offline.png"), full_page=True)
    context.set_offline(False)
    expect(page.locator("ul.members > li")).to_have_count(3, timeout=30000)
    assert page.locator("#connection").is_hidden()

    for i, member in enumerate(FAMILY[3:], start=4):
        _add_member(page, member)
        _save_member(page, i)
    page.screenshot(path=str(artifacts / "enumerator-members.png"), full_page=True)

    page.goto(page.url.replace("/members", "/housing"))
    for name, value in (("tenure", "owned"), ("roof", "iron_sheet"), ("walls", "burnt_brick"), ("toilet", "flush_pit"),
                        ("water", "hand_pump"), ("electricity", "grid"), ("cooking_fuel", "wood")):
        page.locator(f"#{name}").select_option(value)
    page.locator("#rooms").fill("۲")
    page.get_by_role("button", name=urdu(app, "Save and continue")).click()
    page.wait_for_url(re.compile(r"/assets$"))
    page.locator("input[name=assets][value=tv]").check()
    page.locator("#goats_sheep").fill("4")
    page.get_by_role("button", name=urdu(app, "Save and continue")).click()
    page.wait_for_url(re.compile(r"/income$"))
    page.locator("#main_income_source").select_option("wages")
    page.locator("#monthly_income").fill("28000")
    for name in ("has_bank_account", "bisp_beneficiary", "receives_remittances"):
        page.locator(f"#{name}-1").check()
    page.get_by_role("button", name=urdu(app, "Save and continue")).click()
    page.wait_for_url(re.compile(r"/review$"))
    page.screenshot(path=str(artifacts / "enumerator-review.png"), full_page=True)
    page.get_by_role("button", name=urdu(app, "Submit the questionnaire")).click()
    page.wait_for_url(re.compile(r"/enumerator/$"))

    assert db.scalar(select(func.count()).select_from(HouseholdMember)) == 5
    household = db.scalars(select(Household)).one()
    assert household.status == "submitted" and household.rooms == 2
    assert errors == []
    context.close()


def test_the_questionnaire_works_with_javascript_off(app, live_server, browser, make_user):
    enumerator = make_user("enumerator", cnic="35202-0000003-1", area="Lahore")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    _start_household_at_the_door(app, page, live_server, enumerator, "35202-8888888-1")
    page.goto(page.url.replace("/consent", "/housing"))
    page.locator("#rooms").fill("many")
    page.get_by_role("button", name=urdu(app, "Save and continue")).click()
    expect(page.locator("#rooms-error")).to_be_visible()  # refused, whole page re-rendered, answer kept
    assert page.locator("#rooms").input_value() == "many"
    page.locator("#rooms").fill("3")
    for name, value in (("tenure", "owned"), ("roof", "rcc"), ("walls", "burnt_brick"), ("toilet", "flush_pit"),
                        ("water", "piped"), ("electricity", "grid"), ("cooking_fuel", "lpg")):
        page.locator(f"#{name}").select_option(value)
    page.get_by_role("button", name=urdu(app, "Save and continue")).click()
    page.wait_for_url(re.compile(r"/assets$"))
    context.close()
