"""Cross-checks of one household, stored as its flags for a supervisor: the household's own rules
(domain.cross_checks) and the registry-wide ones (the same CNIC in another household, a head surveyed twice,
one mobile on many households). `recheck` runs them all and replaces the household's flags; the
questionnaire calls it after every successful save and at submit. Nothing here changes, merges or deletes a
household's answers.

The checks are a registry, `CHECKS`: a tuple of functions

    check(session: Session, ctx: ServiceContext, household: Household) -> Iterable[domain.cross_checks.Finding]

each reading (never writing) the database. A Finding carries its stable `code`, `severity` (error, warning or
info), its English `message` msgid (marked with N_, with a real Urdu translation in translations/ur) and the
`params` that fill it, the ids of the members concerned, the `details` kept for the views and, for a
collision, the `other_household` id. A new check is one more entry, e.g. the fuzzy duplicates:

    CHECKS = (*CHECKS, duplicates.fuzzy_duplicate_flags)

A finding whose code is in CASCADE_CODES names another household that should see the collision from its
side: `recheck` re-checks that household too (once: the cascade does not cascade), and also the households
the previous flags named, so that a fix clears both sides.

Budget: one recheck is a handful of indexed look-ups (household_members.cnic, households.head_cnic,
users.household_id, users.mobile, household_flags.household_id), ≤ 50 ms at a million households
(bench/cross_checks.py).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from sqlalchemy import delete, literal, select, union_all, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..config import ROOT
from ..domain.cross_checks import Finding, HouseholdFacts, Label, household_findings
from ..domain.household_status import HouseholdStatus
from ..domain.questionnaire import MemberFacts, age_on
from ..models import Area, Household, HouseholdMember, User
from ..models.quality import HouseholdFlag
from . import duplicates
from .context import N_, ServiceContext

Check = Callable[[Session, ServiceContext, Household], Iterable[Finding]]

MAX_HOUSEHOLDS_PER_MOBILE = 5  # one phone for a family's few households is common; more is a pattern
MAX_COLLISIONS = 20  # per look-up: enough for a supervisor, and a bound on the work of one check
LIST_SEPARATOR = {"en": ", ", "ur": "، "}
# Households whose flags do not count against others: a rejected household is no longer in the registry.
NOT_IN_REGISTRY = (HouseholdStatus.REJECTED,)


_MEMBERS = "cross_checks.members"  # session.info: the members read once per recheck (the checks only read)


def household_members(session: Session, household: Household) -> list[HouseholdMember]:
    """The members as stored now (a member added or removed in this transaction included)."""
    memo = session.info.get(_MEMBERS)
    if memo is not None and household.id in memo:
        return memo[household.id]
    session.flush()
    members = list(session.scalars(select(HouseholdMember).where(HouseholdMember.household_id == household.id)
                                   .order_by(HouseholdMember.position, HouseholdMember.id)))
    if memo is not None:
        memo[household.id] = members
    return members


def household_facts(household: Household, members: list[HouseholdMember], today: date) -> HouseholdFacts:
    return HouseholdFacts(
        members=tuple(MemberFacts(key=m.id, relation=m.relation, sex=m.sex, age=age_on(m.dob, m.age_years, today),
                                  cnic=m.cnic, dob=m.dob, marital_status=m.marital_status,
                                  income=m.monthly_income) for m in members),
        monthly_income=household.monthly_income, assets=tuple(household.assets or ()), roof=household.roof,
        walls=household.walls, rooms=household.rooms, land_acres=household.land_acres,
        sections_saved=dict(household.sections_saved or {}),
    )


# --- the checks --------------------------------------------------------------------------------------------

def household_rules(session: Session, ctx: ServiceContext, household: Household) -> list[Finding]:
    """The rules over the household's own members and answers (domain.cross_checks.RULES)."""
    today = ctx.now().date()
    return household_findings(household_facts(household, household_members(session, household), today), today)


_UNKNOWN_DISTRICT = Label(N_("district not known"))


