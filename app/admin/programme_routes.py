"""Programmes for planners: the rules in words with their eligible counts, a draft edited and simulated
before it is activated, and the eligible lists (CSV streamed, XLSX as a background job)."""
from __future__ import annotations

from flask import (Response, abort, current_app, flash, redirect, request, send_file, stream_with_context,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..auth.sessions import role_required
from ..database import read_session
from ..domain.eligibility import FACTS, OPS, Name, Phrase, RuleInvalid, canonical, describe, parse_rule
from ..domain.roles import Role
from ..extensions import db
from ..forms_common import strip_filter
from ..i18n import current_language
from ..models import BackgroundJob, ProgrammeRule
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services import programmes as service
from ..unit_of_work import service_context, unit_of_work
from . import bp


class RuleForm(FlaskForm):
    rule = TextAreaField(_l("Rule (JSON)"), [Length(max=20000, message=_l("The rule is too long."))],
                         render_kw={"rows": 16, "dir": "ltr", "spellcheck": "false", "class": "code"})
    note = StringField(_l("What changed, in a few words"), [Optional(), Length(max=300)], filters=[strip_filter],
                       render_kw={"maxlength": 300})


class ActionForm(FlaskForm):
    digest = HiddenField()


# --- words for templates ------------------------------------------------------------------------------------


def say(phrase) -> str:
    """A domain phrase (or name) in the reader's language."""
    locale = current_language()

    def name_in(name: Name) -> str:
        return name.ur if locale == "ur" else name.en

    if isinstance(phrase, Name):
        return name_in(phrase)
    if isinstance(phrase, Phrase):
        return phrase.render(_, name_in)
    return str(phrase)


@bp.app_template_global("say")
def say_global(phrase) -> str:
    return say(phrase)


@bp.app_template_global("my_programmes")
def my_programmes(household):
    """For /me: each programme under its active rule, eligible or why not (None before verification and a score)."""
    if household is None or str(household.status) != "verified" or household.score is None:
        return None
    return service.household_programmes(db.session, household)


@bp.app_template_global("programme_count_rows")
def programme_count_rows(area=None) -> list[dict]:
    """For templates/admin/_programme_counts.html when the dashboard passes no rows of its own."""
    return service.programme_counts(read_session(), area)


@bp.app_template_filter("programme_count_pair")
def programme_count_pair(row: dict) -> tuple[str, int]:
    return (row["ur"] if current_language() == "ur" else row["en"]), row["households"]


# --- pages ----------------------------------------------------------------------------------------------------


def _programme_or_404(code: str):
    programme = service.programme_by_code(db.session, code)
    if programme is None:
        abort(404)
    return programme


@bp.get("/programmes")
@role_required(Role.ADMIN)
def programmes():
    reads = read_session()
    context = service.rule_context(reads)
    counts = {row["code"]: row for row in service.programme_counts(reads)}
    rows = [{"programme": p, "rule": r, "words": describe(r.rule, context.vocabulary),
             "eligible": counts.get(p.code, {}).get("households", 0),
             "draft": service.rule_in_state(reads, p, "draft") is not None}
            for p, r in service.active_rules(reads)]
    listed = {row["programme"].id for row in rows}
    without = [p for p in reads.scalars(select(service.Programme).order_by(service.Programme.position))
               if p.id not in listed]
    counted = [row["counted_at"] for row in counts.values() if row["counted_at"]]
    return render_page("admin/programmes.html", rows=rows, without=without, counted_at=min(counted) if counted else None,
                       action_form=ActionForm(formdata=None))


@bp.post("/programmes")
@role_required(Role.ADMIN)
def refresh_programme_counts():
    """Count the eligible households again (a background job; inline without Redis)."""
    from ..jobs import enqueue

    if ActionForm().validate():
        enqueue(db.session, "programmes.refresh_counts")
        flash(_("The eligible households are being counted again."), "success")
    return redirect(url_for("admin.programmes"), 303)


def _simulation(programme, draft):
    """The latest simulation job of this draft as it is now (its digest), if any."""
    if draft is None:
        return None
    digest = service.rule_digest(draft.rule)
    jobs = db.session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "programmes.simulate")
                              .order_by(BackgroundJob.id.desc()).limit(20)).all()
    for job in jobs:
        if (job.params or {}).get("programme") == programme.code and (job.params or {}).get("digest") == digest:
            return job
    return None


