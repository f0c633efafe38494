"""The proxy-means score: a model (indicators that map a household's values to points, each with a weight, and
the bands cut from the 0-100 scale) evaluated on one household's values, with the explanation of every
indicator; and the checks a model definition must pass before it is stored. Plain Python.

Lower is poorer, as in Pakistan's national registry: an indicator gives more points to the better-off answer,
and the score is the weighted sum of points over the most the model can give, times 100.

Exact by construction: weights, points, range bounds and band cut-offs have at most two decimals and are kept
as whole hundredths; a number an indicator reads is a ratio of whole numbers (rooms over members, land in
hundredths of an acre over 100), compared by cross-multiplying; the score is rounded half up to hundredths by
integer division. So the same model compiled to SQL (services.scoring_sql) gives the very same score and band
on SQLite and PostgreSQL, not merely a close one."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .catalogue import CATALOGUE


def N_(message: str) -> str:
    """Mark a message for translation; the web layer translates it into its reader's language."""
    return message


CHOICE, NUMBER, ASSETS = "choice", "number", "assets"
MAX_WEIGHT = 100  # bounds that keep every sum well inside a 64-bit integer in SQL
MAX_POINTS = 1000
MAX_BOUND = 100_000_000


@dataclass(frozen=True)
class Term:
    """One column of the household row in a ratio, times a whole multiplier; `rounded` for a decimal column
    made whole (land in hundredths of an acre)."""

    column: str
    multiplier: int = 1
    rounded: bool = False


@dataclass(frozen=True)
class Source:
    """Where an indicator's value comes from, and how it reads to staff and to the citizen."""

    key: str
    kind: str  # choice, number or assets
    label: str  # English msgid
    reason: str  # why it lowers a score, in the citizen's plain words (English msgid)
    column: str | None = None  # choice and assets: the household column
    choices: str | None = None  # choice and assets: the catalogue's choice list
    numerator: tuple[Term, ...] = ()  # number: the value is numerator / denominator
    denominator: tuple[Term, ...] = ()  # empty: the whole number `scale`
    scale: int = 1
    personal: bool = False  # about one person (the head): shown to the citizen only if it is theirs

    @property
    def columns(self) -> tuple[str, ...]:
        if self.kind == NUMBER:
            return tuple(t.column for t in (*self.numerator, *self.denominator))
        return (self.column,)


MEMBERS_TERM = (Term("facts_member_count"),)

# The indicators a model may use, in the order the explanation lists them; values come from the question
# catalogue's answer columns and from the household facts counted from the member roster.
SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("household_size", NUMBER, N_("Household size (members)"), N_("Many people live on the household's means."),
           numerator=MEMBERS_TERM),
    Source("dependency_ratio", NUMBER, N_("Dependants per working-age member"),
           N_("Many members are children or elderly for each member of working age."),
           numerator=(Term("facts_child_count"), Term("facts_elderly_count")),
           denominator=(Term("facts_working_age_count"),)),
    Source("head_education", CHOICE, N_("Education of the head of household"),
           N_("The head of the household has had little schooling."), column="facts_head_education",
           choices="education", personal=True),
    Source("rooms_per_person", NUMBER, N_("Rooms per person"), N_("There are few rooms per person in the home."),
           numerator=(Term("rooms"),), denominator=MEMBERS_TERM),
    Source("roof", CHOICE, N_("Roof"), N_("The roof of the house is of a weak material."), column="roof",
           choices="roof"),
    Source("walls", CHOICE, N_("Walls"), N_("The walls of the house are of a weak material."), column="walls",
           choices="walls"),
    Source("toilet", CHOICE, N_("Toilet"), N_("The house has no proper toilet of its own."), column="toilet",
           choices="toilet"),
    Source("water", CHOICE, N_("Drinking water"), N_("Drinking water does not come from a safe source at home."),
           column="water", choices="water"),
    Source("electricity", CHOICE, N_("Electricity"), N_("The house has little or no electricity."),
           column="electricity", choices="electricity"),
    Source("cooking_fuel", CHOICE, N_("Cooking fuel"), N_("Food is cooked on wood, dung or other costly fuels."),
           column="cooking_fuel", choices="cooking_fuel"),
    Source("assets", ASSETS, N_("Household assets"), N_("The household has few of the listed household goods."),
           column="assets", choices="assets"),
    Source("land", NUMBER, N_("Agricultural land (acres)"), N_("The household has little or no farm land."),
           numerator=(Term("land_acres", 100, rounded=True),), scale=100),
    Source("livestock", NUMBER, N_("Livestock (cows and buffaloes; five goats or sheep count as one)"),
           N_("The household has few animals."),
           numerator=(Term("cattle", 5), Term("buffalo", 5), Term("goats_sheep")), scale=5),
    Source("income_per_person", NUMBER, N_("Monthly income per person (rupees)"),
           N_("The household's income per person is low."), numerator=(Term("monthly_income"),),
           denominator=MEMBERS_TERM),
)}