def cnic_in_other_households(session: Session, ctx: ServiceContext, household: Household) -> list[Finding]:
    """Each CNIC of the household (the head's as registered, every member's) looked up among the other
    households' heads (households.head_cnic) and members (household_members.cnic): one round trip of two
    index look-ups for the whole household, with the other household's district named."""
    members = household_members(session, household)
    keys_by_cnic: dict[str, list[int]] = {}
    for m in members:
        if m.cnic:
            keys_by_cnic.setdefault(m.cnic, []).append(m.id)
    cnics = set(keys_by_cnic) | ({household.head_cnic} if household.head_cnic else set())
    if not cnics:
        return []
    heads = (select(literal("head").label("role"), Household.id.label("other_id"), Household.head_cnic.label("cnic"),
                    Household.district_id.label("district_id"))
             .where(Household.head_cnic.in_(cnics), Household.id != household.id,
                    Household.status.not_in(NOT_IN_REGISTRY))
             .limit(MAX_COLLISIONS))
    in_members = (select(literal("member").label("role"), HouseholdMember.household_id.label("other_id"),
                         HouseholdMember.cnic.label("cnic"), Household.district_id.label("district_id"))
                  .join(Household, Household.id == HouseholdMember.household_id)
                  .where(HouseholdMember.cnic.in_(cnics), HouseholdMember.household_id != household.id,
                         Household.status.not_in(NOT_IN_REGISTRY))
                  .limit(MAX_COLLISIONS))
    both = union_all(heads.subquery().select(), in_members.subquery().select()).subquery()
    rows = session.execute(select(both, Area.name_en, Area.name_ur)
                           .outerjoin(Area, Area.id == both.c.district_id)).all()
    found: dict[tuple[int, str], tuple[str, int | None, object]] = {}
    for role, other_id, cnic, district_id, name_en, name_ur in sorted(rows, key=lambda r: r[0] != "head"):
        district = {"en": name_en, "ur": name_ur} if name_en else _UNKNOWN_DISTRICT
        found.setdefault((other_id, cnic), (role, district_id, district))  # a head's match says more
    findings = []
    for (other_id, cnic), (role, district_id, district) in sorted(found.items()):
        params = {"cnic": cnic, "other": other_id, "district": district}
        details = {"cnic": cnic, "other_household_id": other_id, "other_district_id": district_id}
        members_concerned = tuple(keys_by_cnic.get(cnic, ()))
        if role == "head":
            findings.append(Finding(
                "head_surveyed_elsewhere", "error",
                N_("CNIC %(cnic)s is the head of another household, number %(other)s (%(district)s)."),
                members_concerned, params, details, other_id))
        else:
            findings.append(Finding(
                "cnic_in_other_household", "error",
                N_("CNIC %(cnic)s is also a member of another household, number %(other)s (%(district)s)."),
                members_concerned, params, details, other_id))
    return findings


def mobile_on_many_households(session: Session, ctx: ServiceContext, household: Household) -> list[Finding]:
    """A household's mobile is its citizens' accounts' mobile (users.household_id); a mobile on more than
    MAX_HOUSEHOLDS_PER_MOBILE households is flagged. One round trip: users.household_id, then users.mobile."""
    mine = select(User.mobile).where(User.household_id == household.id, User.mobile.is_not(None)).distinct()
    sharing = User.__table__.alias("sharing")
    rows = session.execute(
        select(sharing.c.mobile, sharing.c.household_id)
        .where(sharing.c.mobile.in_(mine.scalar_subquery()), sharing.c.household_id.is_not(None))
        .distinct().limit(4 * (MAX_COLLISIONS + 1))).all()
    by_mobile: dict[str, list[int]] = {}
    for mobile, other_id in rows:
        by_mobile.setdefault(mobile, []).append(other_id)
    findings = []
    for mobile, others in sorted(by_mobile.items()):
        if len(others) > MAX_HOUSEHOLDS_PER_MOBILE:
            count = len(others) if len(others) <= MAX_COLLISIONS else f"{MAX_COLLISIONS}+"
            findings.append(Finding(
                "mobile_on_many_households", "warning",
                N_("Mobile number %(mobile)s is given for %(count)s households."), (),
                {"mobile": mobile, "count": count},
                {"mobile": mobile, "count": len(others),
                 "other_household_ids": sorted(h for h in others if h != household.id)[:MAX_COLLISIONS]}))
    return findings


CHECKS: tuple[Check, ...] = (household_rules, cnic_in_other_households, mobile_on_many_households,
                             duplicates.fuzzy_duplicate_flags)
CASCADE_CODES = frozenset({"head_surveyed_elsewhere", "cnic_in_other_household", "possible_duplicate_member",
                           "duplicate_member"})


# --- messages ----------------------------------------------------------------------------------------------

_translators: dict[tuple[str, ...], object] = {}


def _translate(ctx: ServiceContext, msgid: str, locale: str) -> str:
    """The msgid in `locale`, with the app's catalogues (the context's notifier knows them); without Flask."""
    translate = getattr(ctx.notifier, "translate", None)
    if translate is None:  # a notifier that only records (tests): the portal's own catalogues
        from .notifier import SmsNotifier

        notifier = _translators.setdefault((str(ROOT / "translations"),),
                                           SmsNotifier("console", [str(ROOT / "translations")]))
        translate = notifier.translate
    return translate(msgid, locale)


def _param(ctx: ServiceContext, value: object, locale: str) -> object:
    if isinstance(value, Label):
        return _translate(ctx, value, locale)
    if isinstance(value, tuple):
        return LIST_SEPARATOR[locale].join(str(_param(ctx, v, locale)) for v in value)
    if isinstance(value, Mapping):
        return _param(ctx, value.get(locale, value.get("en", "")), locale)
    return value


