"""The public statistics (/stats, its CSV files and /stats.json): the registry's aggregate figures by district,
division and Punjab, read only from summary tables (household_counts, score_counts, programme_counts,
complaint_counts, complaint_resolve_times) and the areas, with small counts hidden by domain.disclosure so
that none can be read or worked out by subtraction. Nothing here reads a household or a member."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.complaints import CATEGORIES, ComplaintState
from ..domain.disclosure import THRESHOLD, hierarchy_equations, publish, row_total_equations, suppress
from ..domain.household_status import HouseholdStatus
from ..models import Area, ComplaintCount, ComplaintResolveTime, HouseholdCount, Programme, ProgrammeCount
from ..models.scoring import ScoreCount
from ..models.summary import NONE_KEY
from .area_tree import area_tree
from .context import ServiceContext
from .dashboard import SURVEYED
from .scoring import active_model, model_of
from .summaries import _median as bucket_median

PUNJAB, UNPLACED, TOTAL = "punjab", "unplaced", "total"
TABLES = ("coverage", "score_bands", "programmes", "complaints", "resolve_times")


@dataclass
class Line:
    """A row: an area (Punjab, a division, a district, or households naming no district yet) or a category."""

    key: str
    level: str  # punjab | division | district | unplaced | category | total
    code: str
    name_en: str
    name_ur: str
    parent: str | None = None

    def name(self, lang: str) -> str:
        return self.name_ur if lang == "ur" else self.name_en


@dataclass
class Column:
    key: str
    name_en: str
    name_ur: str

    def name(self, lang: str) -> str:
        return self.name_ur if lang == "ur" else self.name_en


@dataclass
class PublicTable:
    key: str
    columns: list[Column]
    lines: list[Line]
    values: dict[tuple[str, str], int | None]  # as published: None where hidden
    medians: dict[str, float | None] = field(default_factory=dict)  # resolve_times: approximate days per line

    def value(self, line: str, column: str) -> int | None:
        return self.values[(line, column)]

    @property
    def hidden_count(self) -> int:
        return sum(1 for v in self.values.values() if v is None)


@dataclass
class PublicFigures:
    filled_at: datetime
    tables: dict[str, PublicTable]
    model_version: str | None = None
    model_illustrative: bool = True
    programmes_counted_at: datetime | None = None


# --- places -------------------------------------------------------------------------------------------------


@dataclass
class _Places:
    divisions: list[Area]
    districts: dict[int, list[Area]]  # division id -> its districts

    def lines(self, with_unplaced: bool) -> list[Line]:
        found = [Line(PUNJAB, "punjab", "PUNJAB", "Punjab", "پنجاب")]
        for division in self.divisions:
            found.append(Line(_key(division), "division", division.code, division.name_en, division.name_ur, PUNJAB))
            found.extend(Line(_key(d), "district", d.code, d.name_en, d.name_ur, _key(division))
                         for d in self.districts.get(division.id, []))
        if with_unplaced:
            found.append(Line(UNPLACED, "unplaced", "", "No district yet", "ابھی کوئی ضلع نہیں", PUNJAB))
        return found


def _key(area: Area) -> str:
    return f"{area.level}:{area.code}"


def _places(session: Session) -> _Places:
    areas = session.scalars(select(Area).where(Area.level.in_(["division", "district"]))
                            .order_by(Area.name_en)).all()
    divisions = [a for a in areas if a.level == "division"]
    districts: dict[int, list[Area]] = defaultdict(list)
    for area in areas:
        if area.level == "district":
            districts[area.parent_id].append(area)
    return _Places(divisions, districts)


def _area_table(columns: list[Column], by_district: dict[int, dict[str, int]], places: _Places,
                districts_by_id: dict[int, Area], *, total_column: Column | None = None) -> tuple:
    """Cells per district (district id, or NONE_KEY for none) summed up to divisions and Punjab, with the
    equations a reader can subtract; returns (columns, lines, cells, equations)."""
    column_keys = [c.key for c in columns]
    unplaced = {c: 0 for c in column_keys}
    district_cells: dict[str, dict[str, int]] = {}
    for district_id, values in by_district.items():
        area = districts_by_id.get(district_id)
        target = unplaced if area is None else district_cells.setdefault(_key(area), {c: 0 for c in column_keys})
        for c in column_keys:
            target[c] += values.get(c, 0)
    lines = places.lines(with_unplaced=any(unplaced.values()))
    cells: dict[tuple[str, str], int] = {}
    children: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        if line.level in ("district", "unplaced"):
            values = unplaced if line.level == "unplaced" else district_cells.get(line.key, {})
            for c in column_keys:
                cells[(line.key, c)] = values.get(c, 0)
        if line.parent:
            children[line.parent].append(line.key)
    for line in sorted(lines, key=lambda ln: {"division": 0, "punjab": 1}.get(ln.level, -1)):
        if line.level in ("division", "punjab"):
            for c in column_keys:
                cells[(line.key, c)] = sum(cells[(kid, c)] for kid in children[line.key])
    equations = hierarchy_equations({p: kids for p, kids in children.items()}, column_keys)
    if total_column is not None:
        for line in lines:
            cells[(line.key, total_column.key)] = sum(cells[(line.key, c)] for c in column_keys)
        equations += row_total_equations([ln.key for ln in lines], column_keys, total_column.key)
        equations += hierarchy_equations({p: kids for p, kids in children.items()}, [total_column.key])
        columns = [*columns, total_column]
    return columns, lines, cells, equations


def _published(key: str, columns, lines, cells, equations) -> PublicTable:
    return PublicTable(key, columns, lines, publish(cells, suppress(cells, equations)))


# --- the tables ---------------------------------------------------------------------------------------------


def _coverage(session: Session, places: _Places, districts_by_id: dict[int, Area]) -> PublicTable:
    tree = area_tree(session)
    surveyed = {str(s) for s in SURVEYED}
    by_district: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for area_key, status, n in session.execute(select(HouseholdCount.area_key, HouseholdCount.status,
                                                      HouseholdCount.households)):
        if not n:
            continue
        district = tree.district_of(area_key) if area_key != NONE_KEY else None
        counts = by_district[district if district is not None else NONE_KEY]
        counts["registered"] += n
        if status in surveyed:
            counts["surveyed"] += n
        if status == HouseholdStatus.VERIFIED.value:
            counts["verified"] += n
    columns = [Column("registered", "Registered", "رجسٹرڈ"), Column("surveyed", "Surveyed", "سروے شدہ"),
               Column("verified", "Verified", "تصدیق شدہ")]
    return _published("coverage", *_area_table(columns, by_district, places, districts_by_id))


def _score_bands(session: Session, places, districts_by_id) -> tuple[PublicTable, object]:
    row = active_model(session)
    columns, by_district = [], defaultdict(dict)
    if row is not None:
        columns = [Column(b.key, b.label_en, b.label_ur) for b in model_of(row).bands]
        for district, band, n in session.execute(select(ScoreCount.district_key, ScoreCount.band,
                                                        ScoreCount.households).where(ScoreCount.model_id == row.id)):
            by_district[district][band] = by_district[district].get(band, 0) + int(n or 0)
    built = _area_table(columns, by_district, places, districts_by_id,
                        total_column=Column(TOTAL, "All bands", "تمام درجے"))
    return _published("score_bands", *built), row


def _programmes(session: Session, places, districts_by_id) -> tuple[PublicTable, datetime | None]:
    programmes = session.execute(select(Programme.id, Programme.code, Programme.name_en, Programme.name_ur)
                                 .order_by(Programme.position, Programme.id)).all()
    codes = {pid: code for pid, code, _, _ in programmes}
    by_district: dict[int, dict[str, int]] = defaultdict(dict)
    counted_at = None
    for pid, district, n, at in session.execute(select(ProgrammeCount.programme_id, ProgrammeCount.district_key,
                                                       ProgrammeCount.households, ProgrammeCount.counted_at)):
        if pid in codes:
            by_district[district][codes[pid]] = by_district[district].get(codes[pid], 0) + int(n or 0)
            counted_at = at if counted_at is None or (at and at > counted_at) else counted_at
    columns = [Column(code, en, ur) for _, code, en, ur in programmes]
    built = _area_table(columns, by_district, places, districts_by_id)
    return _published("programmes", *built), counted_at


def _complaints(session: Session) -> PublicTable:
    """Complaints by category (rows) and state (columns), with totals both ways, for all of Punjab."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for category, state, n in session.execute(
            select(ComplaintCount.category, ComplaintCount.state, func.sum(ComplaintCount.complaints))
            .group_by(ComplaintCount.category, ComplaintCount.state)):
        counts[(category, state)] += int(n or 0)
    categories = list(CATEGORIES) + sorted({c for c, _ in counts} - set(CATEGORIES))
    states = [s.value for s in ComplaintState] + sorted({s for _, s in counts} - {s.value for s in ComplaintState})
    # Names are filled by the caller in both languages (they live with the other complaint texts).
    lines = [Line(c, "category", c, c, c, TOTAL) for c in categories] + [Line(TOTAL, "total", TOTAL, "All", "سب")]
    columns = [Column(s, s, s) for s in states]
    cells = {(c, s): counts.get((c, s), 0) for c in categories for s in states}
    for c in categories:
        cells[(c, TOTAL)] = sum(cells[(c, s)] for s in states)
    for s in [*states, TOTAL]:
        cells[(TOTAL, s)] = sum(cells[(c, s)] for c in categories)
    equations = (row_total_equations([*categories, TOTAL], states, TOTAL)
                 + hierarchy_equations({TOTAL: categories}, [*states, TOTAL]))
    return _published("complaints", [*columns, Column(TOTAL, "All states", "تمام مراحل")], lines, cells, equations)


