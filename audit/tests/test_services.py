import pytest
from django.core.cache import cache
from django.test import RequestFactory

from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from audit.services import access_event_record

pytestmark = pytest.mark.django_db


def test_it_records_field_names_the_actor_and_the_request():
    officer = UserFactory(username="olive")
    request = RequestFactory().get("/subjects/42/", REMOTE_ADDR="192.0.2.7")
    request.user = officer
    request.request_id = "req-0123456789"

    event = access_event_record(
        request=request,
        operation=Operation.ALTERATION,
        object_type="subject",
        object_id=42,
        force="WM",
        changed_fields=["surname", "date_of_birth", "surname"],
    )

    event.refresh_from_db()
    assert event.changed_fields == ["date_of_birth", "surname"]
    assert (event.actor, event.actor_username, event.role) == (officer, "olive", "officer")
    assert (event.object_type, event.object_id, event.force) == ("subject", "42", "WM")
    assert event.request_id == "req-0123456789"
    assert event.ip_address == "192.0.2.7"


def test_it_seals_the_event_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = access_event_record(actor=UserFactory(), operation=Operation.CONSULTATION)
        assert AccessEvent.objects.get(pk=event.pk).hash == ""

    assert AccessEvent.objects.get(pk=event.pk).seq == 1


def test_without_a_broker_every_event_schedules_a_seal(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    olive = UserFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        access_event_record(actor=olive, operation=Operation.CONSULTATION)
        access_event_record(actor=olive, operation=Operation.CONSULTATION)

    assert len(callbacks) == 2


def test_with_a_broker_a_burst_of_events_schedules_one_seal(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.clear()
    olive = UserFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        access_event_record(actor=olive, operation=Operation.CONSULTATION)
        access_event_record(actor=olive, operation=Operation.CONSULTATION)

    assert len(callbacks) == 1