def render_message(ctx: ServiceContext, finding: Finding, locale: str) -> str:
    params = {name: _param(ctx, value, locale) for name, value in finding.params.items()}
    text = _translate(ctx, finding.message, locale)
    return text % params if params else text


# --- the flags ---------------------------------------------------------------------------------------------

def run_checks(session: Session, ctx: ServiceContext, household: Household,
               checks: Iterable[Check] | None = None) -> list[Finding]:
    return [finding for check in (CHECKS if checks is None else checks)
            for finding in check(session, ctx, household)]


def _replace_flags(session: Session, ctx: ServiceContext, household: Household,
                   findings: list[Finding]) -> tuple[list[HouseholdFlag], set[int]]:
    """The household's new flags, and the other households its previous flags named."""
    # The count first: its row lock makes two re-checks of one household wait for each other, so the second
    # reads (and deletes) what the first wrote. updated_at is kept: flags are no change of the answers.
    session.execute(update(Household).where(Household.id == household.id)
                    .values(flag_count=len(findings), updated_at=Household.updated_at)
                    .execution_options(synchronize_session=False))
    set_committed_value(household, "flag_count", len(findings))
    previous = session.execute(
        delete(HouseholdFlag).where(HouseholdFlag.household_id == household.id)
        .returning(HouseholdFlag.code, HouseholdFlag.other_household_id),
        execution_options={"synchronize_session": "fetch"}).all()
    named = {other for code, other in previous if code in CASCADE_CODES and other}
    now = ctx.now()
    flags = [HouseholdFlag(household_id=household.id, code=f.code, severity=f.severity,
                           member_ids=list(f.members) or None, details=dict(f.details) or None,
                           other_household_id=f.other_household, raised_at=now,
                           message_en=render_message(ctx, f, "en"), message_ur=render_message(ctx, f, "ur"))
              for f in findings]
    session.add_all(flags)
    session.flush()
    return flags, named


def recheck(session: Session, ctx: ServiceContext, household: Household, *, cascade: bool = True,
            checks: Iterable[Check] | None = None) -> list[HouseholdFlag]:
    """Run every check on the household and replace its flags (households.flag_count kept equal to their
    number). With `cascade`, the households it collides with now, or collided with at the last check, are
    re-checked too (without cascading further), so both sides show the collision and a fix clears both."""
    outer = session.info.get(_MEMBERS)
    session.info[_MEMBERS] = {}
    try:
        findings = run_checks(session, ctx, household, checks)
    finally:
        if outer is None:
            session.info.pop(_MEMBERS, None)
        else:
            session.info[_MEMBERS] = outer
    flags, others = _replace_flags(session, ctx, household, findings)
    if cascade:
        others |= {f.other_household for f in findings if f.code in CASCADE_CODES and f.other_household}
        others.discard(household.id)
        for other in _lock_others(session, others):
            recheck(session, ctx, other, cascade=False, checks=checks)
    return flags


def _lock_others(session: Session, ids: set[int]) -> list[Household]:
    """The other households, each locked for this transaction; one another transaction is saving right now is
    skipped (it re-checks itself when it saves), so two collisions saved at once never wait on each other.
    SQLite takes one writer at a time and ignores the clause."""
    if not ids:
        return []
    return list(session.scalars(select(Household).where(Household.id.in_(sorted(ids))).order_by(Household.id)
                                .with_for_update(skip_locked=True, of=Household)))


def flags_of(session: Session, household_id: int) -> list[HouseholdFlag]:
    """A household's flags, errors first, in the order the checks raised them."""
    order = {"error": 0, "warning": 1, "info": 2}
    flags = session.scalars(select(HouseholdFlag).where(HouseholdFlag.household_id == household_id)
                            .order_by(HouseholdFlag.id)).all()
    return sorted(flags, key=lambda f: order.get(f.severity, 3))



# Households a sweep re-checks by default: those a supervisor reviews or has accepted.
SWEPT_STATUSES = (HouseholdStatus.SUBMITTED, HouseholdStatus.RETURNED, HouseholdStatus.VERIFIED)


def recheck_batch(session: Session, ctx: ServiceContext, *, after_id: int = 0, limit: int = 500,
                  statuses: Iterable[str] = SWEPT_STATUSES) -> tuple[int, int | None]:
    """Re-check the next `limit` households (by id, after `after_id`) of the given states: for households
    that reached the registry without a save of the questionnaire (a bulk import, the demo seed) or after a
    rule changed. Returns how many were checked and the last id (None when there are no more)."""
    households = session.scalars(select(Household).where(Household.id > after_id,
                                                          Household.status.in_(tuple(statuses)))
                                 .order_by(Household.id).limit(limit)).all()
    for household in households:
        recheck(session, ctx, household)
    return len(households), (households[-1].id if households else None)