def _resolve_times(session: Session, places, districts_by_id) -> PublicTable:
    buckets: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    by_district: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for district, hours, n, total_hours in session.execute(
            select(ComplaintResolveTime.district_key, ComplaintResolveTime.hours, ComplaintResolveTime.complaints,
                   ComplaintResolveTime.total_hours)):
        if not n:
            continue
        place = district if district in districts_by_id else NONE_KEY
        buckets[place].append((int(hours), int(n), float(total_hours or 0.0)))
        by_district[place]["resolved"] += int(n)
    built = _area_table([Column("resolved", "Resolved complaints", "حل شدہ شکایات")], by_district,
                        places, districts_by_id)
    table = _published("resolve_times", *built)
    # The median of each line's buckets (a district's, its division's, Punjab's): shown only beside a
    # published count of at least THRESHOLD, so it never describes a handful of complaints.
    line_buckets: dict[str, list] = defaultdict(list)
    by_code = {_key(a): a.id for a in districts_by_id.values()}
    parents = {ln.key: ln.parent for ln in table.lines}
    for line in table.lines:
        if line.level in ("district", "unplaced"):
            own = buckets.get(by_code.get(line.key, NONE_KEY) if line.level == "district" else NONE_KEY, [])
            key = line.key
            while key is not None:
                line_buckets[key].extend(own)
                key = parents.get(key)
    for line in table.lines:
        shown = table.value(line.key, "resolved")
        hours = bucket_median(line_buckets.get(line.key, [])) if shown is not None and shown >= THRESHOLD else None
        table.medians[line.key] = round(hours / 24, 1) if hours is not None else None
    return table


def public_figures(session: Session, ctx: ServiceContext) -> PublicFigures:
    """Every public table, suppressed: a dozen small statements over summary tables and areas."""
    places = _places(session)
    districts_by_id = {d.id: d for ds in places.districts.values() for d in ds}
    bands, model = _score_bands(session, places, districts_by_id)
    programmes, counted_at = _programmes(session, places, districts_by_id)
    tables = {"coverage": _coverage(session, places, districts_by_id), "score_bands": bands,
              "programmes": programmes, "complaints": _complaints(session),
              "resolve_times": _resolve_times(session, places, districts_by_id)}
    return PublicFigures(ctx.now(), tables, model.version if model is not None else None,
                         bool(model.illustrative) if model is not None else True, counted_at)
