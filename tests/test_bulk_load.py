"""Bulk loading: a data clerk's CSV file and the demo seed go through one set-based path that keeps the portal's
rules (valid CNICs and mobiles, choice lists, one head, no male daughter), refuses bad rows by line, and adds
nothing when run again."""
from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import func, select

from app.domain.questionnaire import MemberFacts, age_on, member_problems, relation_fits_sex
from app.models import Area, Household, HouseholdMember, HouseholdRevision, HouseholdStatusChange, User
from app.services import bulk_load, household_facts
from app.services.bulk_load import UNUSABLE_PASSWORD

HEADER = ["key", "area", "head_cnic", "status", "account", "full_name", "mobile", "network", "tenure", "rooms",
          "assets", "monthly_income", "has_bank_account",
          *(f"member{n}_{f}" for n in (1, 2, 3) for f in ("name", "relation", "sex", "dob", "age_years", "cnic"))]


def family(key, cnic="35202-1234567-1", area="DST-LHR", **extra):
    """A household of three: Akram (head), Razia (wife), Hira (daughter), with an account for the head."""
    return {"key": key, "area": area, "head_cnic": cnic, "status": "draft", "account": "yes", "mobile": "0300 1234567",
            "tenure": "Owned", "rooms": "2", "assets": "tv; fridge", "monthly_income": "35,000",
            "has_bank_account": "no",
            "member1_name": "Akram Ali", "member1_relation": "head", "member1_sex": "male", "member1_dob": "01/05/1980",
            "member1_cnic": cnic,
            "member2_name": "Razia Bibi", "member2_relation": "spouse", "member2_sex": "female", "member2_age_years": "40",
            "member3_name": "Hira", "member3_relation": "daughter", "member3_sex": "female", "member3_age_years": "9",
            **extra}


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_file(app, path):
    return app.test_cli_runner().invoke(args=["import", "households", str(path)])


def counts(db):
    return tuple(db.scalar(select(func.count()).select_from(model)) for model in
                 (Household, HouseholdMember, HouseholdStatusChange, HouseholdRevision, User))


def test_clerk_imports_a_file_bad_rows_are_refused_by_line_and_a_second_run_changes_nothing(app, db, tmp_path):
    path = write_csv(tmp_path / "households.csv", [
        family("lhr-1", "35202-1234567-1"),                                            # line 2: loads
        family("lhr-2", "35202-1234568-3", member3_sex="male"),                        # line 3: a male daughter
        family("lhr-3", "35202-1234569-5", area="DST-XYZ"),                            # line 4: no such area
        family("lhr-4", "12345", member1_cnic=""),                                     # line 5: not a CNIC
        family("lhr-5", "35202-1234570-7", member2_relation="head"),                   # line 6: two heads
        family("lhr-6", "35202-1234571-9", tenure="castle"),                           # line 7: not a choice
        family("mul-1", "36302-7654321-2", area="TSL-MUL-01", status="submitted", member1_sex="female",
               member1_name="Nasreen", member2_sex="male", member2_name="Aslam"),      # line 8: loads, submitted
        family("lhr-1", "35202-1234572-1"),                                            # line 9: key repeats
    ])
    result = import_file(app, path)
    assert result.exit_code == 1, result.output  # some rows need fixing; the rest are loaded
    assert "households: 2 added, 0 already there, 6 refused" in result.output
    for line, reason in ((3, "relation_sex"), (4, "DST-XYZ"), (5, "head_cnic: not a CNIC"), (6, "two_heads"),
                         (7, "castle is not one of"), (9, "repeats line 2")):
        assert f"line {line} " in result.output and reason in result.output.split(f"line {line} ")[1].split("\n")[0]
    assert counts(db) == (2, 6, 2, 1, 2)

    lahore = db.scalars(select(Household).where(Household.import_key == "lhr-1")).one()
    assert (lahore.status, lahore.area.code, lahore.tenure, lahore.assets, lahore.monthly_income) == (
        "draft", "DST-LHR", "owned", ["tv", "fridge"], 35000)
    assert [(m.position, m.relation, m.sex, m.dob) for m in lahore.members] == [
        (1, "head", "male", date(1980, 5, 1)), (2, "spouse", "female", None), (3, "daughter", "female", None)]
    assert [(c.from_status, c.to_status) for c in lahore.history] == [(None, "draft")]
    account = db.scalars(select(User).where(User.household_id == lahore.id)).one()
    assert (account.cnic, account.full_name, account.mobile, account.network, account.role) == (
        "35202-1234567-1", "Akram Ali", "03001234567", "jazz", "citizen")
    assert account.password_hash == UNUSABLE_PASSWORD  # set by the citizen through "forgot password"
    submitted = db.scalars(select(Household).where(Household.import_key == "mul-1")).one()
    revision = db.scalars(select(HouseholdRevision).where(HouseholdRevision.household_id == submitted.id)).one()
    assert revision.snapshot["household"]["import_key"] == "mul-1"
    assert [m["name"] for m in revision.snapshot["members"]] == ["Nasreen", "Aslam", "Hira"]

    rejected = tmp_path / "rejected.csv"
    again = app.test_cli_runner().invoke(args=["import", "households", str(path), "--rejected", str(rejected)])
    assert "households: 0 added, 2 already there, 6 refused" in again.output
    assert counts(db) == (2, 6, 2, 1, 2)
    with rejected.open(encoding="utf-8") as handle:
        assert [(r["line"], r["key"]) for r in csv.DictReader(handle)] == [
            ("3", "lhr-2"), ("4", "lhr-3"), ("5", "lhr-4"), ("6", "lhr-5"), ("7", "lhr-6"), ("9", "lhr-1")]


