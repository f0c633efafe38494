"""Bulk loading of households: the one path behind `flask import households FILE.csv` and `flask seed-demo`.

Rows arrive as `HouseholdRow`s (from a CSV file or the demo generator), are checked by the portal's own rules
(CNIC, mobile, choice lists, `member_problems`: one head, known ages, no male daughter) and written set-based,
a batch at a time: COPY on PostgreSQL, multi-row inserts on SQLite, never one ORM flush per household.

Idempotent by `households.import_key`. Each batch's households go to a temporary staging table, then
`INSERT … SELECT … ON CONFLICT (import_key) DO NOTHING`; only the households that insert writes add their
members, history, revision and account, so re-running a file (or a half-finished load) adds nothing twice.
Accounts are staged too: a CNIC that already has an account keeps it, and the row is reported, not loaded twice.

The loader never commits. A caller that loads millions may commit in `on_batch` (the CLI does): each batch is
then durable on its own, and re-running after an interruption loads only what is missing.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime
from itertools import islice

from sqlalchemy import JSON, Column, MetaData, Table, exists, insert, select, text, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..domain.cnic import CnicError, normalise_cnic
from ..domain.duplicates import birth_year
from ..domain.household_status import HouseholdStatus
from ..domain.mobile import NETWORKS
from ..domain.names import name_blocks, name_key
from ..domain import questionnaire as q
from ..domain.catalogue import CATALOGUE, HOUSEHOLDS, MEMBERS, QuestionType
from ..domain.roles import Role
from ..models import Household, HouseholdMember, HouseholdRevision, HouseholdStatusChange, User
from . import household_facts
from .area_tree import area_tree
from .questionnaire import MEMBER_FIELDS, SECTION_FIELDS
from .summaries import apply_deltas, bulk_deltas

# An account that cannot sign in until its holder sets a password (the forgot-password flow): argon2 never
# produces this string, so every password check against it fails.
UNUSABLE_PASSWORD = "!imported"


def _catalogue_rules():
    """Each answer's choice list and range, by column, from the question catalogue."""
    choices: dict[str, dict[str, tuple[str, ...]]] = {HOUSEHOLDS: {}, MEMBERS: {}}
    ranges: dict[str, dict[str, tuple[float, float]]] = {HOUSEHOLDS: {}, MEMBERS: {}}
    for question in CATALOGUE:
        if question.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
            choices[question.table][question.column_name] = CATALOGUE.choice_list(question).keys
        if question.type == QuestionType.NUMBER:
            low = question.minimum if question.minimum is not None else float("-inf")
            high = question.maximum if question.maximum is not None else float("inf")
            ranges[question.table][question.column_name] = (low, high)
    return choices[HOUSEHOLDS], choices[MEMBERS], ranges[HOUSEHOLDS], ranges[MEMBERS]


CHOICES, MEMBER_CHOICES, RANGES, MEMBER_RANGES = _catalogue_rules()
ANSWER_FIELDS = tuple(name for names in SECTION_FIELDS.values() for name in names if name != "area_id")
# States reached through a submit: the household has a first revision and a complete family.
SUBMITTED_STATES = frozenset({HouseholdStatus.SUBMITTED, HouseholdStatus.RETURNED, HouseholdStatus.VERIFIED,
                              HouseholdStatus.REJECTED})
KEY_LENGTH = 40
# The questionnaire's error codes in the words of the report.
PROBLEM_WORDS = {"no_members": "no members (a submitted household needs its family)", "no_head": "no member is the head",
                 "two_heads": "a second head", "cnic_twice": "the same CNIC twice in the household",
                 "dob_future": "a date of birth in the future", "age_missing": "neither a date of birth nor an age",
                 "relation_sex": "the relation does not fit the sex (a son is male, a daughter female)"}


