"""An enumerator surveys a household section by section; nothing typed is lost, nothing saved twice."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Household, HouseholdMember, HouseholdRevision
from tests.helpers import html_escape, page_text, urdu
from tests.survey_helpers import ASSETS, HEAD, HOUSING, INCOME, fill_all, first_tehsil, form_of, start_household


@pytest.fixture
def enumerator(login_as):
    return login_as("enumerator", area="Lahore")


def test_enumerator_starts_a_household_at_the_door_and_surveys_it_to_submission(client, enumerator, db):
    base = start_household(client)
    fill_all(client, base)
    _, hidden = form_of(client, f"{base}/review")
    response = client.client.post(f"{base}/review", data=hidden)
    assert response.status_code == 302 and response.headers["Location"].endswith("/enumerator/")
    household = db.scalars(select(Household)).one()
    assert household.status == "submitted"
    assert household.rooms == 3 and household.assets == ["tv", "motorcycle"] and household.land_acres == 1.5
    assert household.monthly_income == 35000 and household.bisp_beneficiary is True
    assert household.area.level == "tehsil" and household.area.parent.code == "DST-LHR"
    assert [c.to_status for c in household.history] == ["draft", "submitted"]
    revision = db.scalars(select(HouseholdRevision)).one()
    assert revision.number == 1 and revision.snapshot["members"][0]["name"] == "Akram Ali"
    assert revision.snapshot["household"]["status"] == "draft"  # the record as submitted


def test_numbers_typed_in_urdu_digits_are_understood(client, enumerator, db):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/housing")
    response = client.client.post(f"{base}/housing", data={**hidden, **HOUSING, "rooms": "۴"})
    assert response.status_code == 302
    assert db.scalars(select(Household.rooms)).one() == 4


@pytest.mark.parametrize(
    ("field", "value", "msgid", "kw"),
    [
        ("rooms", "many", "Enter a number, for example 3.", {}),
        ("rooms", "0", "Enter a number from %(min)s to %(max)s.", {"min": 1, "max": 50}),
        ("rooms", "", "Please answer this question.", {}),
        ("roof", "marble", "Please answer this question.", {}),
    ],
)
def test_bad_housing_answers_get_a_clear_message_and_nothing_is_lost(app, client, enumerator, db, field, value, msgid, kw):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/housing")
    response = client.client.post(f"{base}/housing", data={**hidden, **HOUSING, field: value},
                                  headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = page_text(response)
    assert "<html" not in html and 'id="section-form"' in html
    assert html_escape(urdu(app, msgid, **kw)) in html
    assert 'value="lpg" selected' in html or "selected value=\"lpg\"" in html  # the other answers are kept
    assert db.scalars(select(Household.rooms)).one() is None


def test_a_replayed_save_changes_nothing_and_answers_as_the_first(client, enumerator, db):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/housing")
    data = {**hidden, **HOUSING}
    first = client.client.post(f"{base}/housing", data=data)
    version_after_first = db.scalars(select(Household.version)).one()
    again = client.client.post(f"{base}/housing", data=data)
    assert again.status_code == first.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["X-Idempotent-Replay"] == "true"
    db.expire_all()
    assert db.scalars(select(Household.version)).one() == version_after_first


def test_a_replayed_member_add_adds_one_member(client, enumerator, db):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/members")
    for _ in range(3):
        client.client.post(f"{base}/members", data={**hidden, **HEAD})
    assert db.scalar(select(func.count()).select_from(HouseholdMember)) == 1


def test_a_save_from_a_stale_page_gets_a_conflict_page_and_overwrites_nothing(app, client, enumerator, db):
    base = start_household(client)
    _, stale = form_of(client, f"{base}/housing")
    _, fresh = form_of(client, f"{base}/housing")
    assert client.client.post(f"{base}/housing", data={**fresh, **HOUSING, "rooms": "5"}).status_code == 302
    response = client.client.post(f"{base}/housing", data={**stale, **HOUSING, "rooms": "2"})
    assert response.status_code == 409
    html = page_text(response)
    assert urdu(app, "Someone else saved this household after you opened it") in html
    assert 'value="2"' in html  # what this user typed is still in the form
    db.expire_all()
    assert db.scalars(select(Household.rooms)).one() == 5
    # Saving again from the conflict page is a deliberate choice and goes through.
    from tests.survey_helpers import hidden as hidden_field

    again = {"csrf_token": hidden_field(html, "csrf_token"), "version": hidden_field(html, "version"),
             "idempotency_key": hidden_field(html, "idempotency_key"), **HOUSING, "rooms": "2"}
    assert client.client.post(f"{base}/housing", data=again).status_code == 302
    db.expire_all()
    assert db.scalars(select(Household.rooms)).one() == 2


def test_members_are_added_edited_and_removed_inline_with_htmx(client, enumerator, db):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/members")
    added = client.client.post(f"{base}/members", data={**hidden, **HEAD}, headers={"HX-Request": "true"})
    assert added.status_code == 200
    html = page_text(added)
    assert html.strip().startswith('<div id="member-area">') and "Akram Ali" in html
    assert added.headers["HX-Retarget"] == "#member-area"
    member_id = db.scalars(select(HouseholdMember.id)).one()
    edit = client.get(f"{base}/members/{member_id}", headers={"HX-Request": "true"})
    assert edit.status_code == 200 and 'value="Akram Ali"' in page_text(edit)
    from tests.survey_helpers import hidden as hidden_field

    edit_html = page_text(edit)
    data = {"csrf_token": hidden_field(edit_html, "csrf_token"), "version": hidden_field(edit_html, "version"),
            "idempotency_key": hidden_field(edit_html, "idempotency_key"), **HEAD, "name": "Akram Ali Khan"}
    assert client.client.post(f"{base}/members/{member_id}", data=data, headers={"HX-Request": "true"}).status_code == 200
    assert db.scalars(select(HouseholdMember.name)).one() == "Akram Ali Khan"
    _, hidden = form_of(client, f"{base}/members")
    removed = client.client.post(f"{base}/members/{member_id}/remove", data=hidden, headers={"HX-Request": "true"})
    assert removed.status_code == 200
    assert db.scalar(select(func.count()).select_from(HouseholdMember)) == 0


def test_marital_status_is_not_asked_of_a_child_and_enrolment_only_of_school_age(client, enumerator, db):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/members")
    child = {**HEAD, "name": "Bano", "relation": "daughter", "sex": "female", "dob": "", "age_years": "7",
             "cnic": "", "marital_status": "", "enrolled": "yes", "employment": "student", "monthly_income": ""}
    assert client.client.post(f"{base}/members", data={**hidden, **child}).status_code == 302
    saved = db.scalars(select(HouseholdMember)).one()
    assert saved.marital_status is None and saved.enrolled is True and saved.age_years == 7
    edit = page_text(client.get(f"{base}/members/{saved.id}", headers={"HX-Request": "true"}))
    assert '<div data-ask-from="10" data-ask-unknown="true" hidden>' in edit  # marital status: not for a 7-year-old
    assert '<div data-ask-from="4" data-ask-to="16">' in edit  # enrolment: asked


def test_a_school_age_child_must_say_whether_enrolled(app, client, enumerator):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/members")
    child = {**HEAD, "relation": "son", "dob": "", "age_years": "9", "cnic": "", "enrolled": ""}
    response = client.client.post(f"{base}/members", data={**hidden, **child})
    assert response.status_code == 422
    assert 'id="enrolled-error"' in page_text(response)


@pytest.mark.parametrize("dob", ["2999-01-01", "31/02/1990", "yesterday", "01/01/1800"])
def test_impossible_dates_of_birth_are_refused_with_a_message(client, enumerator, dob):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/members")
    response = client.client.post(f"{base}/members", data={**hidden, **HEAD, "dob": dob})
    assert response.status_code == 422
    assert 'id="dob-error"' in page_text(response)


def test_a_date_typed_as_day_month_year_in_urdu_digits_is_understood(client, enumerator, db):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/members")
    response = client.client.post(f"{base}/members", data={**hidden, **HEAD, "dob": "۱۴/۰۸/۱۹۸۰"})
    assert response.status_code == 302
    assert str(db.scalars(select(HouseholdMember.dob)).one()) == "1980-08-14"


def test_submit_is_refused_while_problems_are_open_and_each_links_to_its_section(app, client, enumerator, db):
    base = start_household(client)
    html, hidden = form_of(client, f"{base}/review")
    assert f'href="{base}/housing"' in html and f'href="{base}/members"' in html
    assert urdu(app, "One member must be the head of the household.") in html or urdu(
        app, "Add the members of the household, starting with the head.") in html
    response = client.client.post(f"{base}/review", data=hidden)
    assert response.status_code == 422
    assert db.scalars(select(Household.status)).one() == "draft"


def test_two_heads_and_a_cnic_given_twice_are_problems(app, client, enumerator):
    base = start_household(client)
    second = {**HEAD, "name": "Someone Else", "dob": "1985-01-01"}
    fill_all(client, base, members=(HEAD, second))
    html, _ = form_of(client, f"{base}/review")
    assert urdu(app, "Only one member can be the head of the household.") in html
    assert urdu(app, "This CNIC or B-form number is given for two members.") in html


def test_a_submitted_household_can_no_longer_be_changed(client, enumerator, db):
    base = start_household(client)
    fill_all(client, base)
    _, hidden = form_of(client, f"{base}/review")
    client.client.post(f"{base}/review", data=hidden)
    _, hidden = form_of(client, f"{base}/housing")
    response = client.client.post(f"{base}/housing", data={**hidden, **HOUSING, "rooms": "9"})
    assert response.status_code == 409
    assert db.scalars(select(Household.rooms)).one() == 3


def test_enumerator_home_lists_area_households_by_state_and_searches_by_cnic(client, enumerator):
    start_household(client, head_cnic="35202-7777777-1")
    start_household(client, head_cnic="35202-8888888-1")
    html = page_text(client.get("/enumerator/"))
    assert "35202-7777777-1" in html and "35202-8888888-1" in html
    found = client.post("/enumerator/", data={"q": "۳۵۲۰۲۸۸"}, htmx=True)
    assert found.status_code == 200
    fragment = page_text(found)
    assert fragment.strip().startswith('<div id="household-list"')
    assert "35202-8888888-1" in fragment and "35202-7777777-1" not in fragment
    assert "q=" not in page_text(client.get("/enumerator/"))
    drafts = page_text(client.get("/enumerator/?state=submitted"))
    assert "35202-8888888-1" not in drafts


def test_every_save_is_audited(client, enumerator, db):
    base = start_household(client)
    fill_all(client, base)
    outcomes = db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "household.save")).all()
    assert set(outcomes) == {"consent", "housing", "assets", "income"}


def test_the_questionnaire_pages_are_right_to_left_urdu_with_labels_for_every_field(client, enumerator):
    base = start_household(client)
    for section in ("consent", "members", "housing", "assets", "income", "review"):
        html = page_text(client.get(f"{base}/{section}"))
        assert '<html lang="ur" dir="rtl">' in html
        import re

        for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
            if input_id in ("csrf_token", "version", "idempotency_key") or input_id.startswith(("assets-", "consent_given-", "has_", "bisp_", "receives_", "chronic_", "can_read-", "enrolled-")):
                continue
            assert f'for="{input_id}"' in html, (section, input_id)


def test_citizen_fills_the_same_questionnaire_for_their_own_household_marked_self_declared(client, login_as, db):
    citizen = login_as("citizen")
    base = f"/me/household/{citizen.household_id}"
    fill_all(client, base, members=({**HEAD, "cnic": citizen.cnic},))
    _, hidden = form_of(client, f"{base}/review")
    response = client.client.post(f"{base}/review", data=hidden)
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    household = db.get(Household, citizen.household_id)
    assert household.self_declared and household.status == "submitted"
    assert household.history[-1].reason == "self-declared, awaiting field verification"


def test_status_and_me_show_the_survey_states(app, client, login_as, db):
    citizen = login_as("citizen")
    base = f"/me/household/{citizen.household_id}"
    _, hidden = form_of(client, f"{base}/housing")
    client.client.post(f"{base}/housing", data={**hidden, **HOUSING})
    assert urdu(app, "Survey in progress") in page_text(client.get("/me"))
    client.get("/status")
    looked_up = client.post("/status", data={"cnic": citizen.cnic})
    assert urdu(app, "Survey in progress") in page_text(looked_up)


def test_answers_are_kept_for_assets_and_income(client, enumerator, db):
    base = start_household(client)
    for section, answers in (("assets", ASSETS), ("income", INCOME)):
        _, hidden = form_of(client, f"{base}/{section}")
        assert client.client.post(f"{base}/{section}", data={**hidden, **answers}).status_code == 302
    assets = page_text(client.get(f"{base}/assets"))
    assert _checked(assets, "assets") == {"tv", "motorcycle"}
    assert _value(assets, "land_acres") == "1.5" and _value(assets, "goats_sheep") == "3"
    income = page_text(client.get(f"{base}/income"))
    assert re.search(r'<option[^>]*selected[^>]*value="wages"|<option[^>]*value="wages"[^>]*selected', income)
    assert _checked(income, "bisp_beneficiary") == {"yes"}
    assert _value(income, "monthly_income") == "35000"


def _inputs(html: str, name: str) -> list[str]:
    return re.findall(r'<input\b[^>]*\bname="' + re.escape(name) + r'"[^>]*>', html)


def _checked(html: str, name: str) -> set[str]:
    """The values of the ticked boxes (or the chosen radio button) of one question, as the browser shows them."""
    return {re.search(r'\bvalue="([^"]*)"', tag).group(1) for tag in _inputs(html, name) if re.search(r"\schecked\b", tag)}


def _value(html: str, name: str) -> str:
    (tag,) = _inputs(html, name)
    return re.search(r'\bvalue="([^"]*)"', tag).group(1)


def test_consent_location_requires_a_tehsil_of_the_district(app, client, enumerator):
    base = start_household(client)
    html, hidden = form_of(client, f"{base}/consent")
    assert first_tehsil(html).startswith("TSL-LHR-")
    response = client.client.post(f"{base}/consent", data={**hidden, "consent_given": "yes", "tehsil": "TSL-MUL-01"})
    assert response.status_code == 422
    assert html_escape(urdu(app, "Choose the tehsil.")) in page_text(response)


def test_a_field_is_checked_as_the_enumerator_leaves_it_and_nothing_is_saved(app, client, enumerator, db):
    base = start_household(client)
    html, hidden = form_of(client, f"{base}/housing")
    assert f'data-hx-post="{base}/housing/check"' in html and 'data-hx-select="#rooms-feedback"' in html
    response = client.client.post(f"{base}/housing/check", data={**hidden, "rooms": "۹۹"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert html_escape(urdu(app, "Enter a number from %(min)s to %(max)s.", min=1, max=50)) in page_text(response)
    assert 'id="rooms-feedback"' in page_text(response)
    members = client.client.post(f"{base}/members/check", data={**hidden, "dob": "2999-01-01"}, headers={"HX-Request": "true"})
    assert members.status_code == 422 and 'id="dob-error"' in page_text(members)
    assert db.scalars(select(Household.version)).one() == 1


def test_a_returned_household_shows_the_reason_per_section_and_can_be_resubmitted(app, client, enumerator, db, make_user):
    from tests.review_helpers import decide, signed_in

    base = start_household(client)
    fill_all(client, base)
    _, hidden = form_of(client, f"{base}/review")
    client.client.post(f"{base}/review", data=hidden)
    # A supervisor of the area returns it with a reason for the housing section.
    supervisor = signed_in(app, make_user("supervisor", area="Lahore"))
    household_id = int(base.rsplit("/", 1)[1])
    assert decide(supervisor, household_id, "return", reason_housing="Rooms: we counted 2, not 3.").status_code == 302
    housing = page_text(client.get(f"{base}/housing"))
    assert "Rooms: we counted 2, not 3." in housing
    assert "Rooms: we counted" not in page_text(client.get(f"{base}/assets"))
    assert urdu(app, "Survey returned for correction") in page_text(client.get("/enumerator/?state=returned"))
    _, hidden = form_of(client, f"{base}/housing")
    assert client.client.post(f"{base}/housing", data={**hidden, **HOUSING, "rooms": "2"}).status_code == 302
    _, hidden = form_of(client, f"{base}/review")
    assert client.client.post(f"{base}/review", data=hidden).status_code == 302
    db.expire_all()
    household = db.scalars(select(Household)).one()
    assert household.status == "submitted" and household.return_reasons is None
    assert [r.number for r in db.scalars(select(HouseholdRevision).order_by(HouseholdRevision.number))] == [1, 2]


def test_a_refused_save_corrected_and_sent_again_with_the_same_key_goes_through(client, enumerator, db):
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/housing")
    refused = client.client.post(f"{base}/housing", data={**hidden, **HOUSING, "rooms": "many"},
                                 headers={"HX-Request": "true"})
    assert refused.status_code == 422
    corrected = client.client.post(f"{base}/housing", data={**hidden, **HOUSING, "rooms": "4"},
                                   headers={"HX-Request": "true"})
    assert corrected.status_code == 204
    assert db.scalars(select(Household.rooms)).one() == 4