VALUE_COLUMNS = tuple(dict.fromkeys(c for s in SOURCES.values() for c in s.columns))


# --- the model ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    key: str
    label_en: str
    label_ur: str
    below: int | None  # hundredths of the score; None: the top band

    def label(self, language: str) -> str:
        return self.label_ur if language == "ur" else self.label_en


@dataclass(frozen=True)
class Range:
    below: int | None  # hundredths of the indicator's value; None: everything above the last bound
    points: int  # hundredths


@dataclass(frozen=True)
class Indicator:
    key: str
    weight: int  # hundredths
    missing: int  # points (hundredths) when the value is not known or not listed
    points: Mapping[str, int] = field(default_factory=dict)  # choice: per key; assets: per item owned
    ranges: tuple[Range, ...] = ()  # number: the first range whose bound the value is below

    @property
    def source(self) -> Source:
        return SOURCES[self.key]

    @property
    def best(self) -> int:
        """The most points this indicator can give."""
        if self.source.kind == ASSETS:
            return max(sum(self.points.values()), self.missing)
        options = [*self.points.values(), *(r.points for r in self.ranges), self.missing]
        return max(options)


@dataclass(frozen=True)
class Model:
    indicators: tuple[Indicator, ...]
    bands: tuple[Band, ...]

    @property
    def most(self) -> int:
        """The weighted sum of points of the best-off household (weights times points: ten-thousandths)."""
        return sum(i.weight * i.best for i in self.indicators)

    def band_of(self, score_hundredths: int) -> Band:
        return next(b for b in self.bands if b.below is None or score_hundredths < b.below)

    def band_named(self, key: str | None) -> Band | None:
        return next((b for b in self.bands if b.key == key), None)


# --- evaluating ---------------------------------------------------------------------------------------


def ratio_of(source: Source, values: Mapping[str, object]) -> tuple[int, int] | None:
    """A number indicator's value as (numerator, denominator) whole numbers; None when it is not known: no
    numerator column answered, or no positive denominator."""
    numerator, answered = 0, False
    for term in source.numerator:
        value = values.get(term.column)
        if value is None:
            continue
        answered = True
        part = value * term.multiplier
        # Half away from zero, as SQL's round() does (a two-decimal column times 100 is never a half anyway).
        numerator += (math.floor(part + 0.5) if part >= 0 else -math.floor(-part + 0.5)) if term.rounded else int(part)
    if not answered:
        return None
    if not source.denominator:
        return numerator, source.scale
    denominator = 0
    for term in source.denominator:
        value = values.get(term.column)
        if value is not None:
            denominator += int(value) * term.multiplier
    if denominator <= 0:
        return None
    return numerator, denominator * source.scale


def points_for(indicator: Indicator, values: Mapping[str, object]) -> int:
    source = indicator.source
    if source.kind == CHOICE:
        value = values.get(source.column)
        return indicator.points.get(value, indicator.missing) if isinstance(value, str) else indicator.missing
    if source.kind == ASSETS:
        owned = values.get(source.column)
        if not isinstance(owned, (list, tuple)):
            return indicator.missing
        return sum(points for key, points in indicator.points.items() if key in owned)
    ratio = ratio_of(source, values)
    if ratio is None:
        return indicator.missing
    numerator, denominator = ratio
    # value < below/100  <=>  100 * numerator < below * denominator (denominator > 0)
    return next(r.points for r in indicator.ranges if r.below is None or 100 * numerator < r.below * denominator)


