"""Background work: enqueued only after commit, and a broker outage never fails the request."""

import os

import pytest
from django.db import transaction
from kombu.exceptions import EncodeError, OperationalError

from audit.tasks import seal_access_events
from config.celery_app import app, enqueue_on_commit

pytestmark = pytest.mark.django_db


def test_a_task_is_sent_only_after_the_transaction_commits(mocker, django_capture_on_commit_callbacks):
    send = mocker.patch.object(seal_access_events, "apply_async")

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(seal_access_events)
        assert not send.called

    send.assert_called_once_with(args=())


def test_a_rolled_back_transaction_sends_nothing(mocker, django_capture_on_commit_callbacks):
    send = mocker.patch.object(seal_access_events, "apply_async")

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                enqueue_on_commit(seal_access_events)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    assert not send.called


def test_a_broker_outage_is_logged_and_the_request_still_succeeds(
    mocker, officer_client, django_capture_on_commit_callbacks, caplog
):
    mocker.patch.object(seal_access_events, "apply_async", side_effect=OperationalError("broker down"))

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "could not enqueue audit.tasks.seal_access_events" in caplog.text


@pytest.mark.parametrize(
    "outage",
    [OperationalError("broker down"), ConnectionRefusedError(111, "refused"), TimeoutError("timed out")],
    ids=["kombu", "refused", "timeout"],
)
def test_a_broker_error_is_logged_and_swallowed(mocker, django_capture_on_commit_callbacks, caplog, outage):
    mocker.patch.object(seal_access_events, "apply_async", side_effect=outage)

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(seal_access_events)

    assert "could not enqueue audit.tasks.seal_access_events" in caplog.text


def test_calling_a_task_with_the_wrong_arguments_propagates(django_capture_on_commit_callbacks, caplog):
    # Celery checks the arguments against the task's signature before sending, even when running in-process.
    with pytest.raises(TypeError), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(seal_access_events, 42)

    assert "could not enqueue" not in caplog.text


def test_an_argument_that_cannot_be_serialised_propagates(mocker, django_capture_on_commit_callbacks, caplog):
    # A kombu error that is not about the broker: the caller passed an object instead of an id.
    mocker.patch.object(seal_access_events, "apply_async", side_effect=EncodeError("Object of type User"))

    with pytest.raises(EncodeError), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(seal_access_events)

    assert "could not enqueue" not in caplog.text


@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="no CELERY_BROKER_URL: the real-broker check runs in CI"
)
def test_the_configured_broker_answers(settings):
    with app.connection_for_write(os.environ["CELERY_BROKER_URL"]) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        assert conn.connected
