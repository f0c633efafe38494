"""Programmes and their eligibility rules: the seed, drafts and activation (audited, versioned), the rule
compiled to one SQL WHERE clause over households for millions at once (domain.eligibility evaluates the
same rule for one household; tests/services/test_eligibility_agrees.py holds the two to it), simulation
of a draft against the active rule, the eligible counts per district for the dashboard, and the eligible
lists streamed out as CSV or XLSX with no more columns than the programme needs."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, delete, false, func, insert, not_, or_, select, true
from sqlalchemy.orm import Session, aliased

from ..domain.cnic import mask_cnic
from ..domain.eligibility import (FACTS, LIST_OPS, Kind, Name, RuleInvalid, Verdict, Vocabulary, evaluate,
                                  validate)
from ..domain.household_status import HouseholdStatus
from ..models import Area, Household, HouseholdMember, Programme, ProgrammeCount, ProgrammeEnrolment, ProgrammeRule
from ..models.summary import NONE_KEY
from . import audit
from .area_tree import area_tree
from .context import N_, ServiceContext

VERIFIED = {"fact": "status", "op": "=", "value": HouseholdStatus.VERIFIED.value}
# BISP's scorecard cut-offs: below 16.17 the poorest (Kafaalat), up to 32 the poor.
POOREST, POOR = 16.17, 32

# --- the seed -------------------------------------------------------------------------------------------------

# The columns an eligible list may carry. Every list has the household's number and area; only programmes
# that hand money or a package to a named person carry the head's name and masked CNIC (see SEED below).
EXPORT_COLUMNS = {
    "household_id": N_("Household number"),
    "district": N_("District"),
    "tehsil": N_("Tehsil"),
    "head_name": N_("Head of household"),
    "head_cnic_masked": N_("CNIC of the head (masked)"),
    "score_band": N_("Poverty band"),
    "member_count": N_("Members"),
    "child_count": N_("Children under 15"),
    "elderly_count": N_("Members aged 60 or more"),
    "enrolled_count": N_("Children going to school"),
    "disabled_count": N_("Members with a disability"),
}
PLACE = ["household_id", "district", "tehsil"]
PAYEE = ["head_name", "head_cnic_masked"]


@dataclass(frozen=True)
class SeedProgramme:
    code: str
    name_en: str
    name_ur: str
    description_en: str
    description_ur: str
    export_columns: list
    rule: dict


def _rule(*conditions: dict) -> dict:
    return {"all": [VERIFIED, *conditions]}


def _c(fact: str, op: str, value) -> dict:
    return {"fact": fact, "op": op, "value": value}


# Illustrative rules, not any government's: an admin edits them on /admin/programmes.
SEED = (
    SeedProgramme("ramzan_package", "Ramzan package", "رمضان پیکج",
                  "A food package before Ramzan for poor households, handed to the head of household.",
                  "رمضان سے پہلے غریب گھرانوں کے لیے راشن کا پیکج، جو گھرانے کے سربراہ کو دیا جاتا ہے۔",
                  PLACE + PAYEE + ["member_count"], _rule(_c("score", "<=", POOR))),
    SeedProgramme("ration", "Ration programme", "راشن پروگرام",
                  "A monthly ration subsidy for poor households of four or more.",
                  "چار یا زیادہ افراد والے غریب گھرانوں کے لیے ماہانہ راشن پر رعایت۔",
                  PLACE + PAYEE + ["member_count"], _rule(_c("score", "<=", POOR), _c("member_count", ">=", 4))),
    SeedProgramme("student_stipend", "Student stipends", "طلبہ کے وظائف",
                  "A stipend, paid to the head of household, for each child going to school in a poor household.",
                  "غریب گھرانے میں اسکول جانے والے ہر بچے کے لیے وظیفہ، جو گھرانے کے سربراہ کو ادا کیا جاتا ہے۔",
                  PLACE + PAYEE + ["enrolled_count"], _rule(_c("score", "<=", POOR), _c("enrolled_count", ">=", 1))),
    SeedProgramme("sasta_atta", "Subsidised flour (sasta atta)", "سستا آٹا",
                  "Flour at a subsidised price at the utility store, checked against the CNIC at the counter.",
                  "یوٹیلیٹی اسٹور پر رعایتی قیمت پر آٹا، جو کاؤنٹر پر شناختی کارڈ سے جانچ کر دیا جاتا ہے۔",
                  PLACE + ["member_count"], _rule(_c("score", "<=", 40))),
    SeedProgramme("health_card", "Health card", "صحت کارڈ",
                  "Free treatment in listed hospitals for poor households and households caring for a disabled member.",
                  "غریب گھرانوں اور معذور فرد والے گھرانوں کے لیے منظور شدہ اسپتالوں میں مفت علاج۔",
                  PLACE + ["member_count", "disabled_count"],
                  _rule({"any": [_c("score", "<=", POOR),
                                 {"all": [_c("disabled_count", ">=", 1), _c("score", "<=", 50)]}]})),
    SeedProgramme("household_development", "Household development aid", "گھریلو ترقیاتی امداد",
                  "A grant for a small business, livestock or a house repair for the poorest households with a working-age head.",
                  "غریب ترین گھرانوں کے لیے، جن کا سربراہ کام کی عمر میں ہو، چھوٹے کاروبار، مویشی یا گھر کی مرمت کے لیے امداد۔",
                  PLACE + PAYEE, _rule(_c("score", "<", POOREST), _c("head_age", ">=", 18), _c("head_age", "<", 60))),
    SeedProgramme("widows_orphans", "Support for widows and orphans", "بیواؤں اور یتیموں کی کفالت",
                  "A monthly allowance for poor households headed by a widow or a widower with children.",
                  "بیوہ یا رنڈوے سربراہ اور بچوں والے غریب گھرانوں کے لیے ماہانہ وظیفہ۔",
                  PLACE + PAYEE + ["child_count"],
                  _rule(_c("head_marital_status", "=", "widowed"), _c("score", "<=", 40))),
    SeedProgramme("elderly_support", "Support for the elderly", "بزرگ شہریوں کی کفالت",
                  "A monthly allowance for poor households caring for a member aged 60 or more, unless already "
                  "supported as a widow's household.",
                  "60 سال یا زیادہ عمر کے فرد والے غریب گھرانوں کے لیے ماہانہ وظیفہ، اگر وہ پہلے سے بیواؤں کی کفالت نہ لے رہے ہوں۔",
                  PLACE + PAYEE + ["elderly_count"],
                  _rule(_c("elderly_count", ">=", 1), _c("score", "<=", POOR),
                        {"not": _c("enrolled_in", "=", "widows_orphans")})),
)


def seed_programmes(session: Session, ctx: ServiceContext | None = None) -> tuple[int, int]:
    """The programmes of the seed, each with an active first rule; safe to run again: names, descriptions and
    columns are brought up to date, and a programme that has rules keeps them. Returns (added, updated)."""
    known = {p.code: p for p in session.scalars(select(Programme))}
    added = updated = 0
    for position, seed in enumerate(SEED, start=1):
        programme = known.get(seed.code)
        values = {"position": position, "name_en": seed.name_en, "name_ur": seed.name_ur,
                  "description_en": seed.description_en, "description_ur": seed.description_ur,
                  "export_columns": list(seed.export_columns)}
        if programme is None:
            programme = Programme(code=seed.code, **values)
            session.add(programme)
            added += 1
        elif any(getattr(programme, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(programme, key, value)
            updated += 1
    session.flush()
    for seed in SEED:
        programme = session.scalar(select(Programme).where(Programme.code == seed.code))
        if session.scalar(select(ProgrammeRule.id).where(ProgrammeRule.programme_id == programme.id).limit(1)) is None:
            now = ctx.now() if ctx else None
            session.add(ProgrammeRule(programme_id=programme.id, version=1, rule=seed.rule, state="active",
                                      note="seed (illustrative)", activated_at=now,
                                      **({"created_at": now} if now else {})))
    session.flush()
    return added, updated


# --- names and ids the rules use ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleContext:
    """What compiling and wording a rule needs from the database: codes to ids, and names."""

    vocabulary: Vocabulary
    district_ids: Mapping[str, int]
    programme_ids: Mapping[str, int]

    @property
    def district_codes(self) -> dict[int, str]:
        return {i: c for c, i in self.district_ids.items()}


def rule_context(session: Session) -> RuleContext:
    districts = session.execute(select(Area.code, Area.id, Area.name_en, Area.name_ur).where(Area.level == "district")).all()
    programmes = session.execute(select(Programme.code, Programme.id, Programme.name_en, Programme.name_ur)).all()
    return RuleContext(
        Vocabulary(districts={c: Name(en, ur) for c, _, en, ur in districts},
                   programmes={c: Name(en, ur) for c, _, en, ur in programmes}),
        {c: i for c, i, _, _ in districts}, {c: i for c, i, _, _ in programmes})


def check_rule(session: Session, rule) -> list:
    return validate(rule, rule_context(session).vocabulary)


# --- the rule as SQL ------------------------------------------------------------------------------------------


def compile_rule(rule: Mapping, context: RuleContext, household=Household):
    """The (valid) rule as a WHERE clause over `household` (the households table or an alias of it).
    Two-valued like domain.eligibility: a condition on a NULL column is false, also under NOT."""
    if "all" in rule:
        return and_(true(), *(compile_rule(p, context, household) for p in rule["all"]))
    if "any" in rule:
        return or_(false(), *(compile_rule(p, context, household) for p in rule["any"]))
    if "not" in rule:
        return not_(compile_rule(rule["not"], context, household))
    fact, op, value = FACTS[rule["fact"]], rule["op"], rule["value"]
    if fact.kind == Kind.PROGRAMME:
        codes = value if op in LIST_OPS else [value]
        ids = [context.programme_ids[c] for c in codes]
        # IN (uncorrelated) rather than a correlated EXISTS: PostgreSQL hashes the enrolled ids once
        # instead of probing the index once per household (household_id is never NULL: NOT IN is safe).
        enrolled = household.id.in_(select(ProgrammeEnrolment.household_id).where(ProgrammeEnrolment.programme_id.in_(ids)))
        return enrolled if op in ("=", "in") else not_(enrolled)
    column = getattr(household, fact.column)
    if fact.kind == Kind.DISTRICT:
        value = [context.district_ids[c] for c in value] if op in LIST_OPS else context.district_ids[value]
    elif fact.kind == Kind.NUMBER:
        value = [float(v) for v in value] if op in LIST_OPS else float(value)
    elif fact.kind == Kind.COUNT:
        value = [int(v) for v in value] if op in LIST_OPS else int(value)
    comparison = {
        "=": lambda: column == value, "!=": lambda: column != value, "<": lambda: column < value,
        "<=": lambda: column <= value, ">": lambda: column > value, ">=": lambda: column >= value,
        "in": lambda: column.in_(value), "not in": lambda: column.not_in(value),
    }[op]()
    return and_(column.is_not(None), comparison)


# --- one household --------------------------------------------------------------------------------------------


def household_facts(session: Session, household: Household, context: RuleContext | None = None) -> dict:
    """The facts a rule reads, for one household (as domain.eligibility.evaluate takes them)."""
    context = context or rule_context(session)
    enrolled = session.scalars(select(Programme.code).join(ProgrammeEnrolment)
                               .where(ProgrammeEnrolment.household_id == household.id)).all()
    facts = {name: getattr(household, fact.column) for name, fact in FACTS.items() if fact.column}
    facts["district"] = context.district_codes.get(household.district_id)
    facts["status"] = str(household.status) if household.status is not None else None
    facts["enrolled_in"] = set(enrolled)
    return facts


def active_rules(session: Session) -> list[tuple[Programme, ProgrammeRule]]:
    return list(session.execute(
        select(Programme, ProgrammeRule).join(ProgrammeRule, and_(ProgrammeRule.programme_id == Programme.id,
                                                                  ProgrammeRule.state == "active"))
        .order_by(Programme.position, Programme.id)).tuples())


@dataclass(frozen=True)
class ProgrammeVerdict:
    programme: Programme
    verdict: Verdict


def household_programmes(session: Session, household: Household) -> list[ProgrammeVerdict]:
    """Each programme with an active rule: is this household eligible, and if not, why (for the citizen)."""
    context = rule_context(session)
    facts = household_facts(session, household, context)
    return [ProgrammeVerdict(programme, evaluate(rule.rule, facts, context.vocabulary))
            for programme, rule in active_rules(session)]


# --- drafts, simulation, activation -------------------------------------------------------------------------


def programme_by_code(session: Session, code: str) -> Programme | None:
    return session.scalar(select(Programme).where(Programme.code == code))


def rule_in_state(session: Session, programme: Programme, state: str) -> ProgrammeRule | None:
    return session.scalar(select(ProgrammeRule).where(ProgrammeRule.programme_id == programme.id,
                                                      ProgrammeRule.state == state)
                          .order_by(ProgrammeRule.version.desc()).limit(1))


def rule_digest(rule) -> str:
    """A short fingerprint of a rule: a simulation belongs to the draft it was made of."""
    return hashlib.sha256(json.dumps(rule, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def save_draft(session: Session, ctx: ServiceContext, programme: Programme, rule, *, actor_id: int | None,
               note: str | None = None) -> ProgrammeRule:
    """Keep `rule` as the programme's draft (a new version when there is no draft yet); RuleInvalid when
    it breaks the language's rules. Never changes the active rule."""
    errors = check_rule(session, rule)
    if errors:
        raise RuleInvalid(errors)
    draft = rule_in_state(session, programme, "draft")
    if draft is None:
        latest = session.scalar(select(func.max(ProgrammeRule.version)).where(ProgrammeRule.programme_id == programme.id))
        draft = ProgrammeRule(programme_id=programme.id, version=(latest or 0) + 1, state="draft",
                              created_by=actor_id, created_at=ctx.now())
        session.add(draft)
    draft.rule = rule
    draft.note = (note or "").strip()[:300] or None
    draft.updated_at = ctx.now()
    session.flush()
    audit.record(session, ctx, "programme.draft", actor_id=actor_id, outcome=programme.code,
                 detail={"programme": programme.code, "version": draft.version})
    return draft


