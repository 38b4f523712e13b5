"""Demo data: interventions and disposals in every state on the demo cases, once, decided by the right people."""

import random

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Role
from followups.models import REOFFENDING_KINDS, FollowUp, FollowUpKind, FollowUpStatus
from interventions import demo
from interventions.models import (
    Disposal,
    DisposalStatus,
    DisposalStatusChange,
    Intervention,
    InterventionStatus,
    SupervisoryReview,
)
from subjects import demo as subjects_demo
from subjects.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_cases(monkeypatch):
    monkeypatch.setattr(subjects_demo, "SUBJECTS_PER_FORCE", 25)
    accounts_demo.seed(rng=random.Random(3), seed_value=3)
    subjects_demo.seed(rng=random.Random("3:subjects"))


def _snapshot():
    return (
        sorted(Disposal.objects.values_list("case_id", "status", "type__code")),
        sorted(Intervention.objects.values_list("case_id", "status")),
        DisposalStatusChange.objects.count(),
        SupervisoryReview.objects.count(),
    )


def test_the_demo_has_every_state_once_and_the_same_each_time(demo_cases):
    demo.seed(rng=random.Random("3:interventions"))
    first = _snapshot()

    demo.seed(rng=random.Random("3:interventions"))

    assert _snapshot() == first
    assert set(Disposal.objects.values_list("status", flat=True)) == set(DisposalStatus.values)
    assert set(Intervention.objects.values_list("status", flat=True)) == set(InterventionStatus.values)
    assert SupervisoryReview.objects.exists()


def test_closed_cases_have_an_approved_disposal_and_decisions_are_made_by_the_right_approver(demo_cases):
    demo.seed(rng=random.Random(5))

    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert closed.exists()
    assert not closed.exclude(disposals__status=DisposalStatus.APPROVED).exists()
    decided = Disposal.objects.filter(decided_by__isnull=False).select_related("type", "decided_by")
    assert decided.exists()
    for disposal in decided:
        assert disposal.decided_by_id != disposal.proposed_by_id
        if disposal.type.approver_role == Role.INSPECTOR:
            assert disposal.decided_by.role == Role.INSPECTOR
    for disposal in Disposal.objects.prefetch_related("status_changes"):
        assert list(disposal.status_changes.all())[-1].to_status == disposal.status


def test_the_demo_owes_follow_ups_as_the_rules_would_once_and_some_are_overdue(demo_cases):
    demo.seed(rng=random.Random("3:interventions"))
    made = sorted(FollowUp.objects.values_list("case_id", "kind", "due_date", "status"))

    demo.seed(rng=random.Random("3:interventions"))

    assert sorted(FollowUp.objects.values_list("case_id", "kind", "due_date", "status")) == made
    today = timezone.localdate()
    due = FollowUp.objects.filter(status=FollowUpStatus.DUE)
    assert due.filter(due_date__lt=today).exists()
    assert due.filter(due_date__gte=today).exists()
    case_kinds = {kind for kind in FollowUpKind.values if kind != FollowUpKind.AGREEMENT_EXPIRY}
    assert set(FollowUp.objects.values_list("kind", flat=True)) == case_kinds
    # Each active case owes its next supervisory review; closed and declined cases owe nothing but re-offending checks.
    active = Case.objects.filter(status=CaseStatus.ACTIVE)
    assert not active.exclude(followups__kind=FollowUpKind.SUPERVISORY_REVIEW, followups__status="due").exists()
    ended = due.filter(case__status__in=[CaseStatus.CLOSED, CaseStatus.DECLINED])
    assert set(ended.values_list("kind", flat=True)) <= set(REOFFENDING_KINDS)
    # A re-offending check long past was done, with a result; one to come is due, after the approval.
    for check in FollowUp.objects.filter(kind__in=REOFFENDING_KINDS).select_related("case"):
        approved = check.case.disposals.get(status=DisposalStatus.APPROVED)
        assert check.due_date > timezone.localdate(approved.decided_at)
        assert (check.status == FollowUpStatus.DONE) == bool(check.result)
