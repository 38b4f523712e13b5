import pytest
from django.core.management import call_command

from subjects.models import Case, Engagement, Subject

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
