"""Malformed answers in every field of every section: a clear refusal (422) or a save, never a server error."""
from __future__ import annotations

import pytest

from app.survey.forms import AssetsForm, ConsentForm, HousingForm, IncomeForm, MemberForm
from tests.helpers import page_text
from tests.survey_helpers import ASSETS, HEAD, HOUSING, INCOME, form_of, start_household

GARBAGE = ["<script>alert(1)</script>", "9" * 40, "-1", "۱۲abc", "1e309", "NaN", "   ", "\u202e3", "x" * 5000,
           "31/13/2020", "0x10", "١٢٣"]
SECTIONS = {"housing": (HousingForm, HOUSING), "assets": (AssetsForm, ASSETS), "income": (IncomeForm, INCOME),
            "consent": (ConsentForm, {"consent_given": "yes", "union_council": "UC 1"}), "members": (MemberForm, HEAD)}


def _fields(form_class):
    with_names = form_class.__dict__.items()
    return [name for name, value in with_names if hasattr(value, "field_class") and name not in ("version", "idempotency_key")]


@pytest.mark.parametrize("section", list(SECTIONS))
def test_garbage_in_every_field_is_refused_or_saved_never_a_crash(app, client, login_as, section):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    form_class, good = SECTIONS[section]
    for name in _fields(form_class):
        for value in GARBAGE:
            html, hidden = form_of(client, f"{base}/{section}")
            response = client.client.post(f"{base}/{section}", data={**hidden, **good, name: value},
                                          headers={"HX-Request": "true"})
            assert response.status_code in (200, 204, 302, 409, 422), (name, value, response.status_code)
            assert "Traceback" not in page_text(response)
            assert "<script>alert(1)</script>" not in page_text(response)


@pytest.mark.parametrize("value", ["NaN", "inf", "1e3", "1,5e2", "--2"])
def test_numbers_python_would_accept_but_a_person_would_not_mean_are_refused(client, login_as, db, value):
    from sqlalchemy import select

    from app.models import Household

    login_as("enumerator", area="Lahore")
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/assets")
    response = client.client.post(f"{base}/assets", data={**hidden, **ASSETS, "land_acres": value})
    assert response.status_code == 422
    assert db.scalars(select(Household.land_acres)).one() is None
