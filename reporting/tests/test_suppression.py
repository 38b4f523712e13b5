"""Small-number suppression: what is hidden, and that no hidden cell can be worked out from what is published."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.suppression import Equation, hidden_cells, suppress

THRESHOLD = 5
TOTAL = "T"


def table_equations(values: list[list[int]]) -> tuple[dict, list[Equation]]:
    """A table with row totals, column totals and a grand total, as keys and equations."""
    n_rows, n_cols = len(values), len(values[0])
    cells = {(r, c): values[r][c] for r in range(n_rows) for c in range(n_cols)}
    for r in range(n_rows):
        cells[(r, TOTAL)] = sum(values[r])
    for c in range(n_cols):
        cells[(TOTAL, c)] = sum(values[r][c] for r in range(n_rows))
    cells[(TOTAL, TOTAL)] = sum(map(sum, values))
    rows = [*range(n_rows), TOTAL]
    cols = [*range(n_cols), TOTAL]
    equations = [Equation(tuple((r, c) for c in range(n_cols)), (r, TOTAL)) for r in rows]
    equations += [Equation(tuple((r, c) for r in range(n_rows)), (TOTAL, c)) for c in cols]
    return cells, equations


def other_solution_exists(cells, equations, hidden, key) -> bool:
    """Is there a non-negative integer filling of the hidden cells, consistent with every
    published figure, in which ``key`` takes another value? (Exhaustive search, small tables.)"""
    unknowns = sorted(hidden, key=str)
    bound = max(cells.values())
    for guess in itertools.product(range(bound + 1), repeat=len(unknowns)) if len(unknowns) <= 5 else []:
        filled = {**cells, **dict(zip(unknowns, guess, strict=True))}
        if filled[key] != cells[key] and all(
            sum(filled[m] for m in eq.members) == filled[eq.total] for eq in equations
        ):
            return True
    if len(unknowns) > 5:
        return _search(cells, equations, unknowns, key)
    return False


def _search(cells, equations, unknowns, key) -> bool:
    """Depth-first search with the equations pruning partial fillings (for tables with many hidden cells)."""
    bound = max(cells.values())

    def consistent(filled):
        for eq in equations:
            terms = [*eq.members, eq.total]
            if all(t in filled for t in terms) and sum(filled[m] for m in eq.members) != filled[eq.total]:
                return False
        return True

    def walk(index, filled):
        if index == len(unknowns):
            return filled[key] != cells[key]
        for value in range(bound + 1):
            filled[unknowns[index]] = value
            if consistent(filled) and walk(index + 1, filled):
                return True
        del filled[unknowns[index]]
        return False

    published = {k: v for k, v in cells.items() if k not in unknowns}
    return walk(0, dict(published))


small_tables = st.integers(2, 3).flatmap(
    lambda n_rows: st.integers(2, 3).flatmap(
        lambda n_cols: st.lists(
            st.lists(st.integers(0, 9), min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows
        )
    )
)


@given(small_tables)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_published_total_leaves_exactly_one_hidden_cell(values):
    cells, equations = table_equations(values)
    hidden = hidden_cells(cells, equations, THRESHOLD)

    assert all(sum(term in hidden for term in eq.terms) != 1 for eq in equations)
    assert all(key in hidden for key, value in cells.items() if 0 < value < THRESHOLD)


@given(
    st.integers(2, 3).flatmap(
        lambda n: st.lists(st.lists(st.integers(0, 7), min_size=2, max_size=2), min_size=n, max_size=n)
    )
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_hidden_cell_can_be_recovered_from_the_published_figures(values):
    cells, equations = table_equations(values)
    hidden = hidden_cells(cells, equations, THRESHOLD)

    for key in hidden:
        assert other_solution_exists(cells, equations, hidden, key), f"{key} is recoverable in {values}"


def test_zero_is_shown_and_one_to_four_are_hidden():
    cells, equations = table_equations([[0, 12], [7, 9]])
    assert hidden_cells(cells, equations, THRESHOLD) == set()

    cells, equations = table_equations([[4, 12], [7, 9]])
    hidden = hidden_cells(cells, equations, THRESHOLD)
    assert (0, 0) in hidden
    assert len(hidden) >= 4


def rows(scope, measure, cells):
    return [
        {
            "period": "2026/27 Q1",
            "scope": scope,
            "measure": measure,
            "measure_label": measure,
            "breakdown": b,
            "value": v,
            "row": "",
            "col": "",
        }
        for b, v in cells
    ]


def test_a_return_hides_a_small_count_and_the_next_smallest_so_the_total_tells_nothing():
    table = rows("WM", "referrals_by_source", [("School", 3), ("Self", 8), ("Other", 6), ("Total", 17)])

    shown = {r["breakdown"]: r["value"] for r in suppress(table, limit=5)}

    assert shown == {"School": None, "Self": 8, "Other": None, "Total": 17}


def test_counts_that_identify_nobody_are_never_suppressed():
    table = rows("WM", "events_by_type", [("Presentation", 1), ("Total", 1)])

    assert [r["value"] for r in suppress(table, limit=5)] == [1, 1]


@pytest.mark.parametrize("limit", [3, 10])
def test_the_threshold_is_configurable(limit):
    table = rows("WM", "referrals_by_source", [("School", 4), ("Self", 40), ("Total", 44)])

    hidden = [r["breakdown"] for r in suppress(table, limit=limit) if r["suppressed"]]

    assert hidden == ([] if limit == 3 else ["School", "Self"])


def test_a_force_cell_cannot_be_worked_out_from_the_region_and_the_other_forces():
    table = []
    for scope, school in [("WM", 2), ("ST", 9), ("region", 11)]:
        table += rows(scope, "referrals_by_source", [("School", school), ("Self", 10), ("Total", school + 10)])

    hidden = {(r["scope"], r["breakdown"]) for r in suppress(table, limit=5) if r["suppressed"]}

    assert ("WM", "School") in hidden
    assert ("ST", "School") in hidden or ("region", "School") in hidden
