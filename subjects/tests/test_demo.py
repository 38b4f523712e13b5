from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from subjects.models import Case, CaseStatus, CaseStatusChange, Engagement, Subject

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(Subject.objects.values_list("reference", "first_name", "last_name", "date_of_birth")),
        Case.objects.count(),
        Engagement.objects.count(),
    )


def test_seed_demo_adds_synthetic_subjects_in_every_force_once_and_the_same_each_time():
    call_command("seed_demo", seed=11)
    first = _snapshot()

    call_command("seed_demo", seed=11)

    assert _snapshot() == first
    assert set(Subject.objects.values_list("force__code", flat=True)) == {"WM", "ST", "WR", "WK"}
    assert Subject.objects.count() >= 200
    assert set(Case.objects.values_list("status", flat=True)) == {"new", "triage", "active", "closed", "declined"}


def test_demo_case_histories_are_dated_from_the_referral_so_returns_count_them_in_their_quarter():
    call_command("seed_demo", seed=11)
    now = timezone.now()

    changes = list(CaseStatusChange.objects.select_related("case").order_by("case_id", "at", "pk"))
    for change in changes:
        assert change.case.referral_date <= timezone.localdate(change.at), change
        assert change.at <= now
    new_on_referral = [c for c in changes if c.to_status == CaseStatus.NEW]
    assert all(timezone.localdate(c.at) == c.case.referral_date for c in new_on_referral)
    # A year of referrals: most cases became active months ago, not on the day the demo was loaded.
    activated = [timezone.localdate(c.at) for c in changes if c.to_status == CaseStatus.ACTIVE]
    assert sum(day < timezone.localdate(now) - timedelta(days=90) for day in activated) > len(activated) / 2
    for case in Case.objects.filter(status=CaseStatus.CLOSED):
        assert case.closed_at == case.status_changes.order_by("-at").first().at