def test_an_imported_account_cannot_sign_in_until_its_holder_sets_a_password(app, db, client, tmp_path):
    import_file(app, write_csv(tmp_path / "one.csv", [family("one", "35202-1234567-1")]))
    for password in ("", "!imported", UNUSABLE_PASSWORD, "Kites-Over-Ravi-77"):
        response = client.post("/login", data={"cnic": "35202-1234567-1", "password": password})
        assert response.status_code != 302


def test_a_cnic_that_has_an_account_keeps_it_and_the_household_loads_without_a_second(app, db, make_user, tmp_path):
    make_user("citizen", cnic="35202-1234567-1", name="Already Here")
    result = import_file(app, write_csv(tmp_path / "clash.csv", [family("k-1", "35202-1234567-1"),
                                                                  family("k-2", "35202-1234568-3")]))
    assert result.exit_code == 0, result.output
    assert "households: 2 added" in result.output and "accounts: 1" in result.output
    assert "line 2: an account with CNIC 35202-1234567-1 exists already" in result.output
    assert db.scalar(select(User.full_name).where(User.cnic == "35202-1234567-1")) == "Already Here"


def test_a_file_with_an_unknown_column_is_refused_as_a_whole(app, db, tmp_path):
    path = write_csv(tmp_path / "typo.csv", [{"key": "x", "area": "DST-LHR", "head_cnic": "35202-1234567-1",
                                               "member1_relaton": "head"}],
                     header=["key", "area", "head_cnic", "member1_relaton"])
    result = import_file(app, path)
    assert result.exit_code != 0 and "unknown column(s): member1_relaton" in result.output
    assert db.scalar(select(func.count()).select_from(Household)) == 0


def test_a_registered_household_needs_no_members_but_a_submitted_one_does(app, db, tmp_path):
    header = ["key", "area", "head_cnic", "status"]
    rows = [{"key": "a", "area": "DST-MUL", "head_cnic": "36302-1111111-1", "status": "registered"},
            {"key": "b", "area": "DST-MUL", "head_cnic": "36302-1111112-1", "status": "verified"}]
    result = import_file(app, write_csv(tmp_path / "bare.csv", rows, header=header))
    assert "households: 1 added" in result.output and "line 3 (b): no_members" in result.output


def test_copy_fills_the_tables_on_postgresql_and_inserts_on_sqlite(app, db, tmp_path, monkeypatch, is_postgres):
    copied = []
    real_copy = bulk_load._copy
    monkeypatch.setattr(bulk_load, "_copy", lambda session, table, names, rows: (
        copied.append(table.name), real_copy(session, table, names, rows)))
    import_file(app, write_csv(tmp_path / "copy.csv", [family("c-1")]))
    assert db.scalar(select(func.count()).select_from(HouseholdMember)) == 3
    if is_postgres:
        assert {"bulk_households", "household_members", "household_status_changes", "bulk_accounts"} <= set(copied)
    else:
        assert copied == []


