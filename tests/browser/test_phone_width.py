"""At 360 px, on a cheap phone, in Urdu, the demo staff read their pages without the page scrolling sideways:
wide tables scroll inside a labelled region of their own, and the review's answers get the screen's width;
the status page marks a wrong CNIC on the field itself."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Household
from app.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.helpers import urdu

pytestmark = pytest.mark.browser

PAGE_WIDTH = "document.documentElement.scrollWidth"


def _demo(role: str, area: str | None = None) -> str:
    return next(cnic for r, cnic, _, a in DEMO_ACCOUNTS if r == role and (area is None or a == area))


def _sign_in(app, page, live_server, cnic):
    page.goto(f"{live_server}/login")
    page.get_by_label(urdu(app, "CNIC number")).fill(cnic)
    page.get_by_label(urdu(app, "Password")).fill(DEMO_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def _fits(page, artifacts, name):
    assert page.locator("html").get_attribute("dir") == "rtl"
    width = page.evaluate(PAGE_WIDTH)
    page.screenshot(path=str(artifacts / f"phone-{name}.png"), full_page=True)
    assert width <= 360, f"{name}: the page is {width} px wide on a 360 px screen"
    # The header is whole: its brand and its menu begin inside the screen.
    for box in (page.locator("header.site .brand").bounding_box(), page.locator("header.site nav").bounding_box()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360 + 0.5, (name, box)


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--households", "60"])
    assert result.exit_code == 0, result.output


def test_the_demo_staff_pages_fit_a_360_px_phone_in_urdu(app, db, demo, live_server, browser, artifacts):
    def phone():
        context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
        return context, context.new_page()

    context, page = phone()
    _sign_in(app, page, live_server, _demo("helpdesk"))
    page.goto(f"{live_server}/helpdesk/")
    region = page.locator("#queue .table-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-labelledby") == "queue-caption"
    assert page.locator("#queue tbody tr").count() >= 5
    _fits(page, artifacts, "helpdesk-queue")
    # The region scrolls under the keyboard as well as under a finger.
    region.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    # A key press scrolls smoothly, over a few frames: wait for it to move rather than read it at once.
    page.wait_for_function("el => el.scrollLeft !== 0", arg=region.element_handle(), timeout=5000)
    context.close()

    context, page = phone()
    _sign_in(app, page, live_server, _demo("admin"))
    page.goto(f"{live_server}/admin/")
    assert page.locator("#audit tbody tr").count() >= 1
    _fits(page, artifacts, "admin-home")
    context.close()

    context, page = phone()
    _sign_in(app, page, live_server, _demo("supervisor"))
    page.goto(f"{live_server}/supervisor/")
    _fits(page, artifacts, "supervisor-home")
    page.goto(f"{live_server}/supervisor/queue")
    assert page.locator("#queue tbody tr a").count() >= 1
    _fits(page, artifacts, "supervisor-queue")
    page.locator("#queue tbody tr a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("textarea[name=reason_housing]").count() == 1
    _fits(page, artifacts, "supervisor-review")
    context.close()

    lahore_enumerator = _demo("enumerator", "Lahore")
    context, page = phone()
    _sign_in(app, page, live_server, lahore_enumerator)
    opened = None
    for household_id in db.scalars(select(Household.id).where(Household.import_key.like("demo-%"),
                                                              Household.status == "returned")):
        response = page.goto(f"{live_server}/enumerator/households/{household_id}/review")
        if response.status == 200:
            opened = household_id
            break
    assert opened is not None, "no returned demo household in the Lahore enumerator's area"
    _fits(page, artifacts, "review")
    # An answer gets (nearly) the screen's width, not a narrow column beside its question.
    answers = page.locator("dl.summary dd")
    assert answers.count() > 10
    widths = [answers.nth(i).bounding_box()["width"] for i in range(min(answers.count(), 20))]
    assert min(widths) >= 250, widths
    context.close()


def test_a_wrong_cnic_on_the_status_page_marks_the_field_with_javascript_on(app, live_server, page, artifacts):
    page.goto(f"{live_server}/status")
    field = page.get_by_label(urdu(app, "CNIC number"))
    field.fill("abc")
    page.get_by_role("button", name=urdu(app, "Check")).click()
    message = urdu(app, "A CNIC has only digits, for example 35202-1234567-1.")
    page.locator("#cnic-error").wait_for()
    field = page.get_by_label(urdu(app, "CNIC number"))
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    assert any(message in page.locator(f"#{ref}").inner_text() for ref in described)
    assert page.locator("#field-cnic").get_attribute("class").split() == ["field", "invalid"]
    assert page.get_by_text(message).count() == 1
    assert page.evaluate(PAGE_WIDTH) <= 360
    page.screenshot(path=str(artifacts / "status-wrong-cnic.png"), full_page=True)
    # A right CNIC afterwards gets its answer, and the field is no longer marked.
    field.fill("35202-9999999-8")
    page.get_by_role("button", name=urdu(app, "Check")).click()
    page.locator("#status-result h2").wait_for()
    assert urdu(app, "This CNIC is not registered") in page.locator("#status-result").inner_text()
    assert page.get_by_label(urdu(app, "CNIC number")).get_attribute("aria-invalid") is None
    assert page.locator("#cnic-error").count() == 0