class NotSimulated(Exception):
    """Activation asked for a draft nobody simulated (or changed since its simulation)."""


def activate(session: Session, ctx: ServiceContext, programme: Programme, *, actor_id: int | None,
             simulated_digest: str | None) -> ProgrammeRule:
    """Make the draft the active rule; the active one before it is retired (kept). Audited."""
    draft = rule_in_state(session, programme, "draft")
    if draft is None or simulated_digest != rule_digest(draft.rule):
        raise NotSimulated(programme.code)
    errors = check_rule(session, draft.rule)
    if errors:
        raise RuleInvalid(errors)
    previous = rule_in_state(session, programme, "active")
    now = ctx.now()
    if previous is not None:
        previous.state, previous.retired_at = "retired", now
        session.flush()
    draft.state, draft.activated_by, draft.activated_at = "active", actor_id, now
    session.flush()
    audit.record(session, ctx, "programme.activate", actor_id=actor_id, outcome=programme.code,
                 detail={"programme": programme.code, "version": draft.version,
                         "retired": previous.version if previous else None})
    return draft


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def simulate(session: Session, programme: Programme, draft_rule: Mapping) -> dict:
    """The draft beside the active rule, in one pass over the households (set-based): eligible counts by
    district and by band under each, the overlap (both, only new, only old), and how many of the draft's
    households are eligible for each other programme under its active rule. JSON-ready."""
    context = rule_context(session)
    active = rule_in_state(session, programme, "active")
    new = compile_rule(draft_rule, context)
    old = compile_rule(active.rule, context) if active else false()
    others = [(p, compile_rule(r.rule, context)) for p, r in active_rules(session) if p.id != programme.id]
    band = func.coalesce(Household.score_band, "")
    district = func.coalesce(Household.district_id, NONE_KEY)
    columns = [district, band, _count(new), _count(old), _count(and_(new, old))]
    columns += [_count(and_(new, clause)) for _, clause in others]
    rows = session.execute(select(*columns).where(or_(new, old)).group_by(district, band)).all()
    names = {i: (en, ur) for i, en, ur in session.execute(
        select(Area.id, Area.name_en, Area.name_ur).where(Area.level == "district"))}
    by_district: dict[int, list[int]] = {}
    by_band: dict[str, list[int]] = {}
    totals = [0, 0, 0]
    with_others = [0] * len(others)
    for row in rows:
        d, b, n_new, n_old, n_both = row[0], row[1], int(row[2]), int(row[3]), int(row[4])
        by_district.setdefault(d, [0, 0])
        by_district[d][0] += n_new
        by_district[d][1] += n_old
        by_band.setdefault(b, [0, 0])
        by_band[b][0] += n_new
        by_band[b][1] += n_old
        totals[0] += n_new
        totals[1] += n_old
        totals[2] += n_both
        for i in range(len(others)):
            with_others[i] += int(row[5 + i])
    return {
        "programme": programme.code,
        "digest": rule_digest(draft_rule),
        "active_version": active.version if active else None,
        "eligible": totals[0], "was": totals[1], "both": totals[2],
        "only_new": totals[0] - totals[2], "only_old": totals[1] - totals[2],
        "by_district": sorted(({"district": d, "en": names.get(d, ("—", "—"))[0], "ur": names.get(d, ("—", "—"))[1],
                                "new": v[0], "old": v[1]} for d, v in by_district.items()),
                              key=lambda r: (-r["new"], r["en"])),
        "by_band": sorted(({"band": b, "new": v[0], "old": v[1]} for b, v in by_band.items()), key=lambda r: r["band"]),
        "others": [{"code": p.code, "en": p.name_en, "ur": p.name_ur, "both": n}
                   for (p, _), n in zip(others, with_others)],
    }


