"""Programmes as a planner handles them: the seed, a draft saved and simulated, activation versioned and
audited, counts for the dashboard, enrolments read by other rules, and eligible lists with few columns."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.domain.eligibility import RuleInvalid
from app.models import AuditEntry, Programme, ProgrammeRule
from app.services import household_facts
from app.services import programmes as service
from tests.factories import make_household

VERIFIED = {"fact": "status", "op": "=", "value": "verified"}


def scored(session, score, *, status="verified", area="Lahore", band=None, **fields):
    """A household as the scorer left it: verified, with a score and a band."""
    household = make_household(session, status=status, area=area, **fields)
    household_facts.refresh(session, household, date(2026, 11, 24))  # as counted at submit
    household.score = score
    household.score_band = band or ("poorest" if score < 16.17 else "poor" if score <= 32 else "better_off")
    session.flush()
    return household


@pytest.fixture
def seeded(session, ctx):
    service.seed_programmes(session, ctx)
    session.commit()
    return {p.code: p for p in session.scalars(select(Programme))}


def test_seed_makes_eight_programmes_with_active_rules_and_is_safe_to_run_twice(session, ctx, seeded):
    assert len(seeded) == 8 and "health_card" in seeded and "sasta_atta" in seeded
    assert service.seed_programmes(session, ctx) == (0, 0)
    rules = session.scalars(select(ProgrammeRule)).all()
    assert len(rules) == 8 and {r.state for r in rules} == {"active"}
    for programme in seeded.values():
        assert service.check_rule(session, service.rule_in_state(session, programme, "active").rule) == []


def test_a_draft_is_validated_and_leaves_the_active_rule_alone(session, ctx, seeded):
    ramzan = seeded["ramzan_package"]
    with pytest.raises(RuleInvalid) as raised:
        service.save_draft(session, ctx, ramzan, {"all": [VERIFIED, {"fact": "score", "op": "<", "value": "x"}]},
                           actor_id=None)
    assert raised.value.errors[0].code == "needs_number"
    draft = service.save_draft(session, ctx, ramzan, {"all": [VERIFIED, {"fact": "score", "op": "<", "value": 20}]},
                               actor_id=None, note="tighter")
    again = service.save_draft(session, ctx, ramzan, {"all": [VERIFIED, {"fact": "score", "op": "<", "value": 25}]},
                               actor_id=None)
    assert again.id == draft.id and draft.version == 2  # editing keeps one draft
    assert service.rule_in_state(session, ramzan, "active").version == 1


def test_simulation_compares_draft_and_active_by_district_band_and_other_programmes(session, ctx, seeded):
    lahore_poor = scored(session, 10.0)
    scored(session, 30.0, area="Multan")
    scored(session, 45.0)
    scored(session, 5.0, status="submitted")  # not verified: never counted
    ramzan = seeded["ramzan_package"]  # active: score <= 32
    draft = {"all": [VERIFIED, {"fact": "score", "op": "<=", "value": 50},
                     {"fact": "district", "op": "=", "value": "DST-LHR"}]}
    result = service.simulate(session, ramzan, draft)
    assert (result["eligible"], result["was"], result["both"], result["only_new"], result["only_old"]) == (2, 2, 1, 1, 1)
    by_district = {row["en"]: (row["new"], row["old"]) for row in result["by_district"]}
    assert by_district == {"Lahore": (2, 1), "Multan": (0, 1)}
    assert {row["band"]: (row["new"], row["old"]) for row in result["by_band"]} == {
        "better_off": (1, 0), "poor": (0, 1), "poorest": (1, 1)}
    others = {row["code"]: row["both"] for row in result["others"]}
    assert others["sasta_atta"] == 1 and others["household_development"] == 1  # the score 10 household
    assert lahore_poor.score == 10.0


def test_activation_needs_a_simulation_of_this_draft_retires_the_old_rule_and_is_audited(session, ctx, seeded):
    ramzan = seeded["ramzan_package"]
    rule = {"all": [VERIFIED, {"fact": "score", "op": "<", "value": 20}]}
    draft = service.save_draft(session, ctx, ramzan, rule, actor_id=None)
    with pytest.raises(service.NotSimulated):
        service.activate(session, ctx, ramzan, actor_id=None, simulated_digest=None)
    with pytest.raises(service.NotSimulated):
        service.activate(session, ctx, ramzan, actor_id=None, simulated_digest=service.rule_digest({"all": [VERIFIED]}))
    active = service.activate(session, ctx, ramzan, actor_id=None, simulated_digest=service.rule_digest(rule))
    assert active.id == draft.id and active.state == "active" and active.activated_at == ctx.now()
    states = dict(session.execute(select(ProgrammeRule.version, ProgrammeRule.state)
                                  .where(ProgrammeRule.programme_id == ramzan.id)).all())
    assert states == {1: "retired", 2: "active"}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "programme.activate"))
    assert entry.detail == {"programme": "ramzan_package", "version": 2, "retired": 1}


def test_counts_per_district_follow_the_active_rule_and_any_area(session, ctx, seeded):
    scored(session, 10.0)
    scored(session, 20.0)
    scored(session, 25.0, area="Multan")
    scored(session, 70.0)
    service.refresh_counts(session, ctx)
    punjab = {row["code"]: row["households"] for row in service.programme_counts(session)}
    assert punjab["ramzan_package"] == 3 and punjab["household_development"] == 1 and punjab["widows_orphans"] == 0
    lahore = service.programme_counts(session, session.scalar(select(service.Area).where(service.Area.code == "DST-LHR")))
    assert {r["code"]: r["households"] for r in lahore}["ramzan_package"] == 2
    division = session.scalar(select(service.Area).where(service.Area.code == "DIV-MUL"))
    assert {r["code"]: r["households"] for r in service.programme_counts(session, division)}["ramzan_package"] == 1


def test_an_enrolment_in_another_programme_is_read_by_the_rule_for_one_and_for_all(session, ctx, seeded):
    widow_elder = scored(session, 20.0, members=[
        {"name": "Head", "relation": "head", "sex": "female", "dob": date(1950, 1, 1), "marital_status": "widowed"}])
    widow_elder.facts_elderly_count, widow_elder.facts_head_marital_status = 1, "widowed"
    session.flush()
    elderly = seeded["elderly_support"]
    verdicts = {v.programme.code: v.verdict for v in service.household_programmes(session, widow_elder)}
    assert verdicts["elderly_support"].eligible and verdicts["widows_orphans"].eligible
    service.enrol(session, widow_elder, seeded["widows_orphans"], date(2026, 1, 1))
    verdicts = {v.programme.code: v.verdict for v in service.household_programmes(session, widow_elder)}
    assert not verdicts["elderly_support"].eligible
    assert service.count_eligible(session, elderly) == 0


def test_the_eligible_list_carries_only_the_programmes_columns_with_a_masked_cnic(session, ctx, seeded):
    household = scored(session, 12.0, head_cnic="35202-7654321-3")
    session.commit()
    ramzan, atta = seeded["ramzan_package"], seeded["sasta_atta"]
    header, query = service.eligible_query(session, ramzan)
    assert header == ["household_id", "district", "tehsil", "head_name", "head_cnic_masked", "member_count"]
    with session.get_bind().connect() as connection:
        text = "".join(service.csv_lines(header, service.eligible_rows(connection, header, query)))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == header
    assert rows[1][0] == str(household.id) and rows[1][1] == "Lahore" and rows[1][3] == "Head"
    assert rows[1][4] == "35202-*****21-3" and "7654321" not in text
    atta_header, _ = service.eligible_query(session, atta)
    assert "head_name" not in atta_header and "head_cnic_masked" not in atta_header


def test_the_spreadsheet_is_written_in_write_only_mode_and_opens(session, ctx, seeded, tmp_path):
    for score in (5.0, 15.0, 25.0):
        scored(session, score)
    session.commit()
    header, query = service.eligible_query(session, seeded["ramzan_package"])
    seen = []
    with session.get_bind().connect() as connection:
        count = service.write_xlsx(tmp_path / "list.xlsx", header, service.eligible_rows(connection, header, query, batch=2),
                                   title="ramzan_package", progress=seen.append, every=2)
    assert count == 3 and seen == [2]
    sheet = load_workbook(tmp_path / "list.xlsx", read_only=True).active
    values = list(sheet.values)
    assert list(values[0]) == header and len(values) == 4


def test_the_csv_stream_reports_its_rows_when_done(session, ctx, seeded):
    scored(session, 5.0)
    session.commit()
    header, query = service.eligible_query(session, seeded["ramzan_package"])
    told = []
    with session.get_bind().connect() as connection:
        list(service.csv_lines(header, service.eligible_rows(connection, header, query), lambda n, done: told.append((n, done))))
    assert told == [(1, True)]