def _exports(programme):
    jobs = db.session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "programmes.export_xlsx")
                              .order_by(BackgroundJob.id.desc()).limit(30)).all()
    return [j for j in jobs if (j.params or {}).get("programme") == programme.code][:5]


def _back(code: str, anchor: str | None = None):
    """After a form: the programme's page, as a full load (htmx follows HX-Redirect)."""
    target = url_for("admin.programme", code=code, _anchor=anchor)
    return htmx_redirect(target) if wants_fragment() else redirect(target, 303)


def _page(programme, status: int = 200, form: RuleForm | None = None, errors=None, block: str = "rule_editor"):
    context = service.rule_context(db.session)
    active = service.rule_in_state(db.session, programme, "active")
    draft = service.rule_in_state(db.session, programme, "draft")
    if form is None:
        form = RuleForm(formdata=None)
        form.rule.data = canonical((draft or active).rule) if (draft or active) else canonical(
            {"all": [service.VERIFIED]})
    simulation = _simulation(programme, draft)
    exports = _exports(programme)
    versions = db.session.scalars(select(ProgrammeRule).where(ProgrammeRule.programme_id == programme.id)
                                  .order_by(ProgrammeRule.version.desc())).all()
    return render_page(
        "admin/programme.html", block, status=status, programme=programme, form=form, errors=errors or [],
        active=active, draft=draft, versions=versions,
        active_words=describe(active.rule, context.vocabulary) if active else None,
        draft_words=describe(draft.rule, context.vocabulary) if draft else None,
        simulation=simulation, action_form=ActionForm(formdata=None), exports=exports,
        columns=[(c, service.EXPORT_COLUMNS[c]) for c in service.export_columns(programme)],
        busy=any(j.is_active for j in exports) or bool(simulation and simulation.is_active),
        fact_names=list(FACTS), op_names=list(OPS))


@bp.get("/programmes/<code>")
@role_required(Role.ADMIN)
def programme(code: str):
    """The page; an htmx request gets the rule editor, or the simulation block while it refreshes itself."""
    return _page(_programme_or_404(code), block="simulation" if request.args.get("part") == "simulation" else "rule_editor")


@bp.post("/programmes/<code>")
@role_required(Role.ADMIN)
def save_rule(code: str):
    """Keep the rule as the draft (validated); the active rule stays until the draft is activated."""
    programme = _programme_or_404(code)
    form = RuleForm()
    if not form.validate():
        return _page(programme, 422, form)
    try:
        rule = parse_rule(form.rule.data or "")
        service.save_draft(db.session, service_context(), programme, rule, actor_id=current_user.id,
                           note=form.note.data)
    except RuleInvalid as invalid:
        form.rule.errors = [_("The rule was not saved. Please correct it.")]
        return _page(programme, 422, form, invalid.errors)
    flash(_("Draft saved. Simulate it to see who would be eligible, then activate it."), "success")
    return _back(code)


@bp.post("/programmes/<code>/preview")
@role_required(Role.ADMIN)
def preview_rule(code: str):
    """The rule being typed, in words or with its problems, as the admin types (htmx); nothing is saved."""
    _programme_or_404(code)
    if not wants_fragment():
        return redirect(url_for("admin.programme", code=code), 303)
    errors, words = [], None
    try:
        rule = parse_rule(str(request.form.get("rule", ""))[:20000])
        errors = service.check_rule(db.session, rule)
        if not errors:
            words = describe(rule, service.rule_context(db.session).vocabulary)
    except RuleInvalid as invalid:
        errors = invalid.errors
    return render_page("admin/programme.html", "rule_preview", preview_errors=errors, preview_words=words)


