"""Demo follow-ups: what the rules would have owed on the demo cases had they been recorded through the app.

The demo cases are written straight to the database (backdated), so the
rules in ``interventions.followups`` never ran for them. This derives the same
follow-ups from the records: first contact by its due date (done when the case
records one), the next supervisory review of each active case, a review of
each running intervention, and the re-offending checks after each approved
disposal (those already past, done with a result). Dates near today are
chosen so that "My follow-ups" shows some overdue, some due soon.

Idempotent: a case that has follow-ups is left alone; rows are keyed by
(case, kind, due date) under the model's unique constraint.
"""

import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef
from django.utils import timezone

from subjects.models import Case, CaseStatus

from .followups import REOFFENDING_KIND_BY_MONTHS, reoffending_check_months, setting
from .models import Disposal, DisposalStatus, FollowUp, FollowUpKind, FollowUpStatus, InterventionStatus
from .models import ReoffendingResult as Result

RESULT_WEIGHTS = {
    Result.NO_FURTHER_CONCERN: 12,
    Result.NEW_INTELLIGENCE: 2,
    Result.REOFFENDED: 1,
    Result.NOT_CHECKED: 1,
}


def seed_followups(*, rng: random.Random, narrative_prefix: str) -> int:
    """Follow-ups for every demo case that has none; returns how many were made."""
    today = timezone.localdate()
    cases = (
        Case.objects.filter(narrative__startswith=narrative_prefix, assigned_officer__isnull=False)
        .exclude(Exists(FollowUp.objects.filter(case=OuterRef("pk"))))
        .prefetch_related("interventions")
        .order_by("pk")
    )
    approved = {
        d.case_id: d
        for d in Disposal.objects.filter(status=DisposalStatus.APPROVED, decided_at__isnull=False, case__in=cases)
    }
    rows = []
    for case in cases:
        rows += _for_case(rng, case, approved.get(case.pk), today)
    return len(FollowUp.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000))


def _for_case(rng: random.Random, case: Case, disposal: Disposal | None, today: date) -> list[FollowUp]:
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
        cycle = setting("SUPERVISORY_REVIEW_DAYS")
        review = case.next_review_date or _next_cycle(case.referral_date, cycle, rng, today)
        rows.append(FollowUp(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW, due_date=review, assignee_id=officer))
        for intervention in case.interventions.all():
            if intervention.status == InterventionStatus.ACTIVE and intervention.started_on:
                due = _next_cycle(intervention.started_on, setting("INTERVENTION_REVIEW_DAYS"), rng, today)
                rows.append(FollowUp(case=case, kind=FollowUpKind.INTERVENTION_REVIEW, due_date=due,
                                     assignee_id=officer))  # fmt: skip
    if disposal is not None:
        decided = timezone.localdate(disposal.decided_at)
        for months in reoffending_check_months():
            due = decided + relativedelta(months=months)
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
