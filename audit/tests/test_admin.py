import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory

from .factories import AccessEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin_client(client_for):
    # The admin's own permission checks pass for a superuser; which permissions
    # a real system admin holds is the accounts app's business.
    return client_for(UserFactory(role=Role.SYSADMIN, forces=[], is_staff=True, is_superuser=True))


def test_a_system_admin_can_read_and_search_the_log(sysadmin_client):
    AccessEventFactory(actor_username="dc-smith")

    response = sysadmin_client.get(reverse("admin:audit_accessevent_changelist"), {"q": "smith"})

    assert response.status_code == 200
    assert b"dc-smith" in response.content


def test_the_admin_shows_an_event_without_a_save_button(sysadmin_client):
    event = AccessEventFactory()

    response = sysadmin_client.get(reverse("admin:audit_accessevent_change", args=[event.pk]))

    assert response.status_code == 200
    assert b'name="_save"' not in response.content


@pytest.mark.parametrize("view", ["add", "delete"])
def test_the_admin_cannot_add_or_delete_events(sysadmin_client, view):
    args = [] if view == "add" else [AccessEventFactory().pk]

    assert sysadmin_client.get(reverse(f"admin:audit_accessevent_{view}", args=args)).status_code == 403
