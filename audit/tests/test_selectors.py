from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import Operation
from audit.selectors import last_alteration

from .factories import AccessEventFactory

pytestmark = pytest.mark.django_db


def _at(mocker, moment):
    mocker.patch("django.utils.timezone.now", return_value=moment)


def test_it_finds_the_latest_alteration_of_the_record(mocker):
    now = timezone.now()
    _at(mocker, now - timedelta(hours=1))
    AccessEventFactory(operation=Operation.ALTERATION, object_type="subject", object_id="42")
    _at(mocker, now)
    latest = AccessEventFactory(operation=Operation.ALTERATION, object_type="subject", object_id="42")
    _at(mocker, now + timedelta(minutes=1))
    AccessEventFactory(operation=Operation.CONSULTATION, object_type="subject", object_id="42")
    AccessEventFactory(operation=Operation.ALTERATION, object_type="subject", object_id="43")
    AccessEventFactory(operation=Operation.ALTERATION, object_type="case", object_id="42")

    assert last_alteration(object_type="subject", object_id=42) == latest


def test_of_two_alterations_at_the_same_moment_the_later_row_wins(mocker):
    _at(mocker, timezone.now())
    AccessEventFactory(operation=Operation.ALTERATION, object_type="subject", object_id="7")
    second = AccessEventFactory(operation=Operation.ALTERATION, object_type="subject", object_id="7")

    assert last_alteration(object_type="subject", object_id="7") == second


def test_it_is_none_for_a_record_never_altered():
    AccessEventFactory(operation=Operation.CONSULTATION, object_type="subject", object_id="42")

    assert last_alteration(object_type="subject", object_id=42) is None


def test_it_reads_the_actor_in_the_same_query(django_assert_num_queries):
    olive = UserFactory(username="olive")
    AccessEventFactory(actor=olive, operation=Operation.ALTERATION, object_type="subject", object_id="42")

    # 1 the event joined to its actor
    with django_assert_num_queries(1):
        assert last_alteration(object_type="subject", object_id=42).actor.username == "olive"