# --- counts for the dashboard --------------------------------------------------------------------------------


def refresh_counts(session: Session, ctx: ServiceContext, programme_codes: list[str] | None = None) -> int:
    """Count each programme's eligible households per district under its active rule, set-based: one pass
    over the households whatever the number of programmes (a SUM(CASE …) per programme, GROUP BY district),
    replacing their summary rows. Returns the rows written."""
    context = rule_context(session)
    chosen = [(p, r) for p, r in active_rules(session) if programme_codes is None or p.code in programme_codes]
    if programme_codes is None:  # a programme whose rule was retired without a successor counts nobody
        session.execute(delete(ProgrammeCount))
    elif chosen:
        session.execute(delete(ProgrammeCount).where(ProgrammeCount.programme_id.in_([p.id for p, _ in chosen])))
    if not chosen:
        return 0
    clauses = [compile_rule(rule.rule, context) for _, rule in chosen]
    district = func.coalesce(Household.district_id, NONE_KEY)
    counted = session.execute(select(district, *(_count(c) for c in clauses))
                              .where(or_(*clauses)).group_by(district)).all()
    now = ctx.now()
    rows = [{"programme_id": programme.id, "district_key": row[0], "households": int(row[1 + i]), "counted_at": now}
            for row in counted for i, (programme, _) in enumerate(chosen) if row[1 + i]]
    if rows:
        session.execute(insert(ProgrammeCount), rows)
    return len(rows)