def test_seed_demo_goes_through_the_bulk_path_with_valid_families(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--households", "70"])
    assert result.exit_code == 0, result.output
    households = db.scalars(select(Household).where(Household.import_key.like("demo-%"))).all()
    assert len(households) == 70
    assert {h.import_key for h in households} == {f"demo-{n:07d}" for n in range(1, 71)}
    today = date.today()
    for household in households:
        members = household.members
        if household.status in ("registered", "scheduled"):
            assert members == []
            continue
        assert sum(m.relation == "head" for m in members) == 1
        assert all(relation_fits_sex(m.relation, m.sex) for m in members), household.import_key
        head = next(m for m in members if m.relation == "head")
        assert head.cnic == household.head_cnic and head.sex == ("male" if int(head.cnic[-1]) % 2 else "female")
        facts = [MemberFacts(m.position, m.relation, m.sex, age_on(m.dob, m.age_years, today), m.cnic, m.dob)
                 for m in members]
        assert member_problems(facts, today) == [], household.import_key  # not even a warning
        assert household.area.level == "tehsil"
        counted = household_facts.facts_columns(members, today)  # as a submit counts them
        assert {name: getattr(household, name) for name in counted} == counted, household.import_key
        has_revision = db.scalar(select(func.count()).where(HouseholdRevision.household_id == household.id))
        assert has_revision == (household.status in ("submitted", "returned", "verified", "rejected"))
        assert bool(household.return_reasons) == (household.status == "returned")
    assert all(h.history and h.history[-1].to_status == h.status for h in households)
    lahore = db.scalar(select(Area.id).where(Area.code == "DST-LHR"))
    in_lahore = [h for h in households if h.area_id == lahore or h.area.parent_id == lahore]
    assert len(in_lahore) >= 70 // 3
    accounts = db.scalars(select(User).join(Household, User.household_id == Household.id)
                          .where(Household.import_key.like("demo-%"))).all()
    assert len(accounts) == 70 and len({a.password_hash for a in accounts}) == 1  # one hash, made once


def test_seed_demo_twice_adds_nothing_and_a_larger_number_adds_only_the_rest(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--households", "20"])
    first = counts(db)
    again = runner.invoke(args=["seed-demo", "--households", "20"])
    assert "households: 0 added" in again.output and "complaints: 0 added" in again.output
    assert counts(db) == first
    more = runner.invoke(args=["seed-demo", "--households", "30"])
    assert "households: 10 added" in more.output
    assert db.scalar(select(func.count()).select_from(Household).where(Household.import_key.like("demo-%"))) == 30


@pytest.mark.parametrize("batch_size", [1, 3])
def test_a_load_in_small_batches_loads_the_same(app, db, batch_size):
    from app.models.base import utcnow
    from app.services.demo import demo_household_row, demo_places

    with app.app_context():
        from app.extensions import db as flask_db

        places = demo_places(flask_db.session)
        rows = [demo_household_row(n, places, date.today()) for n in range(1, 8)]
        report = bulk_load.load_households(flask_db.session, rows, now=utcnow(), batch_size=batch_size,
                                           password_hash="x")
        flask_db.session.commit()
    assert (report.households, report.accounts, report.rejected) == (7, 7, [])
    assert report.members == db.scalar(select(func.count()).select_from(HouseholdMember))


def test_member_groups_may_be_partial_and_in_any_order_of_columns(app, db, tmp_path):
    header = ["member2_sex", "member2_name", "key", "member1_name", "area", "member2_relation", "head_cnic",
              "member1_relation", "member1_sex", "member1_age_years", "member2_age_years", "member3_name"]
    rows = [{"key": "p-1", "area": "DST-LHR", "head_cnic": "35202-1234567-1", "member1_name": "Akram",
             "member1_relation": "head", "member1_sex": "male", "member1_age_years": "40", "member2_name": "Usman",
             "member2_relation": "son", "member2_sex": "male", "member2_age_years": "12", "member3_name": ""},
            {"key": "p-2", "area": "DST-LHR", "head_cnic": "35202-1234568-1", "member3_name": "  "}]
    result = import_file(app, write_csv(tmp_path / "partial.csv", rows, header=header))
    assert result.exit_code == 0, result.output
    assert "households: 2 added" in result.output and "members: 2" in result.output


def test_counts_on_the_home_pages_follow_a_bulk_load_in_its_own_transaction(app, db, tmp_path):
    """COPY bypasses the ORM's listeners: the loader and the demo's complaints apply their own deltas, so the
    summaries equal a full recount straight after `seed-demo` and after an import, with no rebuild."""
    from tests.services.test_summary_counts import _counted_again, _snapshot

    result = app.test_cli_runner().invoke(args=["seed-demo", "--households", "60"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "households.csv"
    write_csv(path, [family("file-1", cnic="35202-7654321-3"), family("file-2", cnic="35202-7654322-5")])
    assert import_file(app, path).exit_code == 0
    kept = _snapshot(db)
    assert sum(kept["households"].values()) == db.scalar(select(func.count()).select_from(Household))
    assert kept["complaints"] and kept["deadlines"]
    assert kept == _counted_again(db)
    loaded = db.scalars(select(Household).where(Household.import_key.like("demo-%"), Household.area_id.is_not(None)))
    assert all(h.district_id is not None for h in loaded)  # the enumerator's list index leads with it
