"""Outreach tiles for the dashboard: this quarter's figures per force, against target."""

from dataclasses import dataclass

from accounts.models import Force, User
from accounts.selectors import force_list_accessible
from config.access_policy import rule_for

from .models import Measure, TargetScope
from .progress import EVENT_MEASURES, ProgressRow, progress_for_forces
from .quarters import FinancialQuarter


@dataclass(frozen=True)
class TileFigure:
    label: str
    actual: int
    target: int | None
    scope: str  # which target is shown: national when set, else local

    @property
    def percent(self) -> int | None:
        return round(self.actual * 100 / self.target) if self.target else None


@dataclass(frozen=True)
class ForceTile:
    force: Force
    quarter: FinancialQuarter
    figures: list[TileFigure]


def outreach_tiles(user: User) -> list[ForceTile]:
    """One tile per force the user may see, for the current quarter; none for roles without the progress view.

    Three queries whatever the number of forces: the forces, the event totals, the targets.
    """
    rule = rule_for("outreach:progress")
    if not user.is_authenticated or rule is None or not rule.allows_role(user.role):
        return []
    forces = list(force_list_accessible(user))
    quarter = FinancialQuarter.current()
    progress = progress_for_forces(force_ids=[force.pk for force in forces], quarter=quarter)
    return [ForceTile(force, quarter, _figures(progress[force.pk])) for force in forces]


def _figures(rows: list[ProgressRow]) -> list[TileFigure]:
    by_key = {(row.measure, row.scope): row for row in rows}
    figures = []
    for measure in EVENT_MEASURES:
        national, local = by_key[(measure, TargetScope.NATIONAL)], by_key[(measure, TargetScope.LOCAL)]
        shown = national if national.target is not None else local
        figures.append(TileFigure(Measure(measure).label, national.actual or 0, shown.target, shown.scope_label))
    return figures
