"""Everything the questionnaire shows and stores is made from the question catalogue: the section forms, the
services' field lists, the review's summary and the export. Adding a question is one catalogue entry (and its
migration), and it appears in all of them; demo households pass the forms made from it."""
from __future__ import annotations

import random
import re
from datetime import date
from types import SimpleNamespace

from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from app.domain.catalogue import CATALOGUE, Choice, ChoiceList, Question, QuestionType
from app.domain.sample_households import sample_household
from app.models import Household
from app.services import exports
from app.services import questionnaire as service
from app.survey.answers import members_summary, summary
from app.survey.forms import section_form
from tests.helpers import page_text, urdu
from tests.survey_helpers import fill_all, start_household

WATER_FILTER = Question("water_filter", "housing", QuestionType.CHOICE, "How is drinking water made safe?",
                        choices="water_treatment", required=True)
TREATMENT = ChoiceList("water_treatment", (Choice("none", "Not treated"), Choice("boiled", "Boiled"),
                                           Choice("filter", "Filter")))


def _formdata(answers: dict) -> MultiDict:
    data = MultiDict()
    for name, value in answers.items():
        if isinstance(value, bool):
            data.add(name, "yes" if value else "no")
        elif isinstance(value, list):
            for item in value:
                data.add(name, item)
        elif isinstance(value, date):
            data.add(name, value.isoformat())
        elif value is not None:
            data.add(name, str(value))
    return data


def _by_field(answers: dict, section: str, catalogue=CATALOGUE) -> dict:
    return {q.field_name: answers.get(q.column_name) for q in catalogue.section(section)}


def test_demo_households_pass_every_section_form(app):
    rng = random.Random(5)
    with app.test_request_context():
        for _ in range(60):
            sample = sample_household(rng)
            for section in CATALOGUE.sections:
                form = section_form(section)(formdata=_formdata(_by_field(sample.household, section)),
                                             meta={"csrf": False})
                if section == "consent":
                    form.tehsil.choices = [SelectChoice("TSL-X", "X")]
                    form.tehsil.data = "TSL-X"
                assert form.validate(), (section, form.errors)
                assert {k: v for k, v in form.answers().items()} == {
                    k: v for k, v in sample.household.items() if k in form.answers()}
            for member in sample.members:
                form = section_form("members")(formdata=_formdata(_by_field(member, "members")), meta={"csrf": False})
                assert form.validate(), (member, form.errors)
                assert form.answers() == member


def test_a_question_added_to_the_catalogue_appears_in_the_form_field_lists_review_and_export(app):
    catalogue = CATALOGUE.adding(WATER_FILTER, choice_lists=[TREATMENT])
    assert catalogue["water_filter"].section == "housing" and "water_filter" not in CATALOGUE

    # The form: a select named and labelled like every other, its choices from the new list, its answer checked.
    with app.test_request_context(), force_locale("en"):
        form_class = section_form("housing", catalogue)
        form = form_class(formdata=MultiDict({"water_filter": "boiled"}), meta={"csrf": False})
        html = str(form.water_filter())
        assert 'id="water_filter" name="water_filter"' in html and 'value="boiled">Boiled</option>' in html
        form.validate()
        assert "water_filter" not in form.errors and form.answers()["water_filter"] == "boiled"
        refused = form_class(formdata=MultiDict({"water_filter": "prayed"}), meta={"csrf": False})
        refused.validate()
        assert refused.errors["water_filter"] == ["Please answer this question."]

        # The field lists the services write.
        assert catalogue.section_columns()["housing"][-1] == "water_filter"
        assert "water_filter" not in service.SECTION_FIELDS["housing"]  # the real catalogue is untouched

        # The review: its label and the label of its answer.
        household = SimpleNamespace(members=[], area=None, **{q.column_name: None for q in catalogue})
        household.water_filter = "filter"
        housing = dict(summary(household, catalogue))["housing"]
        assert housing[-1] == ("How is drinking water made safe?", "Filter")

    # The export: a column of its own, the answer as its code.
    columns = exports.household_columns(catalogue)
    assert columns.index("water_filter") == columns.index("cooking_fuel") + 1  # at the end of its section
    assert "water_filter" not in exports.household_columns()
    household.id, household.status, household.head_cnic = 1, "draft", "35202-1234567-1"
    assert exports.household_row(household, catalogue)["water_filter"] == "filter"

    # Demo households answer it, and the model would store it in a column of its own.
    assert sample_household(random.Random(1), catalogue=catalogue).household["water_filter"] in TREATMENT.keys
    from app.models.household import answer_column

    column = answer_column(catalogue["water_filter"]).column
    assert (str(column.type), column.nullable) == ("VARCHAR(20)", True)


def test_a_member_question_added_to_the_catalogue_is_asked_in_the_member_form_and_reviewed(app):
    catalogue = CATALOGUE.adding(Question("mobile_owner", "members", QuestionType.YES_NO, "Has a mobile phone?"))
    with app.test_request_context(), force_locale("en"):
        form = section_form("members", catalogue)(formdata=None, meta={"csrf": False})
        assert [f.name for f in form][-1] == "mobile_owner"
        assert catalogue.member_columns()[-1] == "mobile_owner"
        member = SimpleNamespace(**{q.column_name: None for q in catalogue.section("members")})
        member.mobile_owner = True
        rows = dict(members_summary(SimpleNamespace(members=[member]), catalogue)[0][1])
        assert rows["Has a mobile phone?"] == "Yes"
    assert exports.member_columns(catalogue)[-1] == "mobile_owner"


def test_the_review_shows_every_answer_of_every_section_and_member_in_urdu(app, client, login_as):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    fill_all(client, base)
    html = page_text(client.get(f"{base}/review"))
    for question in CATALOGUE:
        if question.key != "enrolled":  # not asked of an adult head, so not in the summary
            assert urdu(app, question.label) in html.replace("&#39;", "'"), question.key
    assert urdu(app, CATALOGUE["enrolled"].label) not in html
    for answer in ("Matric", "Daily wage labour", "Baked bricks or blocks", "LPG cylinder", "Television",
                   "Motorcycle", "Daily or weekly wages"):
        assert urdu(app, answer) in html, answer
    assert re.search(r"<dd><bdi dir=\"auto\">35000</bdi></dd>", html)


def test_a_households_export_row_has_every_answer_as_a_code(app, client, login_as, db):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    fill_all(client, base)
    household = db.scalars(select(Household)).one()
    row = exports.household_row(household)
    assert list(row) == list(exports.household_columns())
    assert row["household_id"] == household.id and row["status"] == "draft"
    assert row["tehsil"].startswith("TSL-") and row["consent_given"] == "yes"
    assert (row["roof"], row["rooms"], row["assets"], row["land_acres"]) == ("rcc", 3, "tv motorcycle", 1.5)
    assert (row["bisp_beneficiary"], row["has_bank_account"]) == ("yes", "no")
    (member,) = exports.member_rows(household)
    assert list(member) == list(exports.member_columns())
    assert (member["position"], member["relation"], member["dob"], member["own_income"]) == (1, "head", "1980-05-01",
                                                                                              30000)
    assert member["enrolled"] is None  # not asked of an adult
