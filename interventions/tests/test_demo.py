"""Demo data: interventions and disposals in every state on the demo cases, once, decided by the right people."""

import random

import pytest

from accounts import demo as accounts_demo
from accounts.models import Role
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
