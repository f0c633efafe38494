"""A citizen who reads Urdu registers on a phone, verifies the mobile with the SMS code, and checks the status."""
from __future__ import annotations

import re

import pytest

from tests.conftest import outbox_codes
from tests.helpers import urdu

pytestmark = pytest.mark.browser


def test_citizen_registers_in_urdu_verifies_by_otp_and_checks_status(app, live_server, page, artifacts):
    page.goto(f"{live_server}/register")
    assert page.locator("html").get_attribute("lang") == "ur"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("typeof htmx") == "object", "htmx loaded from static/"

    # Inline check as the citizen leaves the CNIC field: the message appears without a page load.
    page.get_by_label(urdu(app, "CNIC number")).fill("۳۵۲۰۲")
    page.get_by_label(urdu(app, "Full name (as on your CNIC)")).focus()
    error = page.locator("#cnic-error")
    error.wait_for()
    assert error.inner_text() == urdu(app, "A CNIC has 13 digits, for example 35202-1234567-1.")

    page.get_by_label(urdu(app, "Full name (as on your CNIC)")).fill("Fatima Bibi")
    page.get_by_label(urdu(app, "CNIC number")).fill("۳۵۲۰۲-۷۶۵۴۳۲۱-۴")
    page.get_by_label(urdu(app, "Mobile network")).select_option("telenor")
    page.get_by_label(urdu(app, "Mobile number")).fill("03451234567")
    page.get_by_label(urdu(app, "Password"), exact=True).fill("Kites-Over-Ravi-77")
    page.get_by_label(urdu(app, "Confirm password")).fill("Kites-Over-Ravi-77")
    page.screenshot(path=str(artifacts / "1-register-urdu.png"), full_page=True)
    page.get_by_role("button", name=urdu(app, "Create account")).click()

    page.wait_for_url(re.compile(r"/verify$"))
    code = outbox_codes(app, "03451234567")[-1]
    page.get_by_label(urdu(app, "6-digit code")).fill(code)
    page.get_by_role("button", name=urdu(app, "Verify"), exact=True).click()
    page.wait_for_url(re.compile(r"/me$"))  # the right code signs the citizen in

    page.goto(f"{live_server}/status")
    page.get_by_label(urdu(app, "CNIC number")).fill("3520276543214")
    page.get_by_role("button", name=urdu(app, "Check"), exact=True).click()
    result = page.locator("#status-result h2")
    result.wait_for()
    assert urdu(app, "Registered online") in result.inner_text()
    assert "F*** B***" in page.locator("#status-result").inner_text()
    page.screenshot(path=str(artifacts / "citizen-journey-status.png"), full_page=True)
    # No CSP violation, no script error; a 422 answer to a refused field is expected, not an error.
    problems = [e for e in page.console_errors if "status of 422" not in e]
    assert problems == [], problems


def test_status_lookup_works_with_javascript_off(app, live_server, browser, artifacts):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server}/status")
    page.get_by_label(urdu(app, "CNIC number")).fill("35202-9999999-8")
    page.get_by_role("button", name=urdu(app, "Check"), exact=True).click()
    page.wait_for_load_state()
    assert urdu(app, "This CNIC is not registered") in page.locator("#status-result").inner_text()
    page.screenshot(path=str(artifacts / "status-no-javascript.png"), full_page=True)
    context.close()


def test_signed_in_citizen_sees_timeline_in_urdu(app, live_server, page, make_user, artifacts):
    from tests.conftest import PASSWORD

    user = make_user("citizen", cnic="35202-1000003-2", name="Ahmad Raza")
    page.goto(f"{live_server}/login")
    page.get_by_label(urdu(app, "CNIC number")).fill(user.cnic)
    page.get_by_label(urdu(app, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=urdu(app, "Sign in")).last.click()
    page.wait_for_url(re.compile(r"/me$"))
    assert urdu(app, "My registration") in page.locator("h1").inner_text()
    assert page.locator("ol.timeline li").count() == 5
    page.screenshot(path=str(artifacts / "me-timeline.png"), full_page=True)