@dataclass
class HouseholdRow:
    """One household ready to load: its answers, its members, its history and (optionally) the head's account."""

    line: int  # the line of the file (or the demo number): what a rejection points at
    key: str
    area_id: int | None
    head_cnic: str
    status: str = HouseholdStatus.REGISTERED
    answers: dict = field(default_factory=dict)  # household columns: ANSWER_FIELDS, sections_saved, return_reasons…
    members: list[dict] = field(default_factory=list)  # MEMBER_FIELDS, in order; position is their place here
    account: dict | None = None  # full_name, mobile, network, email: the head's citizen account
    history: list[tuple[str | None, str]] = field(default_factory=list)  # (from, to); default: (None, status)
    reason: str = "imported"  # the reason written on the history and the revision


@dataclass(frozen=True)
class Rejection:
    line: int
    key: str
    reason: str


@dataclass
class LoadReport:
    households: int = 0
    members: int = 0
    accounts: int = 0
    already_loaded: int = 0  # households whose key was there before: left as they are
    rejected: list[Rejection] = field(default_factory=list)  # not loaded
    account_clashes: list[Rejection] = field(default_factory=list)  # household loaded, account not (CNIC taken)
    area_ids: set[int] = field(default_factory=set)  # the areas that received households
    read: int = 0  # rows seen, loaded or not


# --- the portal's rules for one row -----------------------------------------------------------------------


def row_problems(row: HouseholdRow, today: date) -> list[str]:
    """Why a row may not load (empty when it may), in words an operator reads in the report."""
    problems = []
    if not row.key or len(row.key) > KEY_LENGTH:
        problems.append(f"key: empty or longer than {KEY_LENGTH} characters")
    if row.area_id is None:
        problems.append("area: missing")
    if row.status not in HouseholdStatus.__members__.values():
        problems.append(f"status: {row.status!r} is not a state")
    if not _is_cnic(row.head_cnic):
        problems.append("head_cnic: not a valid CNIC")
    for name, allowed in CHOICES.items():
        value = row.answers.get(name)
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v is not None and v not in allowed]
        if bad:
            problems.append(f"{name}: {', '.join(map(str, bad))} is not one of {', '.join(allowed)}")
    for name, (low, high) in RANGES.items():
        value = row.answers.get(name)
        if value is not None and not low <= value <= high:
            problems.append(f"{name}: {value} is not from {low:g} to {high:g}")
    facts = []
    for position, member in enumerate(row.members, start=1):
        for name, allowed in MEMBER_CHOICES.items():
            value = member.get(name)
            if (value is None and name in ("relation", "sex")) or (value is not None and value not in allowed):
                problems.append(f"member{position}_{name}: {value!r} is not one of {', '.join(allowed)}")
        if not member.get("name"):
            problems.append(f"member{position}_name: missing")
        if member.get("cnic") is not None and not _is_cnic(member["cnic"]):
            problems.append(f"member{position}_cnic: not a valid CNIC or B-form number")
        for name, (low, high) in MEMBER_RANGES.items():
            value = member.get(name)
            if value is not None and not low <= value <= high:
                problems.append(f"member{position}_{name}: {value} is not from {low:g} to {high:g}")
        facts.append(q.MemberFacts(key=position, relation=member.get("relation"), sex=member.get("sex"),
                                   age=q.age_on(member.get("dob"), member.get("age_years"), today),
                                   cnic=member.get("cnic"), dob=member.get("dob")))
    if row.members or row.status in SUBMITTED_STATES:
        for problem in q.member_problems(facts, today):
            if problem.severity == "error":
                where = f"member{problem.member}: " if problem.member else ""
                problems.append(f"{where}{problem.code} ({PROBLEM_WORDS.get(problem.code, problem.code)})")
    head = next((m for m in row.members if m.get("relation") == "head"), None)
    if head is not None and head.get("cnic") and head["cnic"] != row.head_cnic:
        problems.append("head_cnic: differs from the head member's CNIC")
    if row.account is not None:
        if not row.account.get("full_name"):
            problems.append("full_name: the account needs the head's name")
        if not row.account.get("mobile"):
            problems.append("mobile: the account needs a mobile number")
        if row.account.get("network") not in (None, *NETWORKS):
            problems.append(f"network: not one of {', '.join(NETWORKS)}")
    return problems


