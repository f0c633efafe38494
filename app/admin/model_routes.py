"""/admin/models: the versions of the scoring model, one version's indicators and bands, a new version (a copy
of another, edited as JSON and checked with clear errors), activating it (audited) and re-scoring every verified
household under it as a background job whose progress the page follows."""
from __future__ import annotations

import json

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.sessions import role_required
from ..database import read_session
from ..domain.roles import Role
from ..domain.scoring import N_, SOURCES, ModelInvalid, Problem, definition_of
from ..extensions import db
from ..models import BackgroundJob, ScoringModel
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services import scoring
from ..unit_of_work import service_context
from . import bp
from .model_forms import ModelActionForm, NewModelForm
from .routes import AUDIT_ACTIONS

AUDIT_ACTIONS.update({"scoring.model_create": _l("Scoring model version saved"),
                      "scoring.model_activate": _l("Scoring model version activated")})

RESCORE = "scoring.rescore"


def _model(model_id: int) -> ScoringModel:
    row = db.session.get(ScoringModel, model_id)
    if row is None:
        abort(404)
    return row


def _model_to_change(model_id: int) -> ScoringModel:
    """The version a button acts on, once the form's CSRF token is checked."""
    row = _model(model_id)
    if not ModelActionForm().validate():
        abort(400)
    return row


def _rescore_jobs() -> list[BackgroundJob]:
    return list(db.session.scalars(db.select(BackgroundJob).where(BackgroundJob.kind == RESCORE)
                                   .order_by(BackgroundJob.id.desc()).limit(5)))


@bp.get("/models")
@role_required(Role.ADMIN)
def models():
    """Every version, the active one first in mind; the latest re-scores and their progress (htmx polls the
    block while one runs)."""
    jobs = _rescore_jobs()
    rows = scoring.all_models(db.session)
    return render_page("admin/models/list.html", "rescore_jobs", models=rows,
                       counts=scoring.households_by_model(read_session()), jobs=jobs,
                       names={row.id: row.version for row in rows}, action_form=ModelActionForm(),
                       active=any(job.is_active for job in jobs))


@bp.get("/models/<int:model_id>")
@role_required(Role.ADMIN)
def model(model_id: int):
    row = _model(model_id)
    return render_page("admin/models/view.html", model=row, read=scoring.model_of(row), sources=SOURCES,
                       action_form=ModelActionForm(), households=scoring.households_by_model(read_session()).get(row.id, 0))


def _form_page(form: NewModelForm, problems: list[Problem] = (), status: int = 200, copied: ScoringModel | None = None):
    return render_page("admin/models/new.html", "model_form", status=status, form=form, copied=copied,
                       problems=[p.text(_) for p in problems], sources=SOURCES)


@bp.get("/models/new")
@role_required(Role.ADMIN)
def new_model():
    """A new version starts as a copy of another (the active one unless ?from= names one): edit the weights,
    points and bands, then save."""
    source_id = request.args.get("from", type=int)
    copied = db.session.get(ScoringModel, source_id) if source_id else scoring.active_model(db.session)
    form = NewModelForm(formdata=None)
    if copied is not None:
        form.definition.data = json.dumps(definition_of(scoring.model_of(copied)), ensure_ascii=False, indent=2)
    form.effective_from.data = service_context().now().date()
    return _form_page(form, copied=copied)


@bp.post("/models/new")
@role_required(Role.ADMIN)
def create_model():
    form = NewModelForm()
    if not form.validate():
        return _form_page(form, status=422)
    try:
        definition = json.loads(form.definition.data)
    except (ValueError, RecursionError) as error:  # RecursionError: brackets nested thousands deep
        problem = Problem(N_("The JSON cannot be read near line %(line)s, column %(column)s: check the commas, "
                             "quotes and brackets."), {"line": getattr(error, "lineno", 1), "column": getattr(error, "colno", 1)})
        form.definition.errors = [problem.text(_)]
        return _form_page(form, [problem], status=422)
    try:
        row = scoring.create_model(db.session, service_context(), version=form.version.data,
                                   effective_from=form.effective_from.data, definition=definition,
                                   notes=form.notes.data, actor=current_user)
    except ModelInvalid as invalid:
        form.definition.errors = [_("The model has problems: see the list above.")]
        return _form_page(form, invalid.problems, status=422)
    flash(_("Version %(version)s is saved. It scores nobody until you activate it.", version=row.version), "success")
    target = url_for("admin.model", model_id=row.id)
    return htmx_redirect(target) if wants_fragment() else redirect(target)


@bp.post("/models/<int:model_id>/activate")
@role_required(Role.ADMIN)
def activate_model(model_id: int):
    row = _model_to_change(model_id)
    try:
        scoring.activate_model(db.session, service_context(), row, actor=current_user)
    except scoring.NotYetEffective:
        flash(_("Version %(version)s takes effect on %(day)s: activate it on or after that day.",
                version=row.version, day=row.effective_from.isoformat()), "error")
    else:
        flash(_("Version %(version)s now scores every household verified from now on. Re-score the households "
                "verified before to bring them to it.", version=row.version), "success")
    return redirect(url_for("admin.models"))


@bp.post("/models/<int:model_id>/rescore")
@role_required(Role.ADMIN)
def rescore(model_id: int):
    from ..jobs import enqueue

    row = _model_to_change(model_id)
    if not row.active:
        flash(_("Only the active version re-scores households: activate %(version)s first.", version=row.version),
              "error")
        return redirect(url_for("admin.models"))
    enqueue(db.session, RESCORE, model_id=row.id)
    flash(_("Re-scoring under %(version)s has started. Its progress is shown below and on the jobs page.",
            version=row.version), "success")
    return redirect(url_for("admin.models"))

