"""The registry of a return's measures, and the function that computes them all.

Each measure is a name, a definition (printed in the PDF's appendix) and a
function that counts by database aggregation for one scope: one force or the
region. A measure answers a list of ``Cell`` (breakdown, value); count tables
end with a ``Total`` cell, so small-number suppression knows what is published.
An *additive* measure counts records that each belong to one force: it answers
its cells for every force of the scope at once (``{force id: cells}``, one
query grouped by force), and a scope's cells are the sums of its forces'.
Measure modules register themselves on import (``reporting.measures``); the
partnership measures are one module more, loaded when the partners app is installed.
"""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, QuerySet

from accounts.models import Force
from outreach.quarters import FinancialQuarter

from .models import REGION

TOTAL = "Total"


class Kind:
    COUNT = "count"  # additive: cells add up to the total
    SET = "set"  # counts of overlapping groups (no total)
    PERCENT = "percent"
    AVERAGE = "average"
    CHANGE = "change"


@dataclass(frozen=True)
class Cell:
    breakdown: str
    value: float | int | None
    # For two-way tables: the row and column this cell sits in (TOTAL for margins).
    row: str = ""
    col: str = ""


@dataclass(frozen=True)
class Scope:
    quarter: FinancialQuarter
    code: str  # a force code, or "region"
    force_ids: tuple[int, ...]

    @property
    def start(self) -> datetime:
        return self.quarter.datetime_range()[0]

    @property
    def end(self) -> datetime:
        return self.quarter.datetime_range()[1]

    def shifted(self, quarter: FinancialQuarter) -> "Scope":
        return Scope(quarter=quarter, code=self.code, force_ids=self.force_ids)


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    section: str
    definition: str
    # ``compute(scope) -> list[Cell]``; for an additive measure ``-> {force id: list[Cell]}`` for every force of scope.
    compute: Callable[[Scope], list[Cell] | dict[int, list[Cell]]] = field(repr=False)
    kind: str = Kind.COUNT
    # People-counting measures are hidden below the threshold in external returns;
    # counts of events, partners or agreements identify nobody.
    suppressible: bool = False
    two_way: bool = False
    # Percentages and averages are hidden with the count they rest on.
    depends_on: str = ""
    # Every record counted belongs to exactly one force and every cell is a plain count, so the measure is
    # counted once grouped by force and the region's cells are the sums of its forces' (partners covering
    # several forces, rates and averages are not additive).
    additive: bool = False


MEASURES: dict[str, Measure] = {}
SECTIONS = ("Prevent", "Protect", "Partnerships", "Lessons learnt", "Targets")


def measure(code: str, label: str, section: str, definition: str, **options) -> Callable:
    """Decorator: register ``compute`` as a measure (what it answers: ``Measure.compute``)."""

    def register(compute: Callable[[Scope], list[Cell]]) -> Callable[[Scope], list[Cell]]:
        MEASURES[code] = Measure(code, label, section, " ".join(definition.split()), compute, **options)
        return compute

    return register


