"""Targets against actuals, from outreach's own progress computation."""

from outreach.progress import progress_for_forces

from ..figures import Cell, Kind, Scope, measure


@measure(
    "targets",
    "Targets against actuals",
    "Targets",
    """Each national and local target set for the quarter, with the actual from
    the records (as the outreach progress page counts it) and the percentage
    achieved. The regional figure adds up the forces' targets and actuals.
    Measures the product does not count yet, and measures without a target,
    are left out.""",
    kind=Kind.SET,
)
def targets(scope: Scope) -> list[Cell]:
    progress = progress_for_forces(force_ids=scope.force_ids, quarter=scope.quarter)
    summed: dict[str, list[int]] = {}
    for rows in progress.values():
        for row in rows:
            if row.target is None or row.actual is None:
                continue
            entry = summed.setdefault(row.label, [0, 0])
            entry[0] += row.target
            entry[1] += row.actual
    cells = []
    for label, (target, actual) in summed.items():
        cells += [
            Cell(f"{label}: target", target),
            Cell(f"{label}: actual", actual),
            Cell(f"{label}: percent of target", round(actual * 100 / target, 1) if target else None),
        ]
    return cells
