"""In-app notifications: each user sees their own, and can mark them read."""

import pytest
from django.urls import reverse

from accounts.models import Notification
from accounts.selectors import notification_unread_count
from accounts.services import notification_send, notifications_mark_read

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_a_user_only_their_own_notifications(client_for, officer):
    notification_send(recipients=[officer], title="Disposal for WM-2026-00001/1 approved", url="/")
    notification_send(recipients=[UserFactory()], title="Someone else's note")

    html = client_for(officer).get(reverse("accounts:notifications")).content.decode()

    assert "WM-2026-00001/1" in html
    assert "Someone else" not in html


def test_sending_to_the_same_person_twice_in_one_call_notifies_once(officer):
    assert notification_send(recipients=[officer, officer], title="x") == 1


def test_marking_all_as_read(client_for, officer):
    notification_send(recipients=[officer], title="one")

    client_for(officer).post(reverse("accounts:notifications"))

    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_costs_the_same_queries_for_5_and_50(client_for, officer, rows, django_assert_num_queries):
    notification_send(recipients=[officer], title="x")
    Notification.objects.bulk_create([Notification(recipient=officer, title=f"n{i}") for i in range(rows)])
    client = client_for(officer)
    client.get("/")

    # session, user, OTP device, count for the paginator, the page
    with django_assert_num_queries(5):
        assert client.get(reverse("accounts:notifications")).status_code == 200


def test_the_bell_counts_once_then_answers_from_the_cache(officer, django_assert_num_queries):
    notification_send(recipients=[officer], title="one")
    assert notification_unread_count(officer) == 1

    with django_assert_num_queries(0):
        assert notification_unread_count(officer) == 1


def test_the_bell_is_never_behind_a_new_notification(officer, django_capture_on_commit_callbacks):
    assert notification_unread_count(officer) == 0

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[UserFactory(), officer], title="one")

    assert notification_unread_count(officer) == 1


def test_the_bell_is_never_behind_marking_read(officer, django_capture_on_commit_callbacks):
    notification_send(recipients=[officer], title="one")
    assert notification_unread_count(officer) == 1

    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_read(user=officer)

    assert notification_unread_count(officer) == 0


@pytest.mark.parametrize(
    ("backend", "seconds"),
    [("django.core.cache.backends.locmem.LocMemCache", 30), ("django.core.cache.backends.redis.RedisCache", 300)],
)
def test_a_count_is_kept_briefly_where_other_processes_cannot_make_it_stale(settings, backend, seconds):
    from accounts.selectors import _unread_count_seconds

    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/9"}}

    assert _unread_count_seconds() == seconds
