"""The administrator's home: households by state, users by role, the latest audit entries."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l

from ..auth.sessions import role_required
from ..database import read_session
from ..domain.roles import Role
from ..extensions import db
from ..rendering import render_page, wants_fragment
from ..services.overview import audit_page, households_by_status, users_by_role
from . import bp


AUDIT_ACTIONS = {
    "registration": _l("Registration"),
    "registration.expired": _l("Unverified registration expired"),
    "otp.verify": _l("Code check"),
    "otp.resend": _l("New code requested"),
    "login": _l("Sign-in"),
    "logout": _l("Sign-out"),
    "status_lookup": _l("Status lookup"),
    "user.create": _l("Account created"),
    "household.start": _l("Household started at the door"),
    "household.area": _l("Household area given by the citizen"),
    "household.save": _l("Questionnaire section saved"),
    "household.member": _l("Household member changed"),
    "household.submit": _l("Questionnaire submitted"),
    "household.denied": _l("Household refused: outside the user's area"),
    "household.view": _l("Household read"),
    "household.search": _l("Households searched by CNIC"),
    "complaint.file": _l("Complaint filed"),
    "complaint.track": _l("Complaint tracked"),
    "complaint.view": _l("Complaint opened by staff"),
    "complaint.denied": _l("Complaint refused: outside the user's area"),
    "complaint.assign": _l("Complaint assigned"),
    "complaint.state": _l("Complaint state changed"),
    "complaint.reply": _l("Public reply"),
    "complaint.note": _l("Internal note"),
    "complaint.escalate": _l("Complaint escalated"),
    "complaint.reopen": _l("Complaint reopened"),
    "complaint.rate": _l("Complaint rated"),
    "complaint.resurvey": _l("New survey visit requested"),
    "complaint.contact": _l("Contact details corrected"),
    "complaint.link": _l("Complaints linked"),
    "complaint.claim": _l("Complaint shown to be the citizen's own"),
    "complaint.reveal_mobile": _l("Mobile number shown to call the citizen"),
    "helpdesk.lookup": _l("Citizen looked up by the helpdesk"),
    "job.demo": _l("Demonstration job: one item counted"),
    "programme.draft": _l("Programme rule draft saved"),
    "programme.activate": _l("Programme rule activated"),
    "programme.export": _l("Eligible list exported"),
    "programme.download": _l("Eligible list spreadsheet downloaded"),
    "disaster.create": _l("Disaster event recorded"),
    "disaster.open": _l("Disaster event opened again"),
    "disaster.closed": _l("Disaster event closed"),
    "disaster.list": _l("Relief list read"),
    "relief.record": _l("Relief delivered"),
    "sms.outbox": _l("SMS outbox read"),
    "sms.retry": _l("Failed SMS sent again"),
    "audit.view": _l("Audit log read"),
    "audit.export": _l("Audit log exported"),
    "mydata.read": _l("Citizen read their own data"),
    "backcheck.open": _l("Back-check opened"),
    "household.list": _l("List of households read"),
    "household.approve": _l("Household approved"),
    "household.return": _l("Household returned for fixes"),
    "household.reject": _l("Household rejected"),
    "household.reopen": _l("Household opened again"),
}

AUDIT_OUTCOMES = {
    "created": _l("created"),
    "duplicate": _l("refused: already registered"),
    "removed": _l("removed"),
    "success": _l("success"),
    "bad_password": _l("wrong password"),
    "unknown": _l("unknown CNIC"),
    "locked": _l("locked"),
    "disabled": _l("account disabled"),
    "wrong": _l("wrong code"),
    "expired": _l("code expired"),
    "missing": _l("no code waiting"),
    "sent": _l("sent"),
    "cooldown": _l("refused: too soon"),
    "exhausted": _l("refused: daily limit"),
    "not_found": _l("not registered"),
    "citizen": _l("citizen"),
    "enumerator": _l("enumerator"),
    "supervisor": _l("supervisor"),
    "helpdesk": _l("helpdesk agent"),
    "admin": _l("administrator"),
    "found": _l("found"),
    "out_of_scope": _l("refused: outside the user's area"),
    "too_many_open": _l("refused: too many open complaints"),
    "added": _l("added"),
    "edited": _l("edited"),
    "page": _l("on screen"),
    "csv": _l("downloaded"),
    "print": _l("printed"),
}


def outcome_label(outcome: str | None) -> str:
    """An audit outcome in words: a known outcome, a state or section name, else the value itself (a
    tracking number or a record number, which read the same in every language)."""
    from ..complaint_texts import STATE_NAMES
    from ..stage_texts import STAGE_NAMES

    if not outcome:
        return ""
    for table in (AUDIT_OUTCOMES, STAGE_NAMES, STATE_NAMES, SECTION_NAMES):
        if outcome in table:
            return str(table[outcome])
    return outcome


SECTION_NAMES = {"consent": _l("Consent and location"), "housing": _l("Housing"), "assets": _l("Assets"),
                 "income": _l("Income and support"), "members": _l("Members")}


@bp.get("/")
@role_required(Role.ADMIN)
def home():
    reads = read_session()  # a replica's with DATABASE_READ_URL: these figures may lag by a moment
    page = audit_page(reads, request.args.get("cursor") or None)
    whole = not wants_fragment()  # htmx swapping the audit block needs no counts
    return render_page(
        "admin/home.html",
        "audit",
        counts=households_by_status(reads) if whole else {},
        roles=users_by_role(reads) if whole else {},
        audit_entries=page.rows,
        page=page,
        action_labels=AUDIT_ACTIONS,
        outcome_label=outcome_label,
        **(planner_dashboard(reads) if whole else {}),
    )


def planner_dashboard(reads) -> dict:
    """The planners' figures, from summary tables only (services.dashboard)."""
    from ..complaint_texts import complaint_state
    from ..i18n import current_language
    from ..services import dashboard

    lang = current_language()
    coverage = dashboard.coverage_by_district(reads, lang, unplaced_name=str(_l("No district yet")))
    relief = dashboard.relief_served(reads, lang)
    return {
        "coverage_rows": [(row.name, [row.registered, row.surveyed, row.verified]) for row in coverage],
        "complaint_state_rows": [(complaint_state(state), n)
                                 for state, n in dashboard.complaints_by_state(reads).items()],
        "relief": relief,
        "relief_rows": [(event.name, event.served) for event in relief],
    }


JOB_STATES = {"queued": _l("Waiting"), "running": _l("Running"), "done": _l("Done"), "failed": _l("Failed")}


@bp.get("/jobs")
@role_required(Role.ADMIN)
def jobs():
    """Background jobs and their progress; while any is waiting or running, htmx refreshes the list."""
    from ..jobs import KINDS, kind_named
    from ..services.jobs import recent_jobs

    kind_named("sms.send")  # makes sure the portal's kinds are registered
    listed = recent_jobs(db.session)
    return render_page("admin/jobs.html", "job_list", jobs=listed, kinds=KINDS, state_labels=JOB_STATES,
                       active=any(job.is_active for job in listed))
