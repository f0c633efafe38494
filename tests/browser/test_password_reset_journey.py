"""A citizen who forgot the password gets back in alone, in Urdu, on a phone: a code to the registered mobile,
a new password, and signed in on their page."""
from __future__ import annotations

import re

import pytest

from tests.conftest import outbox_codes
from tests.helpers import urdu

pytestmark = pytest.mark.browser


def test_citizen_forgets_the_password_resets_it_by_sms_code_and_is_signed_in(app, live_server, page, make_user, artifacts):
    user = make_user("citizen", mobile="03451234599", name="Fatima Bibi")
    page.goto(f"{live_server}/login")
    assert page.locator("html").get_attribute("lang") == "ur"
    assert page.evaluate("typeof htmx") == "object"
    page.get_by_role("link", name=urdu(app, "Forgot your password?")).click()
    page.wait_for_url(re.compile(r"/password/forgot$"))

    page.get_by_label(urdu(app, "CNIC number")).fill(user.cnic.replace("-", ""))
    page.get_by_label(urdu(app, "Mobile number registered with the account")).fill("0345 1234599")
    page.get_by_role("button", name=urdu(app, "Send me a code")).click()
    page.wait_for_url(re.compile(r"/password/reset$"))
    assert urdu(app, "If this CNIC and mobile number belong to one account, a 6-digit code is on its way to that number.") \
        in page.locator("#messages").inner_text()

    code = outbox_codes(app, "03451234599")[-1]
    page.get_by_label(urdu(app, "6-digit code")).fill(code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    page.get_by_label(urdu(app, "New password"), exact=True).fill("password")
    page.get_by_label(urdu(app, "Confirm password")).fill("password")
    page.get_by_role("button", name=urdu(app, "Save the new password")).click()
    # A weak password is refused in place (htmx swaps the form), and the code is not spent.
    error = page.locator("#password-error")
    error.wait_for()
    assert error.inner_text() == urdu(app, "This password is among the most common ones and easy to guess. Please choose another.")
    assert page.url.endswith("/password/reset")

    page.get_by_label(urdu(app, "New password"), exact=True).fill("Mangoes-Ripen-In-June-41")
    page.get_by_label(urdu(app, "Confirm password")).fill("Mangoes-Ripen-In-June-41")
    page.get_by_role("button", name=urdu(app, "Save the new password")).click()
    page.wait_for_url(re.compile(r"/me$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert urdu(app, "Your new password is saved and you are signed in. Other devices were signed out.") \
        in page.locator("#messages").inner_text()
    header = page.locator("header.site")
    for name in ("My page", "Check status", "Complaints"):
        assert header.get_by_role("link", name=urdu(app, name), exact=True).count() == 1
    assert app.config["HELPLINE"] in page.locator("footer.site").inner_text()
    # Nothing is cut off at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "password-reset-signed-in.png"), full_page=True)
    problems = [e for e in page.console_errors if "status of 422" not in e]
    assert problems == [], problems
