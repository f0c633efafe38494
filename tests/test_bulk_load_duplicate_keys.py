"""A clerk's file and the demo seed give members their father's or husband's name and the columns the
duplicate search reads (name key, year of birth, district), exactly as the questionnaire's own writes do."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain.duplicates import birth_year
from app.domain.names import name_key
from app.models import Household, HouseholdMember
from tests.test_bulk_load import HEADER, family, import_file, write_csv


def test_an_imported_member_keeps_the_fathers_name_and_gets_the_search_columns(app, db, tmp_path):
    header = [*HEADER, "member3_father_or_husband_name"]
    path = write_csv(tmp_path / "households.csv",
                     [family("K-1", member3_name="Hira Bibi", member3_father_or_husband_name="اکرم علی")], header)
    result = import_file(app, path)
    assert result.exit_code == 0, result.output
    household = db.scalars(select(Household)).one()
    hira = db.scalars(select(HouseholdMember).where(HouseholdMember.relation == "daughter")).one()
    assert hira.father_or_husband_name == "اکرم علی"
    assert (hira.name_key, hira.district_id) == (name_key("Hira"), household.district_id) == ("hr", household.district_id)
    assert hira.birth_year == date.today().year - 9
    head = db.scalars(select(HouseholdMember).where(HouseholdMember.relation == "head")).one()
    assert head.birth_year == 1980 and head.name_key == name_key("اکرم علی")


def test_demo_households_name_fathers_and_husbands_and_carry_the_search_columns(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--households", "40"])
    assert result.exit_code == 0, result.output
    members = db.scalars(select(HouseholdMember)).all()
    assert members and all(m.father_or_husband_name for m in members)
    districts = dict(db.execute(select(Household.id, Household.district_id)).all())
    for member in members:
        assert member.name_key == name_key(member.name)
        assert member.district_id == districts[member.household_id]
        assert member.birth_year == birth_year(member.dob, member.age_years, date.today())
    by_household: dict[int, list[HouseholdMember]] = {}
    for member in members:
        by_household.setdefault(member.household_id, []).append(member)
    for family_members in by_household.values():
        head = next(m for m in family_members if m.relation == "head")
        for wife in (m for m in family_members if m.relation == "spouse" and m.sex == "female"):
            assert wife.father_or_husband_name == head.name  # a wife names her husband
        if head.sex == "male":
            assert all(m.father_or_husband_name == head.name for m in family_members if m.relation in ("son", "daughter"))
