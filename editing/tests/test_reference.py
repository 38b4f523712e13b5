"""Reference data a form offers: the active entries, and a retired one only where it is already chosen."""

import pytest

from subjects.models import VulnerabilityFlag
from subjects.tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def current():
    return VulnerabilityFlag.objects.create(code="editing-current", label="Current flag")


@pytest.fixture
def retired():
    return VulnerabilityFlag.objects.create(code="editing-retired", label="Retired flag", active=False)


def test_it_offers_active_entries_only_when_nothing_is_chosen(current, retired):
    offered = set(VulnerabilityFlag.objects.offered())

    assert current in offered
    assert retired not in offered
    assert offered == set(VulnerabilityFlag.objects.filter(active=True))
    assert set(VulnerabilityFlag.objects.offered(None)) == offered


def test_it_keeps_a_retired_entry_that_is_already_chosen(current, retired):
    assert retired in set(VulnerabilityFlag.objects.offered(retired))


def test_it_keeps_retired_entries_chosen_through_a_many_to_many(current, retired):
    subject = SubjectFactory()
    subject.vulnerability_flags.set([retired])

    offered = list(VulnerabilityFlag.objects.offered(subject.vulnerability_flags.all()))

    assert retired in offered
    assert current in offered
    assert len(offered) == len(set(offered))
