"""An administrator, in Urdu on a laptop, appoints a district's supervisor and enumerator, schedules the
district's survey (a wrong date first, told beside the field), and a citizen of that district then sees the
survey on their page and got one SMS."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.models import SmsMessage, User, UserArea
from tests.conftest import PASSWORD
from tests.helpers import urdu

pytestmark = pytest.mark.browser


def _sign_in(app, page, live_server, cnic, password=PASSWORD):
    page.goto(f"{live_server}/login")
    page.get_by_label(urdu(app, "CNIC number")).fill(cnic)
    page.get_by_label(urdu(app, "Password")).fill(password)
    page.locator("#login-form button[type=submit]").click()


def test_an_admin_appoints_a_district_team_and_schedules_it_and_a_citizen_sees_it(app, browser, live_server,
                                                                                   make_user, db):
    admin = make_user("admin")
    citizen = make_user("citizen", area="Lahore", cnic="35202-5000001-2", mobile="03005550001")
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _sign_in(app, page, live_server, admin.cnic)
    page.wait_for_url(re.compile(r"/admin/$"))

    page.get_by_role("link", name=urdu(app, "Staff"), exact=True).click()
    page.get_by_role("link", name=urdu(app, "New staff account")).click()
    page.locator("#full_name").fill("Imran Qureshi")
    page.locator("#cnic").fill("35202-3333333-5")
    page.locator("#role").select_option("supervisor")
    page.locator("#areas").select_option(["DST-LHR", "DST-KSR"])
    page.locator("#staff-form button[type=submit]").click()
    one_time = page.locator(".one-time code")
    expect(one_time).to_have_text(re.compile(r"^[A-Za-z0-9]{12}$"))

    page.goto(f"{live_server}/admin/schedules")
    today = datetime.now(UTC).date()
    page.locator("#area").select_option("DST-LHR")
    page.locator("#starts_on").fill((today + timedelta(days=5)).isoformat())
    page.locator("#ends_on").fill((today + timedelta(days=2)).isoformat())
    page.locator("#message_ur").fill("اپنا شناختی کارڈ تیار رکھیں")
    page.locator("#message_en").fill("Keep your CNIC ready")
    page.locator("#schedule-form button[type=submit]").click()
    expect(page.locator("#ends_on-error")).to_have_text(
        urdu(app, "The last day comes before the first day. Please check the dates."))
    page.locator("#ends_on").fill((today + timedelta(days=12)).isoformat())
    page.locator("#schedule-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/schedules$"))
    expect(page.locator("#schedule-list")).to_contain_text("لاہور")
    assert [e for e in errors if "status of 422" not in e] == []  # the refused date is a 422, as designed
    context.close()

    supervisor = db.scalars(select(User).where(User.cnic == "35202-3333333-5")).one()
    assert len(db.scalars(select(UserArea).where(UserArea.user_id == supervisor.id)).all()) == 2
    assert db.scalars(select(SmsMessage.to_mobile).where(SmsMessage.purpose == "survey_schedule")).all() == [
        "03005550001"]

    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = phone.new_page()
    _sign_in(app, page, live_server, citizen.cnic)
    page.wait_for_url(re.compile(r"/me$"))
    expect(page.locator("section.schedule")).to_contain_text("اپنا شناختی کارڈ تیار رکھیں")
    expect(page.get_by_role("heading", name=urdu(app, "Survey in your area"), exact=True)).to_be_visible()
    phone.close()
