import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from audit.services import access_event_record, consultation_record, disclosure_record

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


def _request_by(user, path="/cases/9/"):
    request = RequestFactory().get(path, REMOTE_ADDR="192.0.2.7")
    request.user = user
    request.request_id = "req-consult"
    return request


def test_a_consultation_is_logged_for_the_request_user_with_the_record_and_force():
    officer = UserFactory(username="olive")

    event = consultation_record(request=_request_by(officer), object_type="case", object_id=9, force="WM")

    event.refresh_from_db()
    assert (event.operation, event.actor, event.role) == (Operation.CONSULTATION, officer, "officer")
    assert (event.object_type, event.object_id, event.force) == ("case", "9", "WM")
    assert (event.request_id, event.ip_address) == ("req-consult", "192.0.2.7")
    assert (event.justification, event.recipient, event.changed_fields) == ("", "", [])


def test_a_consultation_without_a_request_names_the_actor_and_keeps_the_justification():
    officer = UserFactory(username="olive")

    event = consultation_record(
        actor=officer, object_type="subject", object_id=3, force="ST", justification="Merge preview: A into B"
    )

    assert (event.actor_username, event.justification, event.request_id) == ("olive", "Merge preview: A into B", "")


def test_a_consultation_by_nobody_is_refused_and_nothing_is_written():
    request = _request_by(AnonymousUser())

    with pytest.raises(ValueError, match="name the person"):
        consultation_record(request=request, object_type="case", object_id=9, force="WM")

    assert not AccessEvent.objects.exists()


def test_a_disclosure_records_the_recipient_and_what_was_handed_over():
    officer = UserFactory(username="olive")

    event = disclosure_record(
        request=_request_by(officer, "/partners/referrals/5/summary/"),
        object_type="intervention",
        object_id=5,
        force="WM",
        recipient="Youth Hub",
        justification="Referral summary for the pathway “Mentoring”.",
    )

    event.refresh_from_db()
    assert (event.operation, event.actor, event.recipient) == (Operation.DISCLOSURE, officer, "Youth Hub")
    assert (event.object_type, event.object_id, event.force) == ("intervention", "5", "WM")
    assert event.justification == "Referral summary for the pathway “Mentoring”."


def test_an_export_of_many_records_is_a_disclosure_without_an_object_id():
    event = disclosure_record(
        request=_request_by(UserFactory(), "/outreach/events/export/"),
        object_type="outreach_event_export",
        justification="CSV export of outreach events (3 rows); filters: none",
    )

    assert (event.object_type, event.object_id, event.force, event.recipient) == ("outreach_event_export", "", "", "")


def test_a_download_by_a_service_names_the_actor_as_recipient():
    analyst = UserFactory(username="ann", role=Role.ANALYST)

    event = disclosure_record(
        actor=analyst, object_type="quarterly_return", object_id=1, recipient=analyst.username, justification="x"
    )

    assert (event.actor, event.role, event.recipient) == (analyst, "analyst", "ann")


def test_a_disclosure_by_nobody_is_refused():
    with pytest.raises(ValueError, match="name the person"):
        disclosure_record(object_type="attachment", object_id=1, recipient="someone")
