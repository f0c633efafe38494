"""The household questionnaire as use cases: who may open a household, saving a section or a member
against the version the form was made from, and submitting with a revision snapshot."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from ..domain.catalogue import CATALOGUE
from ..domain.cnic import prefix_range
from ..domain.household_status import HouseholdStatus, check_move
from ..domain.questionnaire import SECTIONS, MemberFacts, Problem, age_on, is_blocking, member_problems
from ..domain.roles import Role
from ..models import Household, HouseholdMember, HouseholdRevision, HouseholdStatusChange, User
from . import audit, cross_checks, duplicates, household_facts, summaries
from .area_tree import area_tree
from .context import ServiceContext
from .keyset import Keyset, Page, paginate
from .staff_scope import HOUSEHOLDS, staff_scope

EDITABLE = {HouseholdStatus.REGISTERED, HouseholdStatus.SCHEDULED, HouseholdStatus.DRAFT, HouseholdStatus.RETURNED}
# The columns each section writes, and the member table's: from the question catalogue.
SECTION_FIELDS = CATALOGUE.section_columns()
MEMBER_FIELDS = CATALOGUE.member_columns()


def may_open(session: Session, user: User, household: Household) -> bool:
    """Per record: a citizen only their own household; staff by the staff scope rule (services.staff_scope):
    an enumerator or supervisor only within their area, an admin everywhere."""
    if user.role == Role.CITIZEN:
        return user.household_id == household.id
    return staff_scope(session, user, HOUSEHOLDS).covers(household.area_id)


# Households the helpdesk asked to visit again first, then the latest changed; a search in CNIC order.
LIST_ORDER = Keyset(columns=(Household.visit_requested, Household.updated_at, Household.id),
                    kinds=(bool, datetime, int), descending=True)
SEARCH_ORDER = Keyset(columns=(Household.head_cnic, Household.id), kinds=(str, int))


def _in_area(session: Session, area_id: int):
    """A filter that is one index range: a tehsil's households by area, a district's by their district."""
    tree = area_tree(session, must_have=area_id)
    level = tree.level.get(area_id)
    if level == "tehsil":
        return Household.area_id == area_id
    if level == "district":
        return Household.district_id == area_id
    return Household.district_id.in_([a for a in tree.descendants(area_id) if tree.level[a] == "district"])


def area_households(session: Session, user: User, *, status: str | None = None, cnic_prefix: str | None = None,
                    cursor: str | None = None, limit: int = 50) -> Page:
    """One page of the user's area's households (optionally of one status, or whose head's CNIC starts
    with `cnic_prefix`); raises keyset.BadCursor for a cursor this list did not make."""
    query = (select(Household).where(_in_area(session, user.area_id))
             .options(selectinload(Household.area)))  # the list names each household's area: one query, not fifty
    if status:
        query = query.where(Household.status == status)
    order = LIST_ORDER
    if cnic_prefix:
        low, high = prefix_range(cnic_prefix)
        query = query.where(Household.head_cnic >= low)
        if high is not None:
            query = query.where(Household.head_cnic < high)
        order = SEARCH_ORDER
    return paginate(session, query, order, cursor, limit=limit)


def _move(session: Session, household: Household, target: HouseholdStatus, actor: User | None, reason: str,
          at: datetime) -> None:
    previous = household.status
    household.status = check_move(previous, target)
    session.add(HouseholdStatusChange(household_id=household.id, from_status=previous, to_status=target,
                                      actor_id=actor.id if actor else None, reason=reason, at=at))


def start_household(session: Session, ctx: ServiceContext, enumerator: User, head_cnic: str) -> Household:
    """A household met at the door with no online sign-up: a draft in the enumerator's area."""
    household = Household(head_cnic=head_cnic, status=HouseholdStatus.DRAFT, area_id=enumerator.area_id,
                          enumerator_id=enumerator.id, sections_saved={})
    session.add(household)
    session.flush()
    session.add(HouseholdStatusChange(household_id=household.id, to_status=HouseholdStatus.DRAFT,
                                      actor_id=enumerator.id, reason="started at the door", at=ctx.now()))
    audit.record(session, ctx, "household.start", actor_id=enumerator.id, cnic=head_cnic, outcome=str(household.id),
                 household_id=household.id, area_id=household.district_id)
    return household