def _is_cnic(value: str | None) -> bool:
    try:
        return normalise_cnic(value) == value
    except CnicError:
        return False


# --- writing ------------------------------------------------------------------------------------------------


def load_households(session: Session, rows: Iterable[HouseholdRow | Rejection], *, now: datetime,
                    password_hash: str = UNUSABLE_PASSWORD, batch_size: int = 5000,
                    on_batch: Callable[[LoadReport, int], None] | None = None) -> LoadReport:
    """Check and write `rows` (a `Rejection` among them is reported as it is). Returns what was loaded.

    `password_hash` is every new account's hash: UNUSABLE_PASSWORD for an import, one precomputed hash for
    the demo. `on_batch(report, rows_in_batch)` runs after each batch is written (a progress bar; a commit).
    """
    report = LoadReport()
    writer = _Writer(session, now, password_hash)
    today = now.date()
    keys_seen: dict[str, int] = {}
    for batch in _batches(rows, batch_size):
        good = []
        for row in batch:
            report.read += 1
            if isinstance(row, Rejection):
                report.rejected.append(row)
                continue
            problems = row_problems(row, today)
            if row.key in keys_seen:
                problems.append(f"key: {row.key} repeats line {keys_seen[row.key]}")
            if problems:
                report.rejected.append(Rejection(row.line, row.key, "; ".join(problems)))
                continue
            keys_seen[row.key] = row.line
            good.append(row)
        if good:
            writer.write(good, report)
        if on_batch is not None:
            on_batch(report, len(batch))
    return report


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class _Writer:
    """Writes checked rows a batch at a time; the SQL is shared by both databases, only filling a table differs."""

    def __init__(self, session: Session, now: datetime, password_hash: str) -> None:
        self.session = session
        self.now = now
        self.password_hash = password_hash
        self.postgres = session.get_bind().dialect.name == "postgresql"
        households = Household.__table__
        self.household_template = _defaults(households, now)
        self.member_template = _defaults(HouseholdMember.__table__, now)
        self.user_template = _defaults(User.__table__, now)
        self.staging = Table("bulk_households", MetaData(), Column("line", households.c.id.type),
                             *(Column(c.name, c.type) for c in households.columns), prefixes=["TEMPORARY"])
        self.account_staging = Table("bulk_accounts", MetaData(), Column("line", households.c.id.type),
                                     *(Column(c.name, c.type) for c in User.__table__.columns if c.name != "id"),
                                     prefixes=["TEMPORARY"])

    def write(self, rows: list[HouseholdRow], report: LoadReport) -> None:
        session = self.session
        household_ids = next_ids(self.session, Household.__table__, len(rows))
        for row, household_id in zip(rows, household_ids):
            row.answers["id"] = household_id  # rides on the row to the members, history and account
        tree = area_tree(session, must_have=next((r.area_id for r in rows if r.area_id is not None), None))
        for row in rows:
            row.answers["district_id"] = tree.district_of(row.area_id)  # the lists' index leads with it
            if row.status in SUBMITTED_STATES:  # the review queue's order (questionnaire.submit sets it one by one)
                row.answers.setdefault("submitted_at", self.now)
            if row.members:  # the facts rules and rankings read, counted as submit counts them
                row.answers.update(household_facts.facts_columns(row.members, self.now.date()))
        inserted = self._insert_households(rows)
        new_rows = [row for row in rows if row.answers["id"] in inserted]
        report.already_loaded += len(rows) - len(new_rows)
        report.households += len(new_rows)
        today = self.now.date()
        member_ids = iter(next_ids(self.session, HouseholdMember.__table__, sum(len(r.members) for r in new_rows)))
        members, history, revisions, accounts = [], [], [], []
        for row in new_rows:
            household = row.answers
            household_members = []
            for position, values in enumerate(row.members, start=1):
                member = {**self.member_template, **values, "id": next(member_ids), "household_id": household["id"],
                          "position": position, **match_columns(values, household["district_id"], today)}
                household_members.append(member)
            members.extend(household_members)
            for from_status, to_status in row.history or [(None, row.status)]:
                history.append({"household_id": household["id"], "from_status": from_status, "to_status": to_status,
                                "actor_id": None, "reason": row.reason, "at": self.now})
            if row.status in SUBMITTED_STATES:
                snapshot = _snapshot(household, household_members)
                if not self.postgres:  # COPY serialises with _iso; SQLAlchemy's JSON type needs plain values
                    snapshot = json.loads(json.dumps(snapshot, default=_iso))
                revisions.append({"household_id": household["id"], "number": 1, "reason": "submitted",
                                  "snapshot": snapshot, "created_by": None,
                                  "created_at": self.now})
            if row.account is not None:
                accounts.append({**self.user_template, **row.account, "line": row.line, "cnic": row.head_cnic,
                                 "role": Role.CITIZEN.value, "password_hash": self.password_hash,
                                 "household_id": household["id"]})
            if household["area_id"] is not None:
                report.area_ids.add(household["area_id"])
        write_rows(session, HouseholdMember.__table__, members)
        write_rows(session, HouseholdStatusChange.__table__, history)
        write_rows(session, HouseholdRevision.__table__, revisions)
        report.members += len(members)
        accounts_before = report.accounts
        if accounts:
            self._insert_accounts(accounts, report)
        # The summary counts follow in the batch's own transaction, as the ORM's listeners do for one household.
        apply_deltas(session.connection(), bulk_deltas(
            households=((r.area_id, str(r.status)) for r in new_rows),
            users=[Role.CITIZEN.value] * (report.accounts - accounts_before)))

    def _insert_households(self, rows: list[HouseholdRow]) -> set[int]:
        """Stage the batch, insert the households whose key is new; the ids that went in."""
        session, staging, households = self.session, self.staging, Household.__table__
        staged = []
        for row in rows:
            values = {**self.household_template, **row.answers, "line": row.line, "import_key": row.key,
                      "head_cnic": row.head_cnic, "status": str(row.status), "area_id": row.area_id}
            row.answers = {name: values[name] for name in households.columns.keys()}
            staged.append(values)
        _recreate(session, staging)
        write_rows(session, staging, staged)
        names = list(households.columns.keys())
        statement = _dialect_insert(self.postgres, households).from_select(
            names, select(*(staging.c[name] for name in names)).where(true()))
        session.execute(statement.on_conflict_do_nothing(index_elements=["import_key"]))
        inserted = set(session.scalars(select(staging.c.id).join(households, households.c.id == staging.c.id)))
        staging.drop(session.connection())
        return inserted

    def _insert_accounts(self, accounts: list[dict], report: LoadReport) -> None:
        """A CNIC that has an account keeps it: the new one is not made, and its line is reported."""
        session, staging, users = self.session, self.account_staging, User.__table__
        _recreate(session, staging)
        write_rows(session, staging, accounts)
        names = [c.name for c in users.columns if c.name != "id"]
        statement = _dialect_insert(self.postgres, users).from_select(
            names, select(*(staging.c[name] for name in names))
            .where(~exists().where(users.c.cnic == staging.c.cnic)))
        session.execute(statement.on_conflict_do_nothing(index_elements=["cnic"]))
        # Counted afterwards (the driver reports no row count for INSERT … SELECT through SQLAlchemy).
        outcomes = session.execute(
            select(staging.c.line, staging.c.cnic, users.c.household_id == staging.c.household_id)
            .join(users, users.c.cnic == staging.c.cnic).order_by(staging.c.line)).all()
        report.accounts += sum(1 for _, _, made in outcomes if made)
        report.account_clashes.extend(
            Rejection(line, "", f"an account with CNIC {cnic} exists already; the household loaded without one")
            for line, cnic, made in outcomes if not made)
        staging.drop(session.connection())


