"""Actual against target per force and quarter, computed from the records (never stored).

Events, attendees and sign-ups come from delivered outreach events dated in
the quarter (local dates). Referrals received and interventions completed
belong to other apps: until they register a counter in ``EXTRA_ACTUALS`` those
measures read "not yet measured". Each counter costs one grouped query,
however many forces or rows there are.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Sum

from accounts.models import Force

from .models import EventStatus, Measure, OutreachEvent, Target, TargetScope
from .quarters import FinancialQuarter

# measure → callable(force_ids, quarter) -> {force_id: actual}. Other apps add
# theirs (referrals received, interventions completed) when they exist.
EXTRA_ACTUALS: dict[str, Callable[[list[int], FinancialQuarter], dict[int, int]]] = {}
EVENT_MEASURES = (Measure.EVENTS, Measure.ATTENDEES, Measure.SIGN_UPS)


@dataclass(frozen=True)
class ProgressRow:
    measure: str
    scope: str
    target: int | None
    actual: int | None  # None: the product does not measure this yet

    @property
    def measured(self) -> bool:
        return self.actual is not None

    @property
    def label(self) -> str:
        return f"{Measure(self.measure).label} ({TargetScope(self.scope).label.lower()})"

    @property
    def measure_label(self) -> str:
        return Measure(self.measure).label

    @property
    def scope_label(self) -> str:
        return TargetScope(self.scope).label

    @property
    def percent(self) -> int | None:
        if self.actual is None or not self.target:
            return None
        return round(self.actual * 100 / self.target)


def progress_for_force(*, force: Force, quarter: FinancialQuarter) -> list[ProgressRow]:
    """Every measure and scope for one force and quarter (two queries)."""
    return progress_for_forces(force_ids=[force.pk], quarter=quarter)[force.pk]


def progress_for_forces(*, force_ids: Iterable[int], quarter: FinancialQuarter) -> dict[int, list[ProgressRow]]:
    """The same for several forces at once, still two queries (plus one per extra counter)."""
    force_ids = list(force_ids)
    actuals = _actuals(force_ids, quarter)
    targets = _targets(force_ids, quarter)
    return {
        force_id: [
            ProgressRow(
                measure=measure,
                scope=scope,
                target=targets.get((force_id, measure, scope)),
                actual=actuals.get(measure, {}).get(force_id, 0) if measure in actuals else None,
            )
            for measure in Measure.values
            for scope in TargetScope.values
        ]
        for force_id in force_ids
    }


def event_actuals(force_ids: list[int], quarter: FinancialQuarter) -> dict[str, dict[int, int]]:
    """Delivered events, attendees and sign-ups per force in ``quarter``: one grouped query."""
    rows = (
        OutreachEvent.objects.filter(
            force_id__in=force_ids, status=EventStatus.DELIVERED, date__gte=quarter.start, date__lte=quarter.end
        )
        .order_by()
        .values("force_id")
        .annotate(events=Count("id"), attendees=Sum("attendees"), sign_ups=Sum("sign_ups"))
    )
    found: dict[str, dict[int, int]] = {measure: {} for measure in EVENT_MEASURES}
    for row in rows:
        for measure in EVENT_MEASURES:
            found[measure][row["force_id"]] = row[measure] or 0
    return found


def _actuals(force_ids: list[int], quarter: FinancialQuarter) -> dict[str, dict[int, int]]:
    actuals = event_actuals(force_ids, quarter)
    for measure, counter in EXTRA_ACTUALS.items():
        actuals[measure] = counter(force_ids, quarter)
    return actuals


def _targets(force_ids: list[int], quarter: FinancialQuarter) -> dict[tuple[int, str, str], int]:
    rows = Target.objects.filter(
        force_id__in=force_ids, financial_year=quarter.year, quarter=quarter.quarter
    ).values_list("force_id", "measure", "scope", "value")
    return {(force_id, measure, scope): value for force_id, measure, scope, value in rows}