@dataclass
class SaveResult:
    ok: bool
    reason: str = ""  # conflict, not_editable
    household: Household | None = None
    changed: dict = field(default_factory=dict)  # on conflict: field -> (saved now, what the user sent)


def _bump(session: Session, ctx: ServiceContext, household: Household, expected_version: int, values: dict,
          actor: User, section: str) -> bool:
    """Write `values` only if nobody saved since the form was made; True when written."""
    now = ctx.now()
    saved = dict(household.sections_saved or {})
    saved[section] = now.isoformat()
    before = (household.area_id, household.status)
    if "area_id" in values:  # a bulk UPDATE passes no ORM event: keep the district here (see services.summaries)
        area_id = values["area_id"]
        values = {**values, "district_id": area_tree(session, must_have=area_id).district_of(area_id) if area_id else None}
    written = session.execute(
        update(Household)
        .where(Household.id == household.id, Household.version == expected_version)
        .values(**values, sections_saved=saved, version=Household.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if written:
        session.refresh(household)
        if "area_id" in values:  # the members' copy of the district (the duplicate search's range) follows
            duplicates.keep_members_district(session, household.id, household.district_id)
        summaries.count_household_change(session, before, (household.area_id, household.status))
        if household.status in (HouseholdStatus.REGISTERED, HouseholdStatus.SCHEDULED):
            _move(session, household, HouseholdStatus.DRAFT, actor, "questionnaire started", now)
        if actor.role == Role.CITIZEN:
            household.self_declared = True
        elif household.enumerator_id is None and actor.role == Role.ENUMERATOR:
            household.enumerator_id = actor.id
    return bool(written)


def _conflict(session: Session, household: Household, fields: tuple[str, ...], sent: dict) -> SaveResult:
    # Nothing was written (the guarded UPDATE matched no row): read what the other save left.
    session.refresh(household)
    changed = {name: (getattr(household, name), sent.get(name)) for name in fields
               if getattr(household, name) != sent.get(name)}
    return SaveResult(False, "conflict", household, changed)


def save_section(session: Session, ctx: ServiceContext, household: Household, section: str, values: dict, *,
                 expected_version: int, actor: User) -> SaveResult:
    if household.status not in EDITABLE:
        return SaveResult(False, "not_editable", household)
    fields = SECTION_FIELDS[section]
    values = {name: values.get(name) for name in fields}
    if section == "consent" and values.get("consent_given") and household.consent_at is None:
        values["consent_at"] = ctx.now()
    if not _bump(session, ctx, household, expected_version, values, actor, section):
        return _conflict(session, household, fields, values)
    audit.record(session, ctx, "household.save", actor_id=actor.id, cnic=household.head_cnic, outcome=section,
                 household_id=household.id, area_id=household.district_id)
    cross_checks.recheck(session, ctx, household)  # flags for the supervisor, never a reason to refuse a save
    return SaveResult(True, household=household)


def save_member(session: Session, ctx: ServiceContext, household: Household, member_id: int | None, values: dict,
                *, expected_version: int, actor: User) -> SaveResult:
    """Add (member_id None) or edit a member; the household's version guards both."""
    if household.status not in EDITABLE:
        return SaveResult(False, "not_editable", household)
    member = None
    if member_id is not None:
        member = session.get(HouseholdMember, member_id)
        if member is None or member.household_id != household.id:
            return SaveResult(False, "missing", household)
    if not _bump(session, ctx, household, expected_version, {}, actor, "members"):
        return _conflict(session, household, (), {})
    if member is None:
        position = (session.scalar(select(func.max(HouseholdMember.position))
                                   .where(HouseholdMember.household_id == household.id)) or 0) + 1
        member = HouseholdMember(household_id=household.id, position=position)
        session.add(member)
    for name in MEMBER_FIELDS:
        setattr(member, name, values.get(name))
    audit.record(session, ctx, "household.member", actor_id=actor.id, cnic=household.head_cnic,
                 outcome="added" if member_id is None else "edited", household_id=household.id,
                 area_id=household.district_id)
    cross_checks.recheck(session, ctx, household)
    return SaveResult(True, household=household)


def remove_member(session: Session, ctx: ServiceContext, household: Household, member_id: int, *,
                  expected_version: int, actor: User) -> SaveResult:
    if household.status not in EDITABLE:
        return SaveResult(False, "not_editable", household)
    member = session.get(HouseholdMember, member_id)
    if member is None or member.household_id != household.id:
        return SaveResult(False, "missing", household)
    if not _bump(session, ctx, household, expected_version, {}, actor, "members"):
        return _conflict(session, household, (), {})
    session.delete(member)
    audit.record(session, ctx, "household.member", actor_id=actor.id, cnic=household.head_cnic, outcome="removed",
                 household_id=household.id, area_id=household.district_id)
    cross_checks.recheck(session, ctx, household)
    return SaveResult(True, household=household)


def open_problems(household: Household, today: date | None = None) -> list[Problem]:
    today = today or date.today()
    saved = household.sections_saved or {}
    problems = [Problem(section, "not_saved") for section in SECTIONS[:-1] if section not in saved and section != "members"]
    if household.consent_given is False:
        problems.insert(0, Problem("consent", "no_consent"))
    facts = [MemberFacts(key=m.id, relation=m.relation, sex=m.sex, age=age_on(m.dob, m.age_years, today),
                         cnic=m.cnic, dob=m.dob) for m in household.members]
    problems.extend(member_problems(facts, today))
    return problems


def snapshot(household: Household) -> dict:
    def plain(value):
        return value.isoformat() if hasattr(value, "isoformat") else value

    columns = [c.key for c in Household.__table__.columns]
    return {
        "household": {name: plain(getattr(household, name)) for name in columns},
        "members": [{name: plain(getattr(m, name)) for name in ("id", "position", *MEMBER_FIELDS)}
                    for m in household.members],
    }


def submit(session: Session, ctx: ServiceContext, household: Household, *, expected_version: int,
           actor: User) -> SaveResult:
    if household.status not in (HouseholdStatus.DRAFT, HouseholdStatus.RETURNED):
        return SaveResult(False, "not_editable", household)
    if is_blocking(open_problems(household)):
        return SaveResult(False, "problems", household)
    if not _bump(session, ctx, household, expected_version, {}, actor, "review"):
        return _conflict(session, household, (), {})
    household_facts.refresh(session, household, ctx.now().date())
    number = (session.scalar(select(func.max(HouseholdRevision.number))
                             .where(HouseholdRevision.household_id == household.id)) or 0) + 1
    session.add(HouseholdRevision(household_id=household.id, number=number, snapshot=snapshot(household),
                                  reason="submitted", created_by=actor.id, created_at=ctx.now()))
    _move(session, household, HouseholdStatus.SUBMITTED, actor,
          "self-declared, awaiting field verification" if household.self_declared else "submitted", ctx.now())
    household.return_reasons = None
    household.submitted_at = ctx.now()  # the review queue's order: the oldest submission first
    household.resurvey_requested_at = household.resurvey_reason = None
    duplicates.record_candidates(session, ctx, household)  # open pairs for a supervisor; decided ones stay
    audit.record(session, ctx, "household.submit", actor_id=actor.id, cnic=household.head_cnic, outcome=str(number),
                 household_id=household.id, area_id=household.district_id)
    cross_checks.recheck(session, ctx, household)
    return SaveResult(True, household=household)


def find_by_head_cnic(session: Session, user: User, cnic_prefix: str) -> list[Household]:
    return area_households(session, user, cnic_prefix=cnic_prefix, limit=20).rows


def citizen_household(session: Session, user: User) -> Household | None:
    return session.get(Household, user.household_id) if user.household_id else None

