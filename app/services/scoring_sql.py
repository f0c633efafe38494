"""A scoring model (domain.scoring) compiled to one SQL expression over the household row: a CASE per
indicator, summed with the weights in whole numbers and rounded half up to hundredths by integer division, as
the domain does in Python. So a million households are scored by one statement per batch, and the property test
(tests/services/test_scoring_sql.py) holds both to the same answer on SQLite and PostgreSQL."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Text, and_, case, cast, func, literal_column, or_
from sqlalchemy.sql.elements import ColumnElement

from ..domain.scoring import ASSETS, CHOICE, Indicator, Model, Source


def _int(value: int) -> ColumnElement:
    """A whole number written into the statement (never a parameter, so PostgreSQL plans it as a constant)."""
    return literal_column(str(int(value)))


def _big(value: int) -> ColumnElement:
    return cast(_int(value), BigInteger)


def _sum(parts: list[ColumnElement]) -> ColumnElement:
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def _times(value: ColumnElement, multiplier: int) -> ColumnElement:
    return value if multiplier == 1 else value * _int(multiplier)


def _ratio(source: Source, row) -> tuple[ColumnElement, ColumnElement, ColumnElement | None]:
    """(known, numerator, denominator) over the row, as domain.scoring.ratio_of reads them; the denominator is
    None when it is the whole number 1."""
    answered = or_(*(row.c[t.column].is_not(None) for t in source.numerator))
    parts = []
    for term in source.numerator:
        column = row.c[term.column]
        value = (cast(func.round(_times(column, term.multiplier)), BigInteger) if term.rounded
                 else _times(cast(column, BigInteger), term.multiplier))
        parts.append(func.coalesce(value, _int(0)) if len(source.numerator) > 1 else value)
    numerator = _sum(parts)
    if not source.denominator:
        return answered, numerator, None if source.scale == 1 else _big(source.scale)
    denominator = _sum([func.coalesce(_times(cast(row.c[t.column], BigInteger), t.multiplier), _int(0))
                        for t in source.denominator])
    denominator = _times(denominator, source.scale)
    return and_(answered, denominator > _int(0)), numerator, denominator


def points_sql(indicator: Indicator, row) -> ColumnElement:
    """The indicator's points in hundredths, for the household row `row` (a table or an alias of households)."""
    source = indicator.source
    missing = _int(indicator.missing)
    if source.kind == CHOICE:
        column = row.c[source.column]
        if not indicator.points:
            return missing
        return case({key: _int(points) for key, points in indicator.points.items()}, value=column, else_=missing)
    if source.kind == ASSETS:
        text = cast(row.c[source.column], Text)
        # A JSON list of choice keys: `"fridge"` (with its quotes) appears in the text only as that element.
        owned = [case((text.like(f'%"{key}"%'), _int(points)), else_=_int(0))
                 for key, points in indicator.points.items()]
        return case((or_(row.c[source.column].is_(None), text == "null"), missing),
                    else_=_sum(owned) if owned else _int(0))
    known, numerator, denominator = _ratio(source, row)
    whens = [(~known, missing)]
    hundred_times = numerator * _int(100)
    for bounded in indicator.ranges:
        if bounded.below is None:
            break
        bound = _big(bounded.below) if denominator is None else _big(bounded.below) * denominator
        whens.append((hundred_times < bound, _int(bounded.points)))
    last = indicator.ranges[-1]
    return case(*whens, else_=_int(last.points))


@dataclass(frozen=True)
class CompiledModel:
    model: Model

    def hundredths(self, row) -> ColumnElement:
        """The score in whole hundredths: floor((20000 * weighted + most) / (2 * most))."""
        weighted = _sum([_big(i.weight) * points_sql(i, row) for i in self.model.indicators])
        most = self.model.most
        return (weighted * _int(20000) + _big(most)) // _big(2 * most)

    def band(self, hundredths: ColumnElement) -> ColumnElement:
        bands = self.model.bands
        return case(*((hundredths < _int(b.below), b.key) for b in bands if b.below is not None),
                    else_=bands[-1].key)

    @staticmethod
    def score(hundredths: ColumnElement) -> ColumnElement:
        return hundredths / literal_column("100.0")


def compile_model(model: Model) -> CompiledModel:
    return CompiledModel(model)
