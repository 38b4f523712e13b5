"""The demo seeder: a year of realistic outreach, the same every time, and nothing new on a second run."""

import random

import pytest

from accounts import demo as accounts_demo
from outreach import demo
from outreach.models import Campaign, EventStatus, LessonLearnt, OutreachEvent, Target
from outreach.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    return sorted(
        OutreachEvent.objects.values_list(
            "force__code", "date", "event_type", "host_organisation", "status", "attendees", "sign_ups"
        )
    )


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (OutreachEvent, Campaign, Target, LessonLearnt))


def test_it_seeds_a_year_of_events_campaigns_targets_and_lessons():
    demo.seed(rng=random.Random(7))

    year = FinancialQuarter.current().year
    events = OutreachEvent.objects.all()
    assert 100 <= events.count() <= 120
    assert {e.quarter.year for e in events} == {year}
    assert all(e.presenters.exists() for e in events)
    assert all(e.products.exists() for e in events)
    assert all(e.status_changes.exists() for e in events)
    assert not events.filter(status=EventStatus.DELIVERED, date__gt=FinancialQuarter.current().end).exists()
    assert Target.objects.filter(financial_year=year).values("force", "quarter").distinct().count() == 4 * 4
    assert Campaign.objects.count() == 5
    assert LessonLearnt.objects.count() == 5


@pytest.fixture(autouse=True)
def demo_users(db):
    accounts_demo.seed(rng=random.Random(1), seed_value=1)


def test_a_second_run_creates_nothing_new():
    demo.seed(rng=random.Random(7))
    before = _counts()

    demo.seed(rng=random.Random(7))

    assert _counts() == before


def test_the_same_rng_gives_the_same_events():
    demo.seed(rng=random.Random(7))
    first = _snapshot()
    OutreachEvent.objects.all().delete()

    demo.seed(rng=random.Random(7))

    assert _snapshot() == first
