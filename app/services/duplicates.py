"""Fuzzy duplicate members: finding members of other households who may be the same person, keeping the pairs
for a supervisor, and the supervisor's decision (the same person, or different people), which sticks.

The search narrows first, so that it stays a few small index ranges at millions of members (the district
and the sex always): members whose whole phonetic name key is a variant of this one (with or without
"Muhammad", words run together, the first word alone) within the birth years the rules allow; and, for a
member whose date of birth is known, members filed under one of the name's blocks (a word's key, or the words
run together: domain.names.name_blocks) born within 5 days of it or on the swapped date. On PostgreSQL,
pg_trgm's similarity() of the stored name keys (household_members.name_key, kept by every write and carried
in those indexes) ranks them and keeps the best; on SQLite the rows are compared in Python (trigrams computed
as pg_trgm computes them, so both agree). Each candidate is then scored in Python
(domain.duplicates.compare: name, father's or husband's name, birth, sex), and the pairs at or above the
threshold are kept.

Nothing here merges, changes or deletes a member or a household. Services never commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Boolean, Row, bindparam, delete, func, or_, select, true, union, union_all, update
from sqlalchemy.orm import Session, aliased

from ..domain import duplicates as rules
from ..domain.cross_checks import Finding
from ..domain.household_status import HouseholdStatus
from ..domain.names import key_variants, name_key, probe_keys
from ..models import DuplicatePair, Household, HouseholdMember, User
from . import audit
from .context import N_, ServiceContext
from .keyset import Keyset, Page, paginate
from .staff_scope import HOUSEHOLDS, staff_scope

DECISIONS = ("duplicate", "distinct")
SQL_NAME_FLOOR = 0.3  # pg_trgm similarity below which a name is not read back (Python's score is kinder)
PER_MEMBER = 20  # candidates read per member: the most alike first
SQLITE_RANGE_CAP = 5000  # the portable path reads the narrowed range; this bounds one member's reading
NOT_IN_REGISTRY = (HouseholdStatus.REJECTED,)


@dataclass(frozen=True)
class Candidate:
    member: HouseholdMember  # of the household searched
    other: Row  # of another household: the compared columns (_COMPARED)
    match: rules.Match


def _person(member, on: date) -> rules.Person:
    return rules.Person(name=member.name or "", sex=member.sex, dob=member.dob, age_years=member.age_years, on=on,
                        father_or_husband_name=member.father_or_husband_name, key=member.name_key or "")


# What the comparison reads of another member, all carried by the search indexes (no read of the table).
_COMPARED = (HouseholdMember.id, HouseholdMember.household_id, HouseholdMember.name, HouseholdMember.name_key,
             HouseholdMember.sex, HouseholdMember.dob, HouseholdMember.age_years,
             HouseholdMember.father_or_husband_name, HouseholdMember.birth_year)


def _age_stated_on(other, today: date) -> date:
    """When another member's age was given: the year its birth year was counted from (birth_year is the
    year of the write less the age), mid-year."""
    if other.age_years is None or other.birth_year is None:
        return today
    return min(today, date(other.birth_year + other.age_years, 7, 1))


def _stated_on(household: Household, today: date) -> date:
    return household.updated_at.date() if household.updated_at else today


def _members(session: Session, household_id: int) -> list[HouseholdMember]:
    session.flush()
    return list(session.scalars(select(HouseholdMember).where(HouseholdMember.household_id == household_id)
                                .order_by(HouseholdMember.position, HouseholdMember.id)))


def _search_statement(postgres: bool):
    """One statement for one member, built once (so compiled once, and prepared by the driver), from a few
    small ranges of the search indexes (household_members.*: the district and the sex always):

    (1) members whose whole name key is a variant of this one (domain.names.key_variants) within the birth
        years the rules allow, the same key first and the nearest year next; for a member whose date of
        birth is known, only those whose date is not (the others are found by (2));
    (2) members filed under one of the name's blocks (domain.names.probe_keys) born within DOB_DAYS days of
        the member's date of birth or on the swapped date, the most alike names first by pg_trgm's
        similarity (an empty range for a member known only by age: a few birth years of a district hold too
        many people under one word to compare every name).
    SQLite returns (2) unranked (capped), for Python to compare."""
    member = HouseholdMember
    others = (member.district_id == bindparam("district"), member.household_id != bindparam("household"),
              member.sex.in_(bindparam("sexes", expanding=True)))
    same_name = (select(*_COMPARED)
                 .where(*others, member.name_key.in_(bindparam("variants", expanding=True)),
                        member.birth_year.between(bindparam("year_low"), bindparam("year_high")),
                        or_(bindparam("any_dob", type_=Boolean), member.dob.is_(None)))
                 .order_by(member.name_key != bindparam("key"), func.abs(member.birth_year - bindparam("year")),
                           member.id)
                 .limit(PER_MEMBER)).subquery()
    near = union(*(select(*_COMPARED).where(*others, block.in_(bindparam("probes", expanding=True)),
                                            member.dob.between(bindparam(low), bindparam(high)))
                   for block in (member.name_block, member.name_block_joined)
                   for low, high in (("day_low", "day_high"), ("swap_low", "swap_high")))).subquery()
    if postgres:
        likeness = func.similarity(near.c.name_key, bindparam("key"))
        near_birthday = (select(near).where(likeness >= SQL_NAME_FLOOR).order_by(likeness.desc(), near.c.id)
                         .limit(PER_MEMBER)).subquery()
    else:
        near_birthday = select(near).limit(SQLITE_RANGE_CAP).subquery()
    return union_all(select(same_name), select(near_birthday))


_STATEMENTS = {postgres: _search_statement(postgres) for postgres in (True, False)}
_NO_DAYS = (date(1, 1, 2), date(1, 1, 1))  # an empty range of dates
_SEXES = ("male", "female", "transgender")


def _search_parameters(member: HouseholdMember, household: Household, today: date) -> dict:
    year_low, year_high = rules.year_window(member.dob, member.age_years, today)
    days = [(member.dob - timedelta(days=rules.DOB_DAYS), member.dob + timedelta(days=rules.DOB_DAYS))] \
        if member.dob else [_NO_DAYS]
    swap = rules.swapped(member.dob) if member.dob else None
    days.append((swap, swap) if swap else _NO_DAYS)
    return {"district": household.district_id, "household": household.id,
            "sexes": [member.sex, "transgender"] if member.sex in ("male", "female") else list(_SEXES),
            "variants": list(key_variants(member.name_key)), "year_low": year_low, "year_high": year_high,
            "any_dob": member.dob is None, "key": member.name_key, "year": member.birth_year,
            "probes": list(probe_keys(member.name_key)), "day_low": days[0][0], "day_high": days[0][1],
            "swap_low": days[1][0], "swap_high": days[1][1]}


def find_candidates(session: Session, ctx: ServiceContext, household: Household) -> list[Candidate]:
    """Members of other households (same district) who may be the same person as one of this household's,
    best first. Reads only."""
    if household.district_id is None:
        return []
    today = ctx.now().date()
    postgres = session.get_bind().dialect.name == "postgresql"
    members = [m for m in _members(session, household.id) if m.name_key and m.birth_year is not None]
    if not members:
        return []
    statement = _STATEMENTS[postgres]
    found: list[Candidate] = []
    for member in members:
        me = _person(member, _stated_on(household, today))
        rows = {row.id: row for row in session.execute(statement, _search_parameters(member, household, today))}
        scored = []
        for other in rows.values():  # a row found by both ranges is scored once
            match = rules.compare(me, _person(other, _age_stated_on(other, today)), today)
            if rules.is_candidate(match):
                scored.append(Candidate(member, other, match))
        scored.sort(key=lambda c: (-c.match.score, c.other.id))
        found.extend(scored[:PER_MEMBER])
    if not found:
        return found
    # A rejected household is no longer in the registry: read the few candidates' states, not every row's.
    gone = set(session.scalars(select(Household.id).where(
        Household.id.in_({c.other.household_id for c in found}), Household.status.in_(NOT_IN_REGISTRY))))
    return [c for c in found if c.other.household_id not in gone]


def identity(member) -> str:
    """A member's identity that survives removing and adding them again: the name's key and the sex (the
    household is kept beside it)."""
    key = member.name_key or name_key(member.name)  # a member record or a row of _COMPARED
    return f"{key}|{member.sex or ''}"[:220]


def _sides(a, b):
    return (a, b) if a.household_id < b.household_id else (b, a)


def record_candidates(session: Session, ctx: ServiceContext, household: Household) -> list[DuplicatePair]:
    """Search and keep the pairs for a supervisor (called on submit). A pair found before keeps its state:
    a decided pair is never opened again, and follows a member removed and added again (same household,
    same name key and sex). An open pair of this household that the search no longer finds (a name was
    corrected) is withdrawn: it was a suspicion nobody decided. Returns the pairs found now."""
    candidates = find_candidates(session, ctx, household)
    kept: list[DuplicatePair] = []
    for candidate in candidates:
        a, b = _sides(candidate.member, candidate.other)
        details = {"name": candidate.match.name, "father": candidate.match.father, "birth": candidate.match.birth}
        pair = session.scalar(select(DuplicatePair).where(DuplicatePair.member_a_id == a.id,
                                                          DuplicatePair.member_b_id == b.id))
        if pair is None:
            pair = session.scalar(select(DuplicatePair).where(
                DuplicatePair.household_a_id == a.household_id, DuplicatePair.identity_a == identity(a),
                DuplicatePair.household_b_id == b.household_id, DuplicatePair.identity_b == identity(b))
                .order_by(DuplicatePair.decided_at.is_(None), DuplicatePair.id.desc()).limit(1))
            if pair is not None:  # the same two people under new member ids: the decision follows them
                pair.member_a_id, pair.member_b_id = a.id, b.id
        if pair is None:
            pair = DuplicatePair(member_a_id=a.id, member_b_id=b.id, household_a_id=a.household_id,
                                 household_b_id=b.household_id, identity_a=identity(a), identity_b=identity(b),
                                 district_id=household.district_id, state="open", found_at=ctx.now())
            session.add(pair)
        if pair.state == "open":
            pair.score, pair.details = candidate.match.score, details
            pair.identity_a, pair.identity_b = identity(a), identity(b)
        kept.append(pair)
    session.flush()
    found_ids = [p.id for p in kept]
    session.execute(delete(DuplicatePair).where(
        or_(DuplicatePair.household_a_id == household.id, DuplicatePair.household_b_id == household.id),
        DuplicatePair.state == "open", DuplicatePair.id.not_in(found_ids) if found_ids else true(),
    ).execution_options(synchronize_session=False))
    return kept


def pairs_of(session: Session, household_id: int, states: Iterable[str] = ("open", "duplicate")) -> list[DuplicatePair]:
    return list(session.scalars(select(DuplicatePair).where(
        or_(DuplicatePair.household_a_id == household_id, DuplicatePair.household_b_id == household_id),
        DuplicatePair.state.in_(tuple(states))).order_by(DuplicatePair.id)))


# --- flags for the cross-checks' registry ----------------------------------------------------------------


POSSIBLE_DUPLICATE = N_("%(name)s may be the same person as %(other_name)s of household number %(other)s.")
CONFIRMED_DUPLICATE = N_("A supervisor found that %(name)s is the same person as %(other_name)s of household "
                         "number %(other)s.")


def fuzzy_duplicate_flags(session: Session, ctx: ServiceContext, household: Household) -> list[Finding]:
    """The household's duplicate pairs as findings: an open pair is a "possible_duplicate_member" warning,
    a pair a supervisor found to be one person a "duplicate_member" error; a pair found to be different
    people raises nothing. Reads only: the pairs are recorded at submit (record_candidates)."""
    pairs = pairs_of(session, household.id)
    if not pairs:
        return []
    member_ids = {p.member_a_id for p in pairs} | {p.member_b_id for p in pairs}
    names = dict(session.execute(select(HouseholdMember.id, HouseholdMember.name)
                                 .where(HouseholdMember.id.in_(member_ids))).all())
    findings = []
    for pair in pairs:
        ours_a = pair.household_a_id == household.id
        mine, theirs = (pair.member_a_id, pair.member_b_id) if ours_a else (pair.member_b_id, pair.member_a_id)
        other_household = pair.household_b_id if ours_a else pair.household_a_id
        if mine not in names or theirs not in names:
            continue  # a member removed since: nothing to show until a search finds them again
        open_ = pair.state == "open"
        findings.append(Finding(
            "possible_duplicate_member" if open_ else "duplicate_member", "warning" if open_ else "error",
            POSSIBLE_DUPLICATE if open_ else CONFIRMED_DUPLICATE, (mine,),
            {"name": names[mine], "other_name": names[theirs], "other": other_household},
            {"pair_id": pair.id, "score": pair.score, "other_member_id": theirs}, other_household))
    return findings


# --- the supervisor's list and decision ------------------------------------------------------------------

PAIR_ORDER = Keyset(columns=(DuplicatePair.id,), kinds=(int,))


def open_pairs(session: Session, user: User, cursor: str | None = None, *, limit: int = 20) -> Page:
    """The open pairs of the user's area (either household in it), oldest first; keyset.BadCursor for a
    cursor this list did not make."""
    scope = staff_scope(session, user, HOUSEHOLDS)
    first, second = aliased(Household), aliased(Household)
    query = (select(DuplicatePair)
             .join(first, first.id == DuplicatePair.household_a_id)
             .join(second, second.id == DuplicatePair.household_b_id)
             .where(DuplicatePair.state == "open", or_(scope.where(first.area_id), scope.where(second.area_id))))
    return paginate(session, query, PAIR_ORDER, cursor, limit=limit)


@dataclass
class PairView:
    pair: DuplicatePair
    first: HouseholdMember | None
    second: HouseholdMember | None
    first_household: Household
    second_household: Household


def may_see(session: Session, user: User, pair: DuplicatePair) -> bool:
    scope = staff_scope(session, user, HOUSEHOLDS)
    households = session.scalars(select(Household.area_id).where(
        Household.id.in_((pair.household_a_id, pair.household_b_id)))).all()
    return any(scope.covers(area_id) for area_id in households)


def pair_view(session: Session, ctx: ServiceContext, user: User, pair_id: int) -> PairView | None:
    """The pair with both members and households, for a user whose area holds one of them (None otherwise:
    the caller answers 404); the look is audited, as every read of personal data."""
    pair = session.get(DuplicatePair, pair_id)
    if pair is None or not may_see(session, user, pair):
        return None
    view = PairView(pair, session.get(HouseholdMember, pair.member_a_id), session.get(HouseholdMember, pair.member_b_id),
                    session.get(Household, pair.household_a_id), session.get(Household, pair.household_b_id))
    for household in {view.first_household, view.second_household} - {None}:  # both families' data is shown
        audit.record_household_read(session, ctx, household, actor=user, reason=audit.REASON_DUPLICATE_CHECK,
                                    detail={"page": "duplicate_pair", "pair": pair.id})
    return view


@dataclass
class Decision:
    ok: bool
    reason: str = ""  # missing, bad_decision
    pair: DuplicatePair | None = None
    changed: bool = False


def decide(session: Session, ctx: ServiceContext, user: User, pair_id: int, decision: str) -> Decision:
    """Mark a pair the same person ("duplicate") or different people ("distinct"). Idempotent: the same
    decision again changes nothing; a different one replaces it (both audited). Merges nothing."""
    if decision not in DECISIONS:
        return Decision(False, "bad_decision")
    pair = session.get(DuplicatePair, pair_id)
    if pair is None or not may_see(session, user, pair):
        return Decision(False, "missing")
    if pair.state == decision:
        return Decision(True, pair=pair)
    previous = pair.state
    pair.state, pair.decided_by, pair.decided_at = decision, user.id, ctx.now()
    audit.record(session, ctx, "duplicates.decide", actor_id=user.id, outcome=decision,
                 detail={"pair": pair.id, "from": previous,
                         "households": [pair.household_a_id, pair.household_b_id]})
    from . import cross_checks  # (cross_checks imports this module for its registry of checks)

    session.flush()
    for household_id in {pair.household_a_id, pair.household_b_id}:  # both sides' flags follow the decision
        household = session.get(Household, household_id)
        if household is not None:
            cross_checks.recheck(session, ctx, household, cascade=False)
    return Decision(True, pair=pair, changed=True)


def keep_members_district(session: Session, household_id: int, district_id: int | None) -> None:
    """A household moved to another district: its members' copy of the district follows (set-based)."""
    session.execute(update(HouseholdMember).where(HouseholdMember.household_id == household_id)
                    .values(district_id=district_id).execution_options(synchronize_session=False))

