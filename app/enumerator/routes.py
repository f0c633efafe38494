"""The enumerator's day: their area's households by state, search by the head's CNIC, start a new one."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user

from ..auth.sessions import role_required
from ..domain.cnic import typed_prefix
from ..domain.household_status import HouseholdStatus
from ..domain.roles import Role
from ..extensions import db
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services import audit
from ..services.overview import households_by_status
from ..services.questionnaire import area_households, start_household
from ..unit_of_work import service_context
from . import bp
from .forms import StartHouseholdForm

# The order of the tabs: what needs the enumerator first.
TABS = (HouseholdStatus.RETURNED, HouseholdStatus.DRAFT, HouseholdStatus.SCHEDULED, HouseholdStatus.REGISTERED,
        HouseholdStatus.SUBMITTED)


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ENUMERATOR, Role.ADMIN)
def home():
    if current_user.area is None:
        return render_page("enumerator/home.html", area=None, counts={}, households=[], page=None, state=None,
                           query="", tabs=TABS, form=StartHouseholdForm())
    state = request.args.get("state") or None
    if state not in {s.value for s in TABS}:
        state = None
    # A search is a POST (a CNIC never stands in a URL), and so are its pages; the plain list pages by GET.
    query = (request.form.get("q") or "")[:20] if request.method == "POST" else ""
    cursor = (request.form if request.method == "POST" else request.args).get("cursor") or None
    prefix = typed_prefix(query)
    page = area_households(db.session, current_user, status=state, cnic_prefix=prefix or None, cursor=cursor)
    if request.method == "POST" and prefix:  # a search by CNIC reads the households it finds: audited, one entry a page
        audit.record(db.session, service_context(), "household.search", actor_id=current_user.id,
                     cnic=prefix if len(prefix) == 15 else None, ip=request.remote_addr, outcome=str(len(page.rows)),
                     detail={"households": [h.id for h in page.rows]})
    elif page.rows:  # the plain list names heads and addresses: a read too, one entry a page
        audit.record_list_read(db.session, service_context(), page.rows, actor=current_user, ip=request.remote_addr,
                               reason=audit.REASON_SURVEY, detail={"state": state} if state else None)
    # The tabs' counts are outside the list block: not needed when htmx swaps only the list.
    counts = {} if wants_fragment() else households_by_status(db.session, current_user.area)
    # Scheduled households first: their own short list above the whole one on the first page of "All" (each
    # list is one index range; a status-first order over the whole area would not be).
    scheduled = []
    if not (wants_fragment() or state or prefix or cursor) and counts.get(HouseholdStatus.SCHEDULED):
        scheduled = area_households(db.session, current_user, status=HouseholdStatus.SCHEDULED, limit=10).rows
    context = {"area": current_user.area, "counts": counts, "households": page.rows, "page": page, "state": state,
               "query": query, "tabs": TABS, "form": StartHouseholdForm(), "scheduled": scheduled}
    return render_page("enumerator/home.html", "household_list", **context)


@bp.post("/households")
@role_required(Role.ENUMERATOR)
def start():
    form = StartHouseholdForm()
    if current_user.area is None or not form.validate():
        return render_page("enumerator/home.html", "start_form", status=422, form=form, area=current_user.area,
                           counts={}, households=[], page=None, state=None, query="", tabs=TABS)
    household = start_household(db.session, service_context(), current_user, form.head_cnic.data)
    target = url_for("enumerator_survey.section", household_id=household.id, section="consent")
    return htmx_redirect(target) if wants_fragment() else redirect(target)