@bp.post("/programmes/<code>/simulate")
@role_required(Role.ADMIN)
def simulate(code: str):
    from ..jobs import enqueue

    programme = _programme_or_404(code)
    draft = service.rule_in_state(db.session, programme, "draft")
    if draft is None or not ActionForm().validate():
        flash(_("There is no draft to simulate: save a draft rule first."), "error")
        return _back(code)
    enqueue(db.session, "programmes.simulate", programme=code, digest=service.rule_digest(draft.rule))
    return _back(code, "simulation")


@bp.post("/programmes/<code>/activate")
@role_required(Role.ADMIN)
def activate(code: str):
    from ..jobs import enqueue

    programme = _programme_or_404(code)
    form = ActionForm()
    draft = service.rule_in_state(db.session, programme, "draft")
    simulation = _simulation(programme, draft)
    digest = form.digest.data if form.validate() and simulation is not None and simulation.state == "done" else None
    try:
        rule = service.activate(db.session, service_context(), programme, actor_id=current_user.id,
                                simulated_digest=digest)
    except service.NotSimulated:
        flash(_("Simulate this draft before activating it (or again, if it changed since)."), "error")
        return _page(programme, 422)
    except RuleInvalid as invalid:
        return _page(programme, 422, errors=invalid.errors)
    enqueue(db.session, "programmes.refresh_counts", programmes=code)
    flash(_("Version %(version)s is now the active rule. The eligible counts are being refreshed.",
            version=rule.version), "success")
    return _back(code)


@bp.get("/programmes/<code>/eligible.csv")
@role_required(Role.ADMIN)
def eligible_csv(code: str):
    """The eligible list, streamed from a server-side cursor; audited with its row count when it ends."""
    programme = _programme_or_404(code)
    app, ctx, actor_id = current_app._get_current_object(), service_context(), current_user.id
    reads = read_session()
    header, query = service.eligible_query(reads, programme)

    def finished(rows: int, complete: bool) -> None:
        with app.app_context(), unit_of_work(db.session) as session:
            service.record_export(session, ctx, service.programme_by_code(session, code), actor_id=actor_id,
                                  file_format="csv", rows=rows, finished=complete)

    def body():
        with reads.get_bind().connect() as connection:
            yield from service.csv_lines(header, service.eligible_rows(connection, header, query), finished)

    response = Response(stream_with_context(body()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="eligible-{code}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/programmes/<code>/eligible.xlsx")
@role_required(Role.ADMIN)
def start_xlsx(code: str):
    from ..jobs import enqueue

    _programme_or_404(code)
    if ActionForm().validate():
        enqueue(db.session, "programmes.export_xlsx", programme=code, actor_id=current_user.id)
        flash(_("The spreadsheet is being written. Its link appears below when it is ready."), "success")
    return _back(code, "exports")


@bp.get("/programmes/<code>/eligible.xlsx")
@role_required(Role.ADMIN)
def download_xlsx(code: str):
    """The spreadsheet an export job wrote (?job=N, else the latest finished one)."""
    from ..jobs.programme_kinds import export_path

    programme = _programme_or_404(code)
    wanted = request.args.get("job", type=int)
    if wanted is not None:
        job = db.session.get(BackgroundJob, wanted) if 0 < wanted < 2**31 else None
        if job is None or job.kind != "programmes.export_xlsx" or (job.params or {}).get("programme") != code:
            job = None
    else:
        job = next((j for j in _exports(programme) if j.state == "done"), None)
    if job is None or job.state != "done" or not export_path(job.id, code).exists():
        flash(_("No spreadsheet is ready yet: start one below."), "error")
        return redirect(url_for("admin.programme", code=code, _anchor="exports"), 303)
    from ..services import audit

    audit.record(db.session, service_context(), "programme.download", actor_id=current_user.id, outcome=code,
                 detail={"programme": code, "job": job.id, "rows": (job.result or {}).get("rows")})
    return send_file(export_path(job.id, code), as_attachment=True, download_name=f"eligible-{code}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_age=0)