def scope_for(quarter: FinancialQuarter, code: str) -> Scope:
    """``code`` is a force code or ``"region"`` (every active force)."""
    forces = Force.objects.filter(active=True) if code == REGION else Force.objects.filter(code=code)
    ids = tuple(forces.order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise Force.DoesNotExist(f"No force with the code {code!r}.")
    return Scope(quarter=quarter, code=code, force_ids=ids)


def measures_in_order() -> list[Measure]:
    from . import measures  # noqa: F401 - registers every measure module

    return sorted(MEASURES.values(), key=lambda m: SECTIONS.index(m.section))


# -- helpers the measure modules share ---------------------------------------------
# Reference data read while one return is computed, by key; None outside ``figures_for_return``.
_reference: ContextVar[dict | None] = ContextVar("return_reference_data", default=None)


def reference(key: str, load: Callable[[], list]) -> list:
    """Reference data (labels of types, flags, products): read once per return, not once per scope and quarter."""
    cache = _reference.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def counts_by(queryset: QuerySet, field_name: str, labels: list[tuple[str, str]], *, total: bool = True) -> list[Cell]:
    """One grouped query: a cell per label (zeros included), plus a Total cell."""
    found = dict(queryset.order_by().values_list(field_name).annotate(n=Count("pk", distinct=True)))
    return labelled(found, labels, total=total)


def counts_by_force(
    queryset: QuerySet, scope: Scope, force_field: str, field_name: str, labels, *, total: bool = True
) -> dict[int, list[Cell]]:
    """``counts_by`` for every force of ``scope`` in one query grouped by force (``force_field``) and ``field_name``."""
    rows = queryset.order_by().values_list(force_field, field_name).annotate(n=Count("pk", distinct=True))
    return {force_id: labelled(found, labels, total=total) for force_id, found in by_force(rows, scope).items()}


def by_force(rows, scope: Scope) -> dict[int, dict]:
    """Rows of ``(force id, *key, value)`` as ``{force id: {key: value}}`` for every force of ``scope``, none missing.

    A one-part key is given bare (``{"school": 3}``); a longer one as a tuple (``{("14-17", "M"): 2}``).
    """
    found: dict[int, dict] = {force_id: {} for force_id in scope.force_ids}
    for force_id, *key, value in rows:
        found[force_id][key[0] if len(key) == 1 else tuple(key)] = value
    return found


def per_force(rows, scope: Scope) -> dict[int, int]:
    """Rows of ``(force id, value)`` as ``{force id: value}`` for every force of ``scope`` (0 where there is none)."""
    found = dict(rows)
    return {force_id: found.get(force_id) or 0 for force_id in scope.force_ids}


def labelled(found: dict, labels: list[tuple[str, str]], *, total: bool = True) -> list[Cell]:
    """A cell per label, in the labels' order (zero where nothing was found), then codes found that no label names."""
    known = {code for code, _ in labels}
    cells = [Cell(label, found.get(code, 0)) for code, label in labels]
    cells += [Cell(str(code), n) for code, n in found.items() if code not in known]
    if total:
        cells.append(Cell(TOTAL, sum(cell.value for cell in cells)))
    return cells


def two_way(rows: dict[tuple[str, str], int], row_labels: list[str], col_labels: list[str]) -> list[Cell]:
    """A table with row, column and grand totals, in reading order."""
    cells = []
    for row in [*row_labels, TOTAL]:
        for col in [*col_labels, TOTAL]:
            if row == TOTAL and col == TOTAL:
                value = sum(rows.values())
            elif row == TOTAL:
                value = sum(v for (_, c), v in rows.items() if c == col)
            elif col == TOTAL:
                value = sum(v for (r, _), v in rows.items() if r == row)
            else:
                value = rows.get((row, col), 0)
            cells.append(Cell(f"{row} / {col}", value, row=row, col=col))
    return cells


def percent(numerator: int, denominator: int) -> float | None:
    return round(numerator * 100 / denominator, 1) if denominator else None


# -- the whole return --------------------------------------------------------------
CHANGE = "change_on_previous_quarter"


@dataclass(frozen=True)
class ScopeFigures:
    """One scope's cells, measure by measure, for the quarter and the quarter before."""

    scope: Scope
    current: dict[str, list[Cell]]
    previous: dict[str, list[Cell]]

    def rows(self) -> list[dict]:
        """Every measure's rows, then the change of each headline against the previous quarter."""
        current = _rows(self.scope, self.current)
        before = _rows(self.scope, self.previous)
        previous = {(row["measure"], row["breakdown"]): row["value"] for row in before}
        changes = [
            _row(self.scope, CHANGE, f"{row['measure_label']}: {row['breakdown']}", _change(row, previous))
            for row in current
            if _is_headline(row)
        ]
        return current + changes


def figures_for_return(quarter: FinancialQuarter, code: str) -> list[dict]:
    """A force's figures, or for the region each force's and then the regional totals."""
    token = _reference.set({})
    try:
        if code == REGION:
            codes = list(Force.objects.filter(active=True).order_by("code").values_list("code", flat=True))
            scopes = [scope_for(quarter, each) for each in [*codes, REGION]]
        else:
            scopes = [scope_for(quarter, code)]
        current = scopes_cells(scopes)
        previous = scopes_cells([scope.shifted(quarter.previous()) for scope in scopes])
        figures = [ScopeFigures(scope, current[scope.code], previous[scope.code]) for scope in scopes]
        return [row for each in figures for row in each.rows()]
    finally:
        _reference.reset(token)


def scopes_cells(scopes: list[Scope]) -> dict[str, dict[str, list[Cell]]]:
    """Every measure's cells for each scope, by scope code and measure code.

    An additive measure is counted once, grouped by force, over the widest scope (the last: the region, or
    the one force); each scope's cells are the sums of its forces'. Any other measure is counted per scope.
    """
    widest = scopes[-1]
    cells: dict[str, dict[str, list[Cell]]] = {scope.code: {} for scope in scopes}
    for measure in measures_in_order():
        if measure.additive:
            forces = measure.compute(widest)
            for scope in scopes:
                cells[scope.code][measure.code] = _summed([forces[force_id] for force_id in scope.force_ids])
        else:
            for scope in scopes:
                cells[scope.code][measure.code] = measure.compute(scope)
    return cells


def _summed(cell_lists: list[list[Cell]]) -> list[Cell]:
    """Cell by cell (same breakdown, row and column), the sum of several scopes' cells, in order of first appearance."""
    totals: dict[tuple[str, str, str], int] = {}
    for cells in cell_lists:
        for cell in cells:
            key = (cell.breakdown, cell.row, cell.col)
            totals[key] = totals.get(key, 0) + cell.value
    summed = [Cell(breakdown, value, row=row, col=col) for (breakdown, row, col), value in totals.items()]
    # A code that only a later scope has would land after the first one's Total: the Total stays last.
    return [c for c in summed if c.breakdown != TOTAL] + [c for c in summed if c.breakdown == TOTAL]


def _rows(scope: Scope, cells: dict[str, list[Cell]]) -> list[dict]:
    return [
        _row(scope, code, cell.breakdown, cell.value, row=cell.row, col=cell.col)
        for code, measure_cells in cells.items()
        for cell in measure_cells
    ]


def _row(scope: Scope, code: str, breakdown: str, value, *, row: str = "", col: str = "") -> dict:
    return {
        "period": scope.quarter.label,
        "scope": scope.code,
        "measure": code,
        "measure_label": MEASURES[code].label if code in MEASURES else "Change against the previous quarter",
        "breakdown": breakdown,
        "value": value,
        "row": row,
        "col": col,
    }


def _is_headline(row: dict) -> bool:
    kind = MEASURES[row["measure"]].kind
    if kind == Kind.COUNT:
        return row["breakdown"] == TOTAL or (row["row"] == TOTAL and row["col"] == TOTAL)
    return kind == Kind.SET and isinstance(row["value"], int)


def _change(row: dict, previous: dict) -> int | None:
    before = previous.get((row["measure"], row["breakdown"]))
    if before is None or row["value"] is None:
        return None
    return row["value"] - before


def measure_definitions() -> list[Measure]:
    return measures_in_order()