def programme_counts(session: Session, area: Area | int | None = None) -> list[dict]:
    """Eligible households per programme under the active rules, in Punjab or within an area (a division,
    district or tehsil's district), read from the summary; every programme listed, in the seed's order."""
    joined = ProgrammeCount.programme_id == Programme.id
    if area is not None:
        area_id = area.id if isinstance(area, Area) else int(area)
        tree = area_tree(session)
        district = tree.district_of(area_id)
        districts = [district] if district is not None else [
            i for i in tree.descendants(area_id) if tree.level.get(i) == "district"]
        joined = and_(joined, ProgrammeCount.district_key.in_(districts or [-1]))
    query = (select(Programme.code, Programme.name_en, Programme.name_ur,
                    func.coalesce(func.sum(ProgrammeCount.households), 0), func.max(ProgrammeCount.counted_at))
             .outerjoin(ProgrammeCount, joined)
             .group_by(Programme.id, Programme.code, Programme.name_en, Programme.name_ur, Programme.position)
             .order_by(Programme.position, Programme.id))
    return [{"code": c, "en": en, "ur": ur, "households": int(n), "counted_at": at}
            for c, en, ur, n, at in session.execute(query)]


# --- eligible lists --------------------------------------------------------------------------------------------


def export_columns(programme: Programme) -> list[str]:
    return [c for c in programme.export_columns if c in EXPORT_COLUMNS] or PLACE


