"""Reaching the review's states as a supervisor does: through the review's forms (a test client signed in as
a supervisor of the household's area) or its services (a session), never by writing the state directly."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain.roles import Role
from app.models import Area, Household
from app.services import review
from app.services.context import ServiceContext
from tests.conftest import PASSWORD, Browserish
from tests.survey_helpers import hidden

TEST_SETTINGS = {"SECRET_KEY": "test-secret-key-with-enough-length-0123456789", "SMS_BACKEND": "console"}


def signed_in(app, user) -> Browserish:
    """A browser of its own, signed in through the login form as `user` (a second person at work)."""
    browser = Browserish(app.test_client())
    browser.get("/login")
    response = browser.post("/login", data={"cnic": user.cnic, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def review_form(client, household_id: int) -> tuple[str, dict]:
    """The household's review page and the hidden fields its decision forms carry (CSRF, version, key)."""
    response = client.get(f"/supervisor/households/{household_id}")
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return html, {"csrf_token": hidden(html, "csrf_token"), "version": hidden(html, "version"),
                  "idempotency_key": hidden(html, "idempotency_key")}


def decide(client, household_id: int, decision: str, **fields):
    """Post one decision (approve, return, reject, reopen) from a freshly read review page."""
    _, hidden_fields = review_form(client, household_id)
    return client.client.post(f"/supervisor/households/{household_id}/{decision}", data={**hidden_fields, **fields})


def approve_through_review(client_or_session, household: Household | int, *, ctx: ServiceContext | None = None,
                           supervisor=None):
    """A submitted household approved (→ verified) through the review. With a test client, the client must be
    signed in as a supervisor (or admin) of the household's area; with a session, a supervisor of the
    household's district is made unless one is given, and nothing is committed."""
    if isinstance(client_or_session, Session):
        session = client_or_session
        household = household if isinstance(household, Household) else session.get(Household, household)
        if supervisor is None:
            from tests.factories import make_user

            supervisor = make_user(session, role=Role.SUPERVISOR, area=session.get(Area, household.district_id))
        ctx = ctx or ServiceContext.from_config(TEST_SETTINGS)
        result = review.approve(session, ctx, household, expected_version=household.version, actor=supervisor)
        assert result.ok, result.reason
        return result
    household_id = household if isinstance(household, int) else household.id
    response = decide(client_or_session, household_id, "approve")
    assert response.status_code == 302, response.status_code
    return response
