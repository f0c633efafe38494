"""Households that reach the registry without a save of the questionnaire (a clerk's CSV import) are checked
by `flask cross-check`, a resumable background job: the same head's CNIC imported in two districts is then
flagged on both households."""
from __future__ import annotations

from sqlalchemy import select

from app.models import BackgroundJob, Household
from app.models.quality import HouseholdFlag
from app.services import cross_checks
from app.unit_of_work import service_context
from tests.test_bulk_load import family, import_file, write_csv


def _flags(db) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for household_id, code in db.execute(select(HouseholdFlag.household_id, HouseholdFlag.code)):
        found.setdefault(household_id, set()).add(code)
    return found


def test_the_same_head_imported_in_two_districts_is_flagged_by_the_cross_check_command(app, db, tmp_path):
    rows = [family("a-1", status="submitted", area="DST-LHR"),
            family("a-2", status="submitted", area="DST-MUL", account="no"),
            family("a-3", cnic="35202-7654321-1", status="draft", area="DST-LHR", account="no")]
    assert import_file(app, write_csv(tmp_path / "households.csv", rows)).exit_code == 0
    assert _flags(db) == {}  # the import is set-based: no checks yet

    result = app.test_cli_runner().invoke(args=["cross-check"])
    assert result.exit_code == 0, result.output
    assert "households checked: 2" in result.output  # submitted ones by default; the draft is not swept
    ids = dict(db.execute(select(Household.import_key, Household.id)).all())
    flags = _flags(db)
    assert flags[ids["a-1"]] == flags[ids["a-2"]] == {"head_surveyed_elsewhere"}
    assert ids["a-3"] not in flags
    job = db.scalars(select(BackgroundJob)).one()
    assert (job.kind, job.state, job.result) == ("households.cross_check", "done", {"checked": 2})


def test_a_sweep_goes_batch_by_batch_and_resumes_after_the_last_household(app, db, tmp_path):
    rows = [family(f"b-{n}", cnic=f"35202-765432{n}-1", status="verified", account="no") for n in range(5)]
    assert import_file(app, write_csv(tmp_path / "households.csv", rows)).exit_code == 0
    ctx = service_context(app)
    first = sorted(db.scalars(select(Household.id)))
    assert cross_checks.recheck_batch(db, ctx, after_id=0, limit=3) == (3, first[2])
    assert cross_checks.recheck_batch(db, ctx, after_id=first[2], limit=3) == (2, first[4])
    assert cross_checks.recheck_batch(db, ctx, after_id=first[4], limit=3) == (0, None)