def score_hundredths(weighted: int, most: int) -> int:
    """The score in hundredths, rounded half up: floor(10000 * weighted / most + 1/2)."""
    return (20000 * weighted + most) // (2 * most)


@dataclass(frozen=True)
class Line:
    """One indicator of an explanation. Contribution and shortfall are in points of the 0-100 score: what the
    indicator added, and how far below its best it held the score."""

    key: str
    value: object
    points: float
    best: float
    weight: float
    contribution: float
    shortfall: float

    @property
    def source(self) -> Source:
        return SOURCES[self.key]


@dataclass(frozen=True)
class Evaluation:
    score: float  # 0-100, two decimals
    band: Band
    lines: tuple[Line, ...]  # in the model's order
    points: tuple[int, ...]  # each indicator's points in hundredths, in the model's order: enough to rebuild

    @property
    def hundredths(self) -> int:
        return round(self.score * 100)

    def lowering(self, limit: int | None = None) -> tuple[Line, ...]:
        """The indicators that held the score down, most first (ties in the model's order)."""
        held = sorted((line for line in self.lines if line.shortfall > 0), key=lambda line: -line.shortfall)
        return tuple(held[:limit] if limit is not None else held)


def display_value(source: Source, values: Mapping[str, object]):
    """The value as staff read it: a choice key, the list of assets, or the number (two decimals)."""
    if source.kind != NUMBER:
        return values.get(source.column)
    ratio = ratio_of(source, values)
    if ratio is None:
        return None
    numerator, denominator = ratio
    return round(numerator / denominator, 2)


def explain(model: Model, points: tuple[int, ...] | list[int], values: Mapping[str, object] | None = None) -> Evaluation:
    """The evaluation rebuilt from each indicator's points (as stored with a score), with the values when known."""
    most = model.most
    weighted = sum(i.weight * p for i, p in zip(model.indicators, points, strict=True))
    score = score_hundredths(weighted, most)
    lines = tuple(
        Line(key=i.key, value=display_value(i.source, values) if values is not None else None,
             points=p / 100, best=i.best / 100, weight=i.weight / 100,
             contribution=round(i.weight * p * 100 / most, 2), shortfall=round(i.weight * (i.best - p) * 100 / most, 2))
        for i, p in zip(model.indicators, points, strict=True))
    return Evaluation(score=score / 100, band=model.band_of(score), lines=lines, points=tuple(points))


def evaluate(model: Model, values: Mapping[str, object]) -> Evaluation:
    """Score one household: `values` maps the household's columns (VALUE_COLUMNS) to their values."""
    return explain(model, tuple(points_for(i, values) for i in model.indicators), values)


# --- reading and checking a definition ----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    message: str  # English msgid with %(name)s placeholders; the web layer translates it
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, translate=lambda message: message) -> str:
        return translate(self.message) % dict(self.params)


class ModelInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.text() for p in problems))
        self.problems = problems


BAND_KEY = re.compile(r"^[a-z][a-z0-9_]{0,19}$")


