"""Programme jobs: simulating a draft rule, counting eligible households after an activation, and writing
an eligible list to an .xlsx file in the instance folder (downloaded from the programme's page)."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from .registry import job_kind
from .runner import JobRun


def export_dir() -> Path:
    folder = Path(current_app.config.get("PROGRAMME_EXPORT_DIR") or Path(current_app.instance_path) / "exports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_path(job_id: int, code: str) -> Path:
    return export_dir() / f"programme-{code}-{job_id}.xlsx"


@job_kind("programmes.simulate", label=_l("Simulating a programme rule"),
          result_labels={"eligible": _l("eligible under the draft"), "was": _l("eligible under the active rule")})
def simulate_rule(session: Session, params: dict, run: JobRun) -> dict:
    from ..services.programmes import programme_by_code, rule_in_state, simulate

    programme = programme_by_code(session, params["programme"])
    draft = rule_in_state(session, programme, "draft")
    if draft is None:
        raise LookupError(f"{params['programme']} has no draft rule")
    run.save(done=0, total=1, message=programme.code)
    return simulate(session, programme, draft.rule)


@job_kind("programmes.refresh_counts", label=_l("Counting eligible households"),
          result_labels={"rows": _l("district counts")})
def refresh_programme_counts(session: Session, params: dict, run: JobRun) -> dict:
    from ..services.programmes import refresh_counts

    codes = params.get("programmes")
    return {"rows": refresh_counts(session, run.context, codes.split(",") if codes else None)}


@job_kind("programmes.export_xlsx", label=_l("Eligible list (XLSX)"), timeout=3 * 3600,
          result_labels={"rows": _l("households")})
def export_xlsx(session: Session, params: dict, run: JobRun) -> dict:
    """Stream the list from a server-side cursor into openpyxl's write-only workbook: flat memory for a
    million rows. Progress is saved every 10,000 rows; the export is audited with its row count."""
    from ..services.programmes import (count_eligible, eligible_query, eligible_rows, programme_by_code,
                                       record_export, write_xlsx)

    programme = programme_by_code(session, params["programme"])
    total = count_eligible(session, programme)
    run.save(done=0, total=total)
    path = export_path(run.job_id, programme.code)
    partial = path.with_suffix(".part")
    with session.get_bind().connect() as connection:  # its own cursor: the job's session keeps saving progress
        header, query = eligible_query(session, programme)
        count = write_xlsx(partial, header, eligible_rows(connection, header, query), title=programme.code,
                           progress=lambda done: run.save(done=done, total=max(total, done)))
    partial.replace(path)
    record_export(session, run.context, programme, actor_id=params.get("actor_id"), file_format="xlsx", rows=count,
                  job_id=run.job_id)
    return {"rows": count, "file": path.name, "programme": programme.code}