def eligible_query(session: Session, programme: Programme, rule: Mapping | None = None):
    """The eligible households of the programme (its active rule, or `rule`) with only its export columns,
    in household order. The head's CNIC is selected only to be masked, and only when the list needs it."""
    if rule is None:
        active = rule_in_state(session, programme, "active")
        rule = active.rule if active else {"any": [{"fact": "status", "op": "=", "value": "__none__"}]}
    context = rule_context(session)
    wanted = export_columns(programme)
    district, tehsil = aliased(Area), aliased(Area)
    head = aliased(HouseholdMember)
    picks = {
        "household_id": Household.id,
        "district": district.name_en,
        "tehsil": tehsil.name_en,
        "head_name": head.name,
        "head_cnic_masked": Household.head_cnic,
        "score_band": Household.score_band,
        "member_count": Household.facts_member_count,
        "child_count": Household.facts_child_count,
        "elderly_count": Household.facts_elderly_count,
        "enrolled_count": Household.facts_enrolled_count,
        "disabled_count": Household.facts_disabled_count,
    }
    query = select(*(picks[c].label(c) for c in wanted)).where(compile_rule(rule, context))
    if "district" in wanted:
        query = query.outerjoin(district, district.id == Household.district_id)
    if "tehsil" in wanted:
        query = query.outerjoin(tehsil, tehsil.id == Household.area_id)
    if "head_name" in wanted:
        query = query.outerjoin(head, and_(head.household_id == Household.id, head.relation == "head"))
    return wanted, query.select_from(Household).order_by(Household.id)


