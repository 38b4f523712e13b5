"""Small-number suppression for returns shared outside policing.

Primary: a count from 1 to ``threshold - 1`` is hidden (0 is shown; it
identifies no one). Secondary: published totals must not give a hidden cell
away. Every published total is an equation ``sum(members) = total`` (a
table's rows, its columns, its margins, and, in the regional return, each
force's cell adding up to the region's). Until nothing changes:

1. an equation with exactly one hidden term reveals it: hide the smallest
   positive published member as well (or the total, if no member is left);
2. a hidden term that the equations still pin down together (it is a pivot of
   the reduced row-echelon form that stands alone) gets a neighbour hidden too.

Internal returns are never suppressed. Percentages and averages resting on a
hidden count are hidden with it, and so is a change against the previous
quarter when either quarter's count is hidden.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings

from .figures import CHANGE, MEASURES, TOTAL, Kind

DEFAULT_THRESHOLD = 5
SUPPRESSED = "[c]"  # the ONS marker: confidential


@dataclass(frozen=True)
class Equation:
    members: tuple[Hashable, ...]
    total: Hashable

    @property
    def terms(self) -> tuple[Hashable, ...]:
        return (*self.members, self.total)


def threshold() -> int:
    return int(getattr(settings, "RETURN_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def primary(values: dict[Hashable, int], limit: int) -> set[Hashable]:
    return {key for key, value in values.items() if isinstance(value, int) and 0 < value < limit}


def hidden_cells(values: dict[Hashable, int], equations: Iterable[Equation], limit: int) -> set[Hashable]:
    """Primary and secondary suppression over ``values``: the set of keys to hide."""
    equations = [eq for eq in equations if all(term in values for term in eq.terms)]
    hidden = primary(values, limit)
    while True:
        if _hide_lone_unknowns(values, equations, hidden):
            continue
        pinned = determined(equations, hidden)
        if not pinned:
            return hidden
        _hide_neighbour(values, equations, hidden, pinned)


def _hide_lone_unknowns(values, equations, hidden) -> bool:
    changed = False
    for eq in equations:
        if sum(term in hidden for term in eq.terms) == 1:
            hidden.add(_partner(values, eq, hidden))
            changed = True
    return changed


def _partner(values, eq: Equation, hidden) -> Hashable:
    published = [key for key in eq.members if key not in hidden]
    positive = sorted((values[key], str(key)) for key in published if values[key] > 0)
    if positive:
        return next(key for key in published if str(key) == positive[0][1])
    # Hiding a published 0 would add an unknown the equations pin to 0: hide the total instead.
    return eq.total if eq.total not in hidden else published[0]


def _hide_neighbour(values, equations, hidden, pinned: set) -> None:
    key = sorted(pinned, key=str)[0]
    for eq in equations:
        if key in eq.terms:
            candidates = [term for term in eq.terms if term not in hidden]
            if candidates:
                hidden.add(min(candidates, key=lambda term: (values[term] == 0, values[term], str(term))))
                return
    raise AssertionError("a pinned cell always shares an equation with a published one")


def determined(equations: Iterable[Equation], hidden: set) -> set:
    """Hidden keys the published totals fix to a single value (linear algebra, exact fractions)."""
    columns = sorted(hidden, key=str)
    index = {key: i for i, key in enumerate(columns)}
    matrix = []
    for eq in equations:
        row = [Fraction(0)] * len(columns)
        for key in eq.members:
            if key in index:
                row[index[key]] += 1
        if eq.total in index:
            row[index[eq.total]] -= 1
        if any(row):
            matrix.append(row)
    return {columns[col] for col in _lone_pivots(matrix, len(columns))}


def _lone_pivots(matrix: list[list[Fraction]], width: int) -> list[int]:
    """Columns whose reduced row-echelon row is a unit vector: the unknowns the system fixes."""
    pivots = []
    rank = 0
    for col in range(width):
        found = next((r for r in range(rank, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            continue
        matrix[rank], matrix[found] = matrix[found], matrix[rank]
        lead = matrix[rank][col]
        matrix[rank] = [value / lead for value in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append((rank, col))
        rank += 1
    return [col for row, col in pivots if sum(1 for value in matrix[row] if value != 0) == 1]


# -- returns ------------------------------------------------------------------------
def _key(row: dict) -> tuple[str, str, str]:
    return (row["scope"], row["measure"], row["breakdown"])


def equations_of(rows: list[dict]) -> list[Equation]:
    """The totals a return publishes, as equations over its suppressible cells."""
    equations = []
    tables: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        measure = MEASURES.get(row["measure"])
        if measure and measure.suppressible:
            tables.setdefault((row["scope"], row["measure"]), []).append(row)
    for (_scope, code), table in tables.items():
        if MEASURES[code].two_way:
            equations += _two_way_equations(table)
        elif MEASURES[code].kind == Kind.COUNT:
            totals = [r for r in table if r["breakdown"] == TOTAL]
            members = tuple(_key(r) for r in table if r["breakdown"] != TOTAL)
            equations += [Equation(members, _key(total)) for total in totals]
    return equations + _regional_equations(rows, tables)


def _two_way_equations(table: list[dict]) -> list[Equation]:
    cells = {(r["row"], r["col"]): _key(r) for r in table}
    rows = {r for r, _ in cells}
    cols = {c for _, c in cells}
    found = [Equation(tuple(cells[(r, c)] for c in cols if c != TOTAL), cells[(r, TOTAL)]) for r in rows]
    found += [Equation(tuple(cells[(r, c)] for r in rows if r != TOTAL), cells[(TOTAL, c)]) for c in cols]
    return found


def _regional_equations(rows: list[dict], tables) -> list[Equation]:
    # The region's cell is the sum of the forces' cells: another published total.
    regional = [r for r in rows if r["scope"] == "region" and (r["scope"], r["measure"]) in tables]
    forces = {r["scope"] for r in rows if r["scope"] != "region"}
    if not regional or not forces:
        return []
    present = {_key(r) for r in rows}
    found = []
    for row in regional:
        if not isinstance(row["value"], int):
            continue
        members = tuple((force, row["measure"], row["breakdown"]) for force in sorted(forces))
        if all(member in present for member in members):
            found.append(Equation(members, _key(row)))
    return found


def suppress(rows: list[dict], *, limit: int | None = None) -> list[dict]:
    """A copy of a return's rows with small numbers (and what would reveal them) hidden."""
    from . import measures  # noqa: F401 - the registry says which measures count people

    limit = threshold() if limit is None else limit
    counted = {
        _key(r): r["value"]
        for r in rows
        if r["measure"] in MEASURES and MEASURES[r["measure"]].suppressible and isinstance(r["value"], int)
    }
    hidden = hidden_cells(counted, equations_of(rows), limit)
    hidden |= _derived_hidden(rows, hidden, limit)
    return [{**r, "value": None, "suppressed": True} if _key(r) in hidden else {**r, "suppressed": False} for r in rows]


def _derived_hidden(rows: list[dict], hidden: set, limit: int) -> set:
    """Percentages, averages and changes that would let a hidden count be worked out."""
    touched = {(scope, measure) for scope, measure, _ in hidden}
    derived = set()
    by_label = {(r["scope"], f"{r['measure_label']}: {r['breakdown']}"): r for r in rows if r["measure"] != CHANGE}
    for r in rows:
        measure = MEASURES.get(r["measure"])
        resting = measure and measure.suppressible and not isinstance(r["value"], int)
        if resting and (r["scope"], r["measure"]) in touched:
            derived.add(_key(r))
        if r["measure"] == CHANGE:
            current = by_label.get((r["scope"], r["breakdown"]))
            if current and MEASURES[current["measure"]].suppressible and _change_reveals(current, r, hidden, limit):
                derived.add(_key(r))
    return derived


def _change_reveals(current: dict, change: dict, hidden: set, limit: int) -> bool:
    if _key(current) in hidden or change["value"] is None:
        return True
    before = current["value"] - change["value"]
    return 0 < before < limit