@lru_cache(maxsize=100_000)
def _cached_name_key(name: str | None) -> str | None:
    """Names repeat a great deal in a file of millions: each one's key is worked out once."""
    return name_key(name)[:200] or None


def match_columns(member: dict, district_id: int | None, today: date) -> dict:
    """What the duplicate search reads of a member, as the mapper events keep it for ORM writes
    (models.household): the name's phonetic key, the year of birth and the household's district."""
    key = _cached_name_key(member.get("name"))
    block, joined = name_blocks(key)
    return {"name_key": key, "name_block": block, "name_block_joined": joined,
            "birth_year": birth_year(member.get("dob"), member.get("age_years"), today),
            "district_id": district_id}


def next_ids(session: Session, table: Table, count: int) -> list[int]:
    """Ids handed out before the rows are written, so that members, history and snapshots can name them."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": table.name, "count": count}))
    # SQLite: one writer at a time holds the database, so the next ids are the ones after the highest.
    start = (session.scalar(select(table.c.id).order_by(table.c.id.desc()).limit(1)) or 0) + 1
    return list(range(start, start + count))


def _dialect_insert(postgres: bool, table: Table):
    return postgresql.insert(table) if postgres else sqlite.insert(table)


def _recreate(session: Session, table: Table) -> None:
    connection = session.connection()
    table.drop(connection, checkfirst=True)
    table.create(connection)


def _defaults(table: Table, now: datetime) -> dict:
    """Every column's value when a row does not give one: its scalar default, `now` for timestamps, else None."""
    values = {}
    for column in table.columns:
        default = column.default
        if default is not None and default.is_scalar:
            values[column.name] = default.arg
        elif default is not None and default.is_callable:
            values[column.name] = now  # utcnow, the only callable default of these tables
        else:
            values[column.name] = None
    values.pop("id", None)
    return values


