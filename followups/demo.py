"""Demo follow-ups: what the rules would have owed on the demo cases had they been recorded through the app.

The demo cases are written straight to the database (backdated), so the
rules in ``followups.services`` never ran for them. This derives the same
follow-ups from the records: first contact by its due date (done when the case
records one), the next supervisory review of each active case, a review of
each running intervention, and the re-offending checks after each approved
disposal (those already past, done with a result). What interventions recorded
on a case comes in as a ``CaseWork`` from ``interventions.demo``, the caller.
Dates near today are chosen so that "My follow-ups" shows some overdue, some
due soon.

Idempotent: a case that has follow-ups is left alone; rows are keyed by
(case, kind, due date) under the model's unique constraint.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from subjects.models import Case, CaseStatus

from .models import FollowUp, FollowUpKind, FollowUpStatus
from .models import ReoffendingResult as Result
from .services import REOFFENDING_KIND_BY_MONTHS, reoffending_check_months

RESULT_WEIGHTS = {
    Result.NO_FURTHER_CONCERN: 12,
    Result.NEW_INTELLIGENCE: 2,
    Result.REOFFENDED: 1,
    Result.NOT_CHECKED: 1,
}


@dataclass(frozen=True)
class CaseWork:
    """What the apps above recorded on a case that owes follow-ups."""

    # The day its disposal was approved, if it was.
    decided_on: date | None = None
    # The start days of its running interventions, newest first.
    interventions_started: tuple[date, ...] = ()


NO_WORK = CaseWork()


def seed_followups(*, rng: random.Random, narrative_prefix: str, work: dict[int, CaseWork]) -> int:
    """Follow-ups for every demo case that has none (``work``: by case id); returns how many were made."""
    today = timezone.localdate()
    cases = (
        Case.objects.filter(narrative__startswith=narrative_prefix, assigned_officer__isnull=False)
        .exclude(Exists(FollowUp.objects.filter(case=OuterRef("pk"))))
        .order_by("pk")
    )
    rows = []
    for case in cases:
        rows += _for_case(rng, case, work.get(case.pk, NO_WORK), today)
    return len(FollowUp.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000))


def _for_case(rng: random.Random, case: Case, work: CaseWork, today: date) -> list[FollowUp]:
    officer = case.assigned_officer_id
    rows = []
    if case.first_contact_due:
        if case.first_contact_at:
            status = FollowUpStatus.DONE
        elif case.status in (CaseStatus.CLOSED, CaseStatus.DECLINED):
            status = FollowUpStatus.CANCELLED
        else:
            status = FollowUpStatus.DUE
        rows.append(FollowUp(case=case, kind=FollowUpKind.FIRST_CONTACT, due_date=case.first_contact_due,
                             assignee_id=officer, status=status, completed_at=case.first_contact_at,
                             completed_by_id=officer if case.first_contact_at else None))  # fmt: skip
    if case.status == CaseStatus.ACTIVE:
        cycle = settings.SUPERVISORY_REVIEW_DAYS
        review = case.next_review_date or _next_cycle(case.referral_date, cycle, rng, today)
        rows.append(FollowUp(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW, due_date=review, assignee_id=officer))
        for started in work.interventions_started:
            due = _next_cycle(started, settings.INTERVENTION_REVIEW_DAYS, rng, today)
            rows.append(FollowUp(case=case, kind=FollowUpKind.INTERVENTION_REVIEW, due_date=due, assignee_id=officer))
    if work.decided_on is not None:
        for months in reoffending_check_months():
            due = work.decided_on + relativedelta(months=months)
            row = FollowUp(case=case, kind=REOFFENDING_KIND_BY_MONTHS[months], due_date=due, assignee_id=officer)
            if due < today - timedelta(days=14):  # long past: checked, with a result
                row.status = FollowUpStatus.DONE
                row.result = rng.choices(list(RESULT_WEIGHTS), weights=list(RESULT_WEIGHTS.values()))[0]
                row.notes = "Synthetic: PNC and intelligence checked."
                checked = timezone.make_aware(datetime.combine(due + timedelta(days=rng.randint(0, 7)), time(10)))
                row.completed_at, row.completed_by_id = checked, officer
            rows.append(row)
    return rows


def _next_cycle(start: date, days: int, rng: random.Random, today: date) -> date:
    """The first ``start + k * days`` on or after a day in the fortnight before today: recently due or coming up."""
    floor = today - timedelta(days=rng.randint(0, 14))
    due = start + timedelta(days=days)
    while due < floor:
        due += timedelta(days=days)
    return due