def _cells(wanted: list[str], row) -> list:
    values = list(row)
    if "head_cnic_masked" in wanted:
        i = wanted.index("head_cnic_masked")
        try:
            values[i] = mask_cnic(values[i]) if values[i] else None
        except ValueError:
            values[i] = None
    return values


def eligible_rows(connection, wanted: list[str], query, *, batch: int = 5000) -> Iterator[list]:
    """The rows of `eligible_query` over a server-side cursor, `batch` at a time: flat memory whatever the count."""
    if connection.dialect.name == "postgresql":
        # A cursor is planned for its first rows (cursor_tuple_fraction 0.1): a walk of the primary key
        # through the whole table. The list is read to its end, so plan for all of it (a scan and a sort).
        connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
    result = connection.execution_options(stream_results=True, yield_per=batch).execute(query)
    for row in result:
        yield _cells(wanted, row)


def csv_lines(header: list[str], rows: Iterator[list], on_done: Callable[[int, bool], None] | None = None,
              *, chunk: int = 1000) -> Iterator[str]:
    """CSV text in chunks of `chunk` rows (with a BOM so that a spreadsheet reads Urdu names as UTF-8);
    `on_done(rows, finished)` is called once at the end, also when the download is cut short."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count, finished = 0, False
    try:
        writer.writerow(header)
        yield "\ufeff" + buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            writer.writerow(row)
            count += 1
            if count % chunk == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
        finished = True
    finally:
        if on_done is not None:
            on_done(count, finished)


def write_xlsx(path, header: list[str], rows: Iterator[list], *, title: str,
               progress: Callable[[int], None] | None = None, every: int = 10_000) -> int:
    """Write the rows to an .xlsx file in openpyxl's write-only mode (rows go to disk as they come)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    workbook.save(path)
    return count


def record_export(session: Session, ctx: ServiceContext, programme: Programme, *, actor_id: int | None,
                  file_format: str, rows: int, finished: bool = True, job_id: int | None = None) -> None:
    audit.record(session, ctx, "programme.export", actor_id=actor_id, outcome=programme.code,
                 detail={"programme": programme.code, "format": file_format, "rows": rows,
                         "columns": export_columns(programme), "finished": finished,
                         **({"job": job_id} if job_id else {})})


def count_eligible(session: Session, programme: Programme) -> int:
    _, query = eligible_query(session, programme)
    return int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)


def enrol(session: Session, household: Household, programme: Programme, since: date) -> ProgrammeEnrolment:
    """Record that a household receives a programme (the programme's own office decides it)."""
    enrolment = ProgrammeEnrolment(household_id=household.id, programme_id=programme.id, since=since)
    session.add(enrolment)
    session.flush()
    return enrolment
