"""The supervisor's home says only what the supervisor can act on: counts as information, no promise of a
review that has no page yet."""
from __future__ import annotations

import re

from tests.factories import make_household
from tests.helpers import page_text, urdu


def test_the_supervisor_home_counts_submitted_surveys_without_promising_a_review_it_cannot_link(app, client, login_as, db):
    for _ in range(3):
        make_household(db, area="Lahore", status="submitted")
    db.commit()
    login_as("supervisor", area="Lahore")
    html = page_text(client.get("/supervisor/"))
    submitted = re.search(r'<th scope="row">' + re.escape(urdu(app, "Survey submitted, being checked")) + r"</th><td>([^<]+)</td>", html)
    assert submitted and submitted.group(1) == "3"
    assert "/supervisor/households/" in html or urdu(app, "Surveys waiting for your review") not in html
