"""A researcher downloads the public tables: no count under 5 can be read, and none can be worked out by
subtracting published figures (row and column totals, districts within their division, divisions within
Punjab). The auditor that tries those subtractions is tested too: given a table that leaks, it finds the
leak and the right value."""
from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.disclosure import (THRESHOLD, equation, hierarchy_equations, publish, recoverable,
                                   row_total_equations, suppress)


def grid(rows: dict[str, list[int]], columns: list[str]):
    """A two-way table with a total column and a total row: the cells and the equations between them."""
    cells = {}
    for row, values in rows.items():
        for col, n in zip(columns, values):
            cells[(row, col)] = n
        cells[(row, "total")] = sum(values)
    for col in [*columns, "total"]:
        cells[("all", col)] = sum(cells[(row, col)] for row in rows)
    equations = row_total_equations([*rows, "all"], columns, "total") + hierarchy_equations(
        {"all": list(rows)}, [*columns, "total"])
    return cells, equations


def test_a_small_count_and_its_row_and_column_partners_are_hidden():
    cells, equations = grid({"a": [3, 20, 30], "b": [40, 50, 60]}, ["x", "y", "z"])
    hidden = suppress(cells, equations)
    assert ("a", "x") in hidden
    # one more in its row and one more in its column, so neither total gives it away
    assert len([k for k in hidden if k[0] == "a" and k[1] != "total"]) >= 2 or ("a", "total") in hidden
    assert len([k for k in hidden if k[1] == "x" and k[0] != "all"]) >= 2 or ("all", "x") in hidden
    assert recoverable(publish(cells, hidden), equations) == {}


def test_without_complementary_suppression_the_auditor_subtracts_the_hidden_count():
    cells, equations = grid({"a": [3, 20, 30], "b": [40, 50, 60]}, ["x", "y", "z"])
    found = recoverable(publish(cells, {("a", "x")}), equations)
    assert found == {("a", "x"): 3}


def test_the_auditor_combines_equations_a_single_subtraction_cannot_solve():
    # x+y = 10 and y+z = 12 and x+z = 8 each have two unknowns, yet together they give all three.
    published = {"t1": 10, "t2": 12, "t3": 8, "x": None, "y": None, "z": None}
    equations = [equation("t1", ["x", "y"]), equation("t2", ["y", "z"]), equation("t3", ["x", "z"])]
    assert recoverable(published, equations) == {"x": 3, "y": 7, "z": 5}


def test_a_district_hidden_in_its_division_is_not_given_away_by_the_division_total():
    cells = {"lahore": 3, "kasur": 40, "okara": 70, "division": 113, "multan": 200, "punjab": 313}
    equations = [equation("division", ["lahore", "kasur", "okara"]), equation("punjab", ["division", "multan"])]
    hidden = suppress(cells, equations)
    assert "lahore" in hidden and hidden & {"kasur", "okara", "division"}
    assert recoverable(publish(cells, hidden), equations) == {}


def test_the_only_district_of_a_division_hides_its_division_and_another_at_the_top():
    cells = {"lahore": 3, "division": 3, "multan": 200, "bahawalpur": 90, "punjab": 293}
    equations = [equation("division", ["lahore"]), equation("punjab", ["division", "multan", "bahawalpur"])]
    hidden = suppress(cells, equations)
    assert {"lahore", "division", "bahawalpur"} <= hidden  # the smaller partner at Punjab level
    assert recoverable(publish(cells, hidden), equations) == {}


def test_a_true_zero_is_published_and_never_used_as_the_partner():
    cells, equations = grid({"a": [3, 0, 30], "b": [40, 0, 60]}, ["x", "y", "z"])
    hidden = suppress(cells, equations)
    assert all(cells[k] > 0 for k in hidden)
    assert publish(cells, hidden)[("a", "y")] == 0
    assert recoverable(publish(cells, hidden), equations) == {}


def test_zeros_beside_a_small_count_hide_the_total_instead():
    # The row is 3, 0, 0: no partner above zero in the row, so the row's total goes.
    cells, equations = grid({"a": [3, 0, 0], "b": [40, 10, 60]}, ["x", "y", "z"])
    hidden = suppress(cells, equations)
    assert ("a", "x") in hidden and ("a", "total") in hidden
    assert recoverable(publish(cells, hidden), equations) == {}


def test_a_table_whose_totals_do_not_add_up_is_refused():
    import pytest

    with pytest.raises(ValueError):
        suppress({"t": 10, "a": 3, "b": 3}, [equation("t", ["a", "b"])])


def test_nothing_small_means_nothing_hidden():
    cells, equations = grid({"a": [5, 0, 30], "b": [40, 6, 60]}, ["x", "y", "z"])
    assert suppress(cells, equations) == set()


# --- properties ------------------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=14)  # plenty of small counts, and zeros


@st.composite
def hierarchical_tables(draw):
    """Punjab → divisions → districts as rows, a few columns and a total column: the shape of the page."""
    columns = [f"c{i}" for i in range(draw(st.integers(1, 4)))]
    divisions = {f"v{d}": [f"v{d}d{i}" for i in range(draw(st.integers(1, 4)))]
                 for d in range(draw(st.integers(1, 3)))}
    cells = {}
    for districts in divisions.values():
        for district in districts:
            for col in columns:
                cells[(district, col)] = draw(counts)
    districts = [d for ds in divisions.values() for d in ds]
    children = {**divisions, "punjab": list(divisions)}
    for division, kids in divisions.items():
        for col in columns:
            cells[(division, col)] = sum(cells[(k, col)] for k in kids)
    for col in columns:
        cells[("punjab", col)] = sum(cells[(d, col)] for d in divisions)
    with_total = draw(st.booleans())
    equations = hierarchy_equations(children, columns)
    if with_total:
        for row in [*districts, *divisions, "punjab"]:
            cells[(row, "total")] = sum(cells[(row, col)] for col in columns)
        equations += row_total_equations([*districts, *divisions, "punjab"], columns, "total")
        equations += hierarchy_equations(children, ["total"])
    return cells, equations


@settings(max_examples=300, deadline=None)
@given(hierarchical_tables())
def test_no_published_count_is_small_and_no_hidden_one_can_be_worked_out(table):
    cells, equations = table
    hidden = suppress(cells, equations)
    published = publish(cells, hidden)
    assert all(v is None or v == 0 or v >= THRESHOLD for v in published.values())
    assert recoverable(published, equations) == {}


@settings(max_examples=200, deadline=None)
@given(hierarchical_tables(), st.data())
def test_whatever_the_auditor_works_out_is_the_true_figure(table, data):
    cells, equations = table
    hidden = set(data.draw(st.sets(st.sampled_from(sorted(cells, key=repr)))))
    for key, value in recoverable(publish(cells, hidden), equations).items():
        assert key in hidden and value == Fraction(cells[key])


@settings(max_examples=200, deadline=None)
@given(hierarchical_tables())
def test_with_primary_suppression_alone_the_auditor_finds_every_lone_small_count(table):
    cells, equations = table
    primary = {k for k, n in cells.items() if 0 < n < THRESHOLD}
    found = recoverable(publish(cells, primary), equations)
    for eq in equations:
        lone = [k for k in eq.cells() if k in primary]
        if len(lone) == 1:
            assert found.get(lone[0]) == cells[lone[0]]
