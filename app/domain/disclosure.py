"""Disclosure control for the public statistics: which published counts must be hidden so that no count
below 5 can be read, or worked out by subtraction from the totals published beside it.

A table is a set of cells (any hashable key → a count ≥ 0) and the additive equations that hold between
them: each says "this total is the sum of these parts" (a row total, a column total, a division as the sum
of its districts, Punjab as the sum of its divisions). Every published total must be in the table with its
equation, or the check below cannot see what a reader can subtract.

Rules (documented in the README's "Public statistics"):

- Primary suppression: a count from 1 to 4 is hidden.
- Complementary suppression: an equation may not have exactly one hidden cell (the reader would subtract).
  The second cell hidden is the smallest count above zero among the equation's visible parts, or, when
  no part above zero is visible, its total. A zero is never hidden to protect another cell: hiding a
  true zero protects nothing (the pair still sums to the small count).
- Equations can combine (a row and a column, a district through its division and Punjab), so after the
  per-equation rule an exact linear check (`recoverable`, the auditor) looks for any hidden cell whose value
  follows from the published figures; while one does, one more cell is hidden beside it.
- A true zero is published: nobody is identified by nobody, and statistics offices publish zeros. The
  auditor treats published zeros as known figures, so a zero beside a hidden cell is part of the check.
- Every hidden cell carries the same marker, whether it was hidden for being small or to protect a small
  one: two markers would tell a reader which hidden cells are below 5.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

THRESHOLD = 5

Key = Hashable


@dataclass(frozen=True)
class Equation:
    """`total` is the sum of `parts`."""

    total: Key
    parts: tuple[Key, ...]

    def cells(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


def equation(total: Key, parts: Iterable[Key]) -> Equation:
    return Equation(total, tuple(parts))


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    return 0 < count < threshold


def check_consistent(cells: Mapping[Key, int], equations: Iterable[Equation]) -> None:
    """A table whose totals do not add up would make the check below meaningless: refuse it."""
    for eq in equations:
        missing = [k for k in eq.cells() if k not in cells]
        if missing:
            raise ValueError(f"equation names cells the table lacks: {missing!r}")
        if cells[eq.total] != sum(cells[k] for k in eq.parts):
            raise ValueError(f"{eq.total!r} is not the sum of its parts")


def _order(key: Key) -> str:
    return repr(key)  # deterministic choice between equal counts, whatever the key's type


def _complement(cells: Mapping[Key, int], eq: Equation, hidden: set[Key]) -> Key | None:
    """The cell to hide beside the equation's lone hidden one: its smallest visible part above zero, else
    its total (when visible and above zero)."""
    parts = [k for k in eq.parts if k not in hidden and cells[k] > 0]
    if parts:
        return min(parts, key=lambda k: (cells[k], _order(k)))
    if eq.total not in hidden and cells[eq.total] > 0:
        return eq.total
    return None


def _close_equations(cells: Mapping[Key, int], equations: list[Equation], hidden: set[Key]) -> None:
    changed = True
    while changed:
        changed = False
        for eq in equations:
            if sum(1 for k in eq.cells() if k in hidden) == 1:
                extra = _complement(cells, eq, hidden)
                if extra is not None:
                    hidden.add(extra)
                    changed = True


def suppress(cells: Mapping[Key, int], equations: Iterable[Equation], threshold: int = THRESHOLD) -> set[Key]:
    """The keys to hide: primary (1 to threshold-1) and complementary, so that `recoverable` finds nothing."""
    equations = list(equations)
    check_consistent(cells, equations)
    hidden = {k for k, n in cells.items() if is_small(n, threshold)}
    while True:
        _close_equations(cells, equations, hidden)
        leaks = recoverable(publish(cells, hidden), equations)
        leaked = [k for k in leaks if k in hidden and cells[k] > 0]
        if not leaked:
            return hidden
        # Hide one more cell beside the first leaked one: in an equation of it, the smallest visible count.
        target = min(leaked, key=_order)
        candidates = [k for eq in equations if target in eq.cells() for k in eq.cells()
                      if k not in hidden and cells[k] > 0]
        if not candidates:  # then any visible count above zero in an equation with a hidden cell
            candidates = [k for eq in equations if hidden.intersection(eq.cells()) for k in eq.cells()
                          if k not in hidden and cells[k] > 0]
        if not candidates:  # nothing above zero is visible: a determined hidden cell would be zero, never hidden
            raise RuntimeError(f"cannot protect {target!r}")
        hidden.add(min(candidates, key=lambda k: (cells[k], _order(k))))


def publish(cells: Mapping[Key, int], hidden: Iterable[Key]) -> dict[Key, int | None]:
    """The table as published: None where hidden."""
    hidden = set(hidden)
    return {k: (None if k in hidden else n) for k, n in cells.items()}


def recoverable(published: Mapping[Key, int | None], equations: Iterable[Equation]) -> dict[Key, Fraction]:
    """The auditor: every hidden cell whose value a reader can work out from the published figures by adding
    and subtracting the equations (rows, columns, the hierarchy, in any combination), with that value.

    Exact linear algebra over the hidden cells: a hidden cell is determined exactly when, after Gauss-Jordan
    elimination of the equations restricted to the hidden cells, its pivot row has no other unknown left.
    That covers the simple "total minus the other parts" and every chain of such subtractions."""
    unknowns = sorted((k for k, v in published.items() if v is None), key=_order)
    if not unknowns:
        return {}
    column = {k: i for i, k in enumerate(unknowns)}
    rhs = len(unknowns)  # the key of each row's known side
    rows: list[dict[int, Fraction]] = []
    for eq in equations:
        row: dict[int, Fraction] = {}
        known = 0
        for sign, key in ((1, eq.total), *((-1, p) for p in eq.parts)):
            value = published[key]
            if value is None:
                row[column[key]] = row.get(column[key], 0) + sign
            else:
                known += sign * value
        row = {c: Fraction(v) for c, v in row.items() if v}
        if row:
            row[rhs] = Fraction(-known)  # Σ sign·unknown = −Σ sign·known
            rows.append(row)
    found = {}
    for row_index, col in _gauss_jordan(rows, rhs):
        if all(k in (col, rhs) for k in rows[row_index]):
            found[unknowns[col]] = rows[row_index].get(rhs, Fraction(0))
    return found


def _gauss_jordan(rows: list[dict[int, Fraction]], width: int) -> list[tuple[int, int]]:
    """Reduce the sparse `rows` (column -> coefficient, `width` the known side) in place to reduced row
    echelon form; the (row, column) of each pivot. Sparse: each equation names a handful of cells."""
    pivots, r = [], 0
    for c in range(width):
        pivot = next((i for i in range(r, len(rows)) if rows[i].get(c)), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][c]
        if lead != 1:
            rows[r] = {k: v / lead for k, v in rows[r].items()}
        pivot_row = rows[r]
        for i, row in enumerate(rows):
            factor = row.get(c) if i != r else None
            if factor:
                for k, v in pivot_row.items():
                    value = row.get(k, 0) - factor * v
                    if value:
                        row[k] = value
                    else:
                        row.pop(k, None)
        pivots.append((r, c))
        r += 1
        if r == len(rows):
            break
    return pivots


# --- the shapes the statistics page publishes ------------------------------------------------------------


def hierarchy_equations(children: Mapping[Key, Iterable[Key]], columns: Iterable[Key]) -> list[Equation]:
    """For each column, each parent row is the sum of its child rows: cells keyed (row, column)."""
    columns = list(columns)
    return [equation((parent, col), [(child, col) for child in kids])
            for parent, kids in children.items() for kids in [list(kids)] if kids for col in columns]


def row_total_equations(rows: Iterable[Key], parts: Iterable[Key], total: Key) -> list[Equation]:
    """For each row, the `total` column is the sum of the `parts` columns."""
    parts = list(parts)
    return [equation((row, total), [(row, col) for col in parts]) for row in rows]