def _hundredths(raw, *, low: float, high: float) -> int | None:
    """A number with at most two decimals within [low, high], as whole hundredths; None if it is not one."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")) or not low <= number <= high:
        return None
    return int(number * 100)


def read_model(definition: object) -> Model:
    """A model from its definition (the JSON stored with a version), or ModelInvalid listing every problem.

    {"indicators": [{"key": "roof", "weight": 2, "points": {"rcc": 10, ...}, "missing": 0},
                    {"key": "rooms_per_person", "weight": 1.5, "ranges": [{"below": 0.5, "points": 0}, ...,
                     {"points": 10}], "missing": 0}, ...],
     "bands": [{"key": "very_poor", "below": 16.17, "label_en": "Very poor", "label_ur": "..."}, ...,
               {"key": "non_poor", "label_en": "Not poor", "label_ur": "..."}]}"""
    problems: list[Problem] = []
    if not isinstance(definition, Mapping):
        raise ModelInvalid([Problem(N_("The model must be an object with \"indicators\" and \"bands\"."))])
    raw_indicators = definition.get("indicators")
    indicators: list[Indicator] = []
    if not isinstance(raw_indicators, list) or not raw_indicators:
        problems.append(Problem(N_("The model needs at least one indicator.")))
        raw_indicators = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_indicators, start=1):
        indicator = _read_indicator(raw, position, seen, problems)
        if indicator is not None:
            indicators.append(indicator)
    bands = _read_bands(definition.get("bands"), problems)
    if not problems and sum(i.weight * i.best for i in indicators) <= 0:
        problems.append(Problem(N_("At least one indicator must be able to give points above 0.")))
    if problems:
        raise ModelInvalid(problems)
    return Model(tuple(indicators), tuple(bands))


def _read_indicator(raw, position: int, seen: set[str], problems: list[Problem]) -> Indicator | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("key"), str):
        problems.append(Problem(N_("Indicator %(position)s: give its \"key\"."), {"position": position}))
        return None
    key = raw["key"]
    source = SOURCES.get(key)
    if source is None:
        problems.append(Problem(N_("Indicator %(position)s: there is no indicator \"%(key)s\". Known: %(known)s."),
                                {"position": position, "key": key, "known": ", ".join(SOURCES)}))
        return None
    if key in seen:
        problems.append(Problem(N_("Indicator \"%(key)s\" is listed twice."), {"key": key}))
        return None
    seen.add(key)
    before = len(problems)
    weight = _hundredths(raw.get("weight"), low=0.01, high=MAX_WEIGHT)
    if weight is None:
        problems.append(Problem(N_("Indicator \"%(key)s\": the weight must be a number above 0 and at most "
                                   "%(most)s, with at most two decimals."), {"key": key, "most": MAX_WEIGHT}))
    missing = _hundredths(raw.get("missing", 0), low=0, high=MAX_POINTS)
    if missing is None:
        problems.append(Problem(N_("Indicator \"%(key)s\": points for an unknown answer (\"missing\") must be "
                                   "a number from 0 to %(most)s with at most two decimals."),
                                {"key": key, "most": MAX_POINTS}))
    points: dict[str, int] = {}
    ranges: list[Range] = []
    if source.kind in (CHOICE, ASSETS):
        points = _read_points(raw.get("points"), key, source, problems)
    else:
        ranges = _read_ranges(raw.get("ranges"), key, problems)
    if len(problems) > before:
        return None
    return Indicator(key=key, weight=weight, missing=missing, points=points, ranges=tuple(ranges))


def _read_points(raw, key: str, source: Source, problems: list[Problem]) -> dict[str, int]:
    allowed = CATALOGUE.choice_list(source.choices).keys
    if not isinstance(raw, Mapping) or not raw:
        problems.append(Problem(N_("Indicator \"%(key)s\": give \"points\" for its answers (%(answers)s)."),
                                {"key": key, "answers": ", ".join(allowed)}))
        return {}
    points = {}
    for answer, value in raw.items():
        if answer not in allowed:
            problems.append(Problem(N_("Indicator \"%(key)s\": \"%(answer)s\" is not one of its answers "
                                       "(%(answers)s)."), {"key": key, "answer": answer, "answers": ", ".join(allowed)}))
            continue
        hundredths = _hundredths(value, low=0, high=MAX_POINTS)
        if hundredths is None:
            problems.append(Problem(N_("Indicator \"%(key)s\": the points for \"%(answer)s\" must be a number from 0 "
                                       "to %(most)s with at most two decimals."),
                                    {"key": key, "answer": answer, "most": MAX_POINTS}))
            continue
        points[answer] = hundredths
    return points


def _read_ranges(raw, key: str, problems: list[Problem]) -> list[Range]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(N_("Indicator \"%(key)s\": give \"ranges\": a list of {\"below\": number, \"points\": "
                                   "number}, the last one without \"below\"."), {"key": key}))
        return []
    ranges, previous = [], None
    for position, item in enumerate(raw, start=1):
        last = position == len(raw)
        if not isinstance(item, Mapping):
            problems.append(Problem(N_("Indicator \"%(key)s\", range %(position)s: write it as {\"below\": number, "
                                       "\"points\": number}."), {"key": key, "position": position}))
            continue
        points = _hundredths(item.get("points"), low=0, high=MAX_POINTS)
        if points is None:
            problems.append(Problem(N_("Indicator \"%(key)s\", range %(position)s: the points must be a number from 0 "
                                       "to %(most)s with at most two decimals."),
                                    {"key": key, "position": position, "most": MAX_POINTS}))
        below = None
        if last and item.get("below") is not None:
            problems.append(Problem(N_("Indicator \"%(key)s\": the last range takes every value above the others, "
                                       "so it has no \"below\"."), {"key": key}))
        elif not last:
            below = _hundredths(item.get("below"), low=-MAX_BOUND, high=MAX_BOUND)
            if below is None:
                problems.append(Problem(N_("Indicator \"%(key)s\", range %(position)s: \"below\" must be a number with "
                                           "at most two decimals."), {"key": key, "position": position}))
            elif previous is not None and below <= previous:
                problems.append(Problem(N_("Indicator \"%(key)s\": the ranges must go up, each \"below\" larger than "
                                           "the one before."), {"key": key}))
            else:
                previous = below
        if points is not None:
            ranges.append(Range(below=below, points=points))
    return ranges


def _read_bands(raw, problems: list[Problem]) -> list[Band]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.append(Problem(N_("Give at least two \"bands\", from the poorest up; the last one has no \"below\".")))
        return []
    bands, previous, keys = [], None, set()
    for position, item in enumerate(raw, start=1):
        last = position == len(raw)
        if not isinstance(item, Mapping):
            problems.append(Problem(N_("Band %(position)s: write it as {\"key\": ..., \"below\": number, \"label_en\": "
                                       "..., \"label_ur\": ...}."), {"position": position}))
            continue
        key = item.get("key")
        if not isinstance(key, str) or not BAND_KEY.match(key):
            problems.append(Problem(N_("Band %(position)s: the key must be up to 20 small letters, digits or _, "
                                       "starting with a letter."), {"position": position}))
            key = None
        elif key in keys:
            problems.append(Problem(N_("Band \"%(band)s\" is listed twice."), {"band": key}))
        keys.add(key)
        labels = {}
        for name in ("label_en", "label_ur"):
            label = item.get(name)
            if not isinstance(label, str) or not label.strip() or len(label) > 60:
                problems.append(Problem(N_("Band %(position)s: give \"%(name)s\", a name of up to 60 letters."),
                                        {"position": position, "name": name}))
            else:
                labels[name] = label.strip()
        below = None
        if last and item.get("below") is not None:
            problems.append(Problem(N_("The last band takes every score above the others, so it has no \"below\".")))
        elif not last:
            below = _hundredths(item.get("below"), low=0.01, high=100)
            if below is None:
                problems.append(Problem(N_("Band %(position)s: \"below\" must be a score above 0 and at most 100, with "
                                           "at most two decimals."), {"position": position}))
            elif previous is not None and below <= previous:
                problems.append(Problem(N_("The bands must go up, each \"below\" larger than the one before.")))
            else:
                previous = below
        if key and len(labels) == 2:
            bands.append(Band(key=key, label_en=labels["label_en"], label_ur=labels["label_ur"], below=below))
    return bands


def definition_of(model: Model) -> dict:
    """The JSON definition of a model (what read_model reads), numbers as plain decimals."""

    def number(hundredths: int):
        return hundredths // 100 if hundredths % 100 == 0 else hundredths / 100

    indicators = []
    for i in model.indicators:
        entry: dict = {"key": i.key, "weight": number(i.weight)}
        if i.source.kind == NUMBER:
            entry["ranges"] = [({"below": number(r.below)} if r.below is not None else {}) | {"points": number(r.points)}
                               for r in i.ranges]
        else:
            entry["points"] = {k: number(v) for k, v in i.points.items()}
        entry["missing"] = number(i.missing)
        indicators.append(entry)
    bands = [{"key": b.key, **({"below": number(b.below)} if b.below is not None else {}), "label_en": b.label_en,
              "label_ur": b.label_ur} for b in model.bands]
    return {"indicators": indicators, "bands": bands}


# --- the illustrative model of the seed -----------------------------------------------------------------

ILLUSTRATIVE_VERSION = "illustrative-2026"
ILLUSTRATIVE_NOTES = ("Illustrative model for trying the portal out: its indicators follow the questionnaire and "
                      "its cut-offs (16.17, then 32) follow BISP's, but its weights and points are made up. It is not "
                      "the official formula.")


def _ranges(*pairs) -> list[dict]:
    return [{"below": below, "points": points} if below is not None else {"points": points} for below, points in pairs]


ILLUSTRATIVE_DEFINITION = {
    "indicators": [
        {"key": "household_size", "weight": 1, "ranges": _ranges((3, 10), (5, 7), (7, 4), (9, 2), (None, 0)),
         "missing": 0},
        {"key": "dependency_ratio", "weight": 1, "ranges": _ranges((0.5, 10), (1, 7), (1.5, 4), (2.5, 2), (None, 0)),
         "missing": 0},
        {"key": "head_education", "weight": 1.5,
         "points": {"none": 0, "religious": 1, "primary": 3, "middle": 5, "matric": 7, "intermediate": 8, "graduate": 10,
                    "postgraduate": 10}, "missing": 0},
        {"key": "rooms_per_person", "weight": 1.5, "ranges": _ranges((0.25, 0), (0.5, 3), (1, 6), (1.5, 8), (None, 10)),
         "missing": 0},
        {"key": "roof", "weight": 1, "points": {"rcc": 10, "iron_sheet": 6, "wood_bamboo": 3, "thatch_mud": 0, "other": 2},
         "missing": 0},
        {"key": "walls", "weight": 1, "points": {"burnt_brick": 10, "stone": 7, "mud_brick": 2, "wood_bamboo": 2,
                                                 "other": 2}, "missing": 0},
        {"key": "toilet", "weight": 1, "points": {"flush_sewer": 10, "flush_pit": 8, "dry_pit": 3, "shared": 2, "none": 0},
         "missing": 0},
        {"key": "water", "weight": 0.5, "points": {"piped": 10, "bottled": 10, "motor_pump": 8, "hand_pump": 6, "tanker": 4,
                                                   "well": 3, "river_pond": 0}, "missing": 0},
        {"key": "electricity", "weight": 0.5, "points": {"grid": 10, "solar": 6, "none": 0}, "missing": 0},
        {"key": "cooking_fuel", "weight": 1, "points": {"gas_pipeline": 10, "electricity": 9, "lpg": 8, "kerosene": 4,
                                                        "wood": 2, "dung_crop": 0}, "missing": 0},
        {"key": "assets", "weight": 2, "points": {"fridge": 2, "tv": 1, "washing_machine": 1.5, "air_conditioner": 2,
                                                  "motorcycle": 1.5, "car": 3, "computer": 1, "smartphone": 0.5},
         "missing": 0},
        {"key": "land", "weight": 1, "ranges": _ranges((0.01, 0), (2.5, 4), (5, 6), (12.5, 8), (None, 10)), "missing": 0},
        {"key": "livestock", "weight": 0.5, "ranges": _ranges((1, 0), (3, 4), (6, 7), (None, 10)), "missing": 0},
        {"key": "income_per_person", "weight": 2,
         "ranges": _ranges((2000, 0), (4000, 3), (7000, 5), (12000, 7), (25000, 9), (None, 10)), "missing": 0},
    ],
    "bands": [
        {"key": "very_poor", "below": 16.17, "label_en": "Very poor", "label_ur": "انتہائی غریب"},
        {"key": "poor", "below": 32, "label_en": "Poor", "label_ur": "غریب"},
        {"key": "vulnerable", "below": 50, "label_en": "Vulnerable", "label_ur": "غربت کے خطرے میں"},
        {"key": "non_poor", "label_en": "Not poor", "label_ur": "غریب نہیں"},
    ],
}