def _snapshot(household: dict, members: list[dict]) -> dict:
    """The same frozen copy `questionnaire.snapshot` makes of a household and its members (dates are written
    as ISO text when the snapshot is serialised: see _iso)."""
    return {"household": household,
            "members": [{name: m.get(name) for name in _SNAPSHOT_MEMBER_FIELDS} for m in members]}


_SNAPSHOT_MEMBER_FIELDS = ("id", "position", *MEMBER_FIELDS)


def _iso(value):
    """json.dumps's fallback: dates and times as ISO text, as questionnaire.snapshot writes them."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


# --- filling a table: COPY on PostgreSQL, multi-row inserts elsewhere -------------------------------------


def write_rows(session: Session, table: Table, rows: list[dict]) -> int:
    """Append `rows` (dicts with the same keys) to `table` in the session's transaction."""
    if not rows:
        return 0
    names = [name for name in rows[0] if name in table.columns]
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, table, names, rows)
    else:
        # One executemany of prepared inserts: SQLite runs it in C, with the columns' own type conversions.
        session.execute(insert(table), [{name: row[name] for name in names} for row in rows])
    return len(rows)


def _copy(session: Session, table: Table, names: list[str], rows: list[dict]) -> None:
    """COPY … FROM STDIN through psycopg 3, on the connection (and in the transaction) the session holds."""
    driver = session.connection().connection.driver_connection
    json_columns = {name for name in names if isinstance(table.c[name].type, JSON)}
    columns = ", ".join(f'"{name}"' for name in names)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        if json_columns:
            for row in rows:
                copy.write_row([json.dumps(row[n], ensure_ascii=False, default=_iso) if n in json_columns and row[n] is not None
                                else row[n] for n in names])
        else:
            for row in rows:
                copy.write_row([row[n] for n in names])
