"""A citizen files a complaint in Urdu without an account; an agent answers and resolves it; the citizen
tracks it, sees every public step and rates it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.helpers import urdu

pytestmark = pytest.mark.browser


def test_complaint_filed_answered_resolved_and_rated_in_urdu(app, live_server, browser, make_user, artifacts):
    citizen = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = citizen.new_page()
    page.goto(f"{live_server}/complaints/new")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_label(urdu(app, "CNIC number")).fill("۳۵۲۰۲۱۲۳۴۵۶۷۱")
    page.get_by_label(urdu(app, "Mobile number")).fill("03001234567")
    page.get_by_label(urdu(app, "What is the complaint about?")).select_option("not_surveyed")
    page.get_by_label(urdu(app, "District")).select_option("DST-LHR")
    page.get_by_label(urdu(app, "Describe the problem")).fill("Survey team did not come to our street in Mozang.")
    page.get_by_role("button", name=urdu(app, "Send the complaint")).click()
    tracking_el = page.locator(".tracking")
    tracking_el.wait_for()
    tracking = tracking_el.inner_text()
    assert re.fullmatch(r"PSER-C-\d{4}-\d{6}", tracking)
    page.screenshot(path=str(artifacts / "complaint-filed.png"), full_page=True)

    agent_user = make_user("helpdesk", cnic="35202-0000007-1", name="Ayesha Malik")
    agent = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    agent.goto(f"{live_server}/login")
    agent.get_by_label(urdu(app, "CNIC number")).fill(agent_user.cnic)
    agent.get_by_label(urdu(app, "Password")).fill(PASSWORD)
    agent.locator("#login-form button[type=submit]").click()
    agent.wait_for_url(re.compile(r"/helpdesk/$"))
    agent.get_by_role("link", name=tracking).click()
    agent.wait_for_url(re.compile(r"/helpdesk/complaints/\d+$"))
    agent.get_by_role("button", name=urdu(app, "Assign")).click()
    expect(agent.locator("dl.summary")).to_contain_text("Ayesha Malik")
    agent.locator("#target").select_option("resolved")
    agent.locator("#resolution").fill("Our team surveyed your household on Saturday.")
    agent.get_by_role("button", name=urdu(app, "Change state")).click()
    expect(agent.locator("dl.summary")).to_contain_text(urdu(app, "Resolved"))
    agent.screenshot(path=str(artifacts / "helpdesk-complaint.png"), full_page=True)

    page.goto(f"{live_server}/complaints/track")
    page.get_by_label(urdu(app, "Tracking number")).fill(tracking.lower())
    page.get_by_label(urdu(app, "CNIC number")).fill("35202-1234567-1")
    page.get_by_role("button", name=urdu(app, "Track"), exact=True).click()
    result = page.locator("#track-result")
    expect(result).to_contain_text("Our team surveyed your household on Saturday.")
    expect(result).to_contain_text(urdu(app, "Given to an officer"))
    page.locator("#rating-3").check()
    page.get_by_role("button", name=urdu(app, "Send rating")).click()
    expect(page.locator("#track-result h2")).to_contain_text(urdu(app, "Closed"))
    page.screenshot(path=str(artifacts / "complaint-tracked.png"), full_page=True)
    citizen.close()
