from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Force, Role
from accounts.tests.factories import UserFactory
from audit.models import Operation

from .factories import AccessEventFactory

pytestmark = pytest.mark.django_db

URL = reverse("audit:event_list")


@pytest.fixture
def sergeant_client(client_for, force_a, force_b):
    """A sergeant who may see WM and ST."""
    return client_for(UserFactory(username="sarge", role=Role.SERGEANT, home_force=force_a, forces=[force_a, force_b]))


def _usernames(response) -> set[str]:
    return {event.actor_username for event in response.context["page"]}


def test_it_sends_an_anonymous_user_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_forbids_an_officer(officer_client):
    assert officer_client.get(URL).status_code == 403


def test_a_sergeant_sees_events_of_their_forces_only(sergeant_client, force_a):
    AccessEventFactory(actor_username="wm-record", force="WM")
    AccessEventFactory(actor_username="st-record", force="ST")
    AccessEventFactory(actor_username="wr-record", force="WR")
    teammate = UserFactory(username="teammate", home_force=force_a)
    outsider = UserFactory(username="outsider", home_force=Force.objects.get(code="WK"))
    AccessEventFactory(actor=teammate, actor_username="teammate", force="", operation=Operation.LOGIN)
    AccessEventFactory(actor=outsider, actor_username="outsider", force="", operation=Operation.LOGIN)

    response = sergeant_client.get(URL)

    assert response.status_code == 200
    assert _usernames(response) == {"wm-record", "st-record", "teammate"}
    assert b"wr-record" not in response.content


def test_a_system_admin_sees_every_force(client_for):
    AccessEventFactory(actor_username="wm-record", force="WM")
    AccessEventFactory(actor_username="wr-record", force="WR")
    client = client_for(UserFactory(role=Role.SYSADMIN, forces=[]))

    assert _usernames(client.get(URL)) == {"wm-record", "wr-record"}


def test_it_filters_by_operation_actor_and_dates(sergeant_client):
    AccessEventFactory(actor_username="dc-smith", operation=Operation.DISCLOSURE)
    AccessEventFactory(actor_username="dc-smith", operation=Operation.CONSULTATION)
    AccessEventFactory(actor_username="dc-jones", operation=Operation.DISCLOSURE)
    today = timezone.localdate()

    by_operation_and_actor = sergeant_client.get(URL, {"operation": "disclosure", "actor": "SMITH"})
    today_only = sergeant_client.get(URL, {"date_from": today, "date_to": today})
    before_today = sergeant_client.get(URL, {"date_to": today - timedelta(days=1)})

    assert [event.operation for event in by_operation_and_actor.context["page"]] == ["disclosure"]
    assert _usernames(by_operation_and_actor) == {"dc-smith"}
    assert len(today_only.context["page"]) == 3
    assert len(before_today.context["page"]) == 0


def test_it_explains_a_bad_filter_and_keeps_the_others(sergeant_client):
    AccessEventFactory(actor_username="dc-smith")
    AccessEventFactory(actor_username="dc-jones")

    response = sergeant_client.get(URL, {"actor": "smith", "date_from": "not a date"})

    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]
    assert b"not a date" in response.content
    assert _usernames(response) == {"dc-smith"}


def test_it_shows_fifty_events_a_page(sergeant_client):
    AccessEventFactory.create_batch(60)

    first = sergeant_client.get(URL)
    second = sergeant_client.get(URL, {"page": 2})

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 10
    assert b"Page 2 of 2" in second.content


@pytest.mark.parametrize("events", [5, 50])
def test_its_query_count_does_not_grow_with_events(sergeant_client, events, django_assert_num_queries):
    AccessEventFactory.create_batch(events)
    sergeant_client.get(URL)  # the first request after sign-in starts the session clocks (a session write)

    # 1 session, 2 user, 3 OTP device, 4 the viewer's forces, 5 count, 6 the page of events
    with django_assert_num_queries(6):
        sergeant_client.get(URL)


def test_it_refuses_an_end_date_before_the_start_date(sergeant_client):
    today = timezone.localdate()

    response = sergeant_client.get(URL, {"date_from": today, "date_to": today - timedelta(days=1)})

    assert response.context["form"].errors["date_to"] == ["The end date must not be before the start date."]
    assert b"is-invalid" in response.content
