"""An enumerator is at work on a phone when an administrator deactivates the account: the next thing the
enumerator does, a search typed into the list (an htmx request), lands on the sign-in page in Urdu, and the
password no longer signs in."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import User
from app.services.users import set_active
from tests.conftest import PASSWORD
from tests.helpers import urdu

pytestmark = pytest.mark.browser


def test_a_deactivated_enumerator_is_sent_to_sign_in_by_the_next_htmx_request(app, page, live_server, make_user):
    from app.extensions import db
    from app.unit_of_work import service_context, unit_of_work

    enumerator = make_user("enumerator", area="Lahore")
    admin = make_user("admin")
    page.goto(f"{live_server}/login")
    page.get_by_label(urdu(app, "CNIC number")).fill(enumerator.cnic)
    page.get_by_label(urdu(app, "Password")).fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/enumerator/$"))

    with app.app_context():  # the administrator, on another device
        with unit_of_work(db.session) as session:
            set_active(session, service_context(), session.get(User, admin.id), session.get(User, enumerator.id), False)

    page.get_by_label(urdu(app, "Search by the head's CNIC")).type("35202")  # htmx posts as the enumerator types
    page.wait_for_url(re.compile(r"/login"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_label(urdu(app, "CNIC number")).fill(enumerator.cnic)
    page.get_by_label(urdu(app, "Password")).fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" in page.url
    assert page.console_errors == []
    with app.app_context():
        assert db.session.scalar(select(User.disabled).where(User.id == enumerator.id))
