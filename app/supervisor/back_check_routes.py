"""The supervisor's quality pages: back-check discrepancies per enumerator and per question, and each
enumerator's figures (pace, time per survey, flags, returns, back-check discrepancy) for their area."""
from __future__ import annotations

from babel import numbers
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ..auth.sessions import role_required
from ..domain.back_checks import MIN_SHOWN
from ..domain.catalogue import BACK_CHECK
from ..domain.roles import Role
from ..extensions import db
from ..rendering import render_page
from ..services import back_checks
from ..unit_of_work import service_context
from . import bp

QUESTIONS = {q.key: q for q in BACK_CHECK}
# Each enumerator's figures, as EnumeratorQuality names them, in the table's order, with the end of each
# chart that deserves a look first: the most surveys a day and the fewest minutes (too fast to be true), the
# most flags, returns and discrepancies.
FIGURES = (("surveys_per_day", _l("Surveys per day")), ("minutes", _l("Median minutes per survey")),
           ("flag_rate", _l("Surveys with flags (%)")), ("return_rate", _l("Surveys returned (%)")),
           ("discrepancy_rate", _l("Back-check discrepancy (%)")))
LOWEST_FIRST = {"minutes"}
CHART_ROWS = 10  # a chart a phone can show; the table beside it lists every enumerator


def _figure_formatter():
    """Numbers as the locale writes them (grouping and decimal signs), for the figures of this page: whole
    numbers and one decimal. Babel's general formatter costs a parse per call, and the table has hundreds."""
    locale = get_locale()
    group, decimal = numbers.get_group_symbol(locale), numbers.get_decimal_symbol(locale)

    def formatted(value) -> str:
        text = f"{value:,.1f}".removesuffix(".0") if isinstance(value, float) else f"{value:,}"
        return text.replace(",", "\0").replace(".", decimal).replace("\0", group)

    return formatted


def _person(name: str) -> Markup:
    """A name as typed, isolated so a Latin name keeps its order on an Urdu page."""
    return Markup('<bdi dir="auto">{}</bdi>').format(name)


@bp.get("/backchecks")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def back_check_report():
    report = back_checks.back_check_report(db.session, service_context(), current_user, ip=request.remote_addr)
    # The bars show only the rates that rest on enough households; the tables list every row.
    charts = {"enumerators": [(_person(r.name), r.discrepancy.value) for r in report.by_enumerator
                              if r.discrepancy.value is not None],
              "questions": [(_(QUESTIONS[r.key].label), r.discrepancy.value) for r in report.by_question
                            if r.discrepancy.value is not None]}
    return render_page("supervisor/back_checks.html", "report", area=current_user.area, report=report,
                       questions=QUESTIONS, min_shown=MIN_SHOWN, charts=charts)


@bp.get("/enumerators")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def enumerator_quality():
    page = back_checks.enumerator_quality(db.session, service_context(), current_user, ip=request.remote_addr)
    rows = page.rows
    charts = []
    for key, title in FIGURES:
        shown = sorted((r for r in rows if getattr(r, key) is not None),
                       key=lambda r: getattr(r, key) if key in LOWEST_FIRST else -getattr(r, key))[:CHART_ROWS]
        caption = (_("%(figure)s, lowest first (at most %(n)s enumerators)", figure=title, n=CHART_ROWS)
                   if key in LOWEST_FIRST else
                   _("%(figure)s, highest first (at most %(n)s enumerators)", figure=title, n=CHART_ROWS))
        charts.append((key, caption, [(_person(r.name), getattr(r, key)) for r in shown]))
    return render_page("supervisor/enumerators.html", "figures", area=current_user.area, rows=rows,
                       min_shown=MIN_SHOWN, charts=charts, figures=FIGURES, refreshed_at=page.refreshed_at,
                       figure=_figure_formatter())
