"""Sessions end after 30 minutes idle or 12 hours in all; logout and deactivation end them server-side."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Role, UserSession
from accounts.sessions import SessionStore
from audit.models import AccessEvent, Operation

from .factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _signed_in(client):
    from django_otp.oath import totp

    device = TOTPDeviceFactory()
    client.post(reverse("accounts:login"), {"username": device.user.username, "password": TEST_PASSWORD})
    client.post(reverse("accounts:mfa_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/").status_code == 200
    return device.user


def _age_session(client, *, started=None, seen=None):
    session = client.session
    now = timezone.now()
    if started is not None:
        session["session_started_at"] = (now - started).timestamp()
    if seen is not None:
        session["session_seen_at"] = (now - seen).timestamp()
    session.save()


def test_a_session_idle_for_more_than_30_minutes_ends(client):
    _signed_in(client)
    _age_session(client, seen=timedelta(minutes=31))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/")["Location"].startswith(reverse("accounts:login"))


def test_a_session_active_within_30_minutes_goes_on(client):
    _signed_in(client)
    _age_session(client, seen=timedelta(minutes=29))

    assert client.get("/").status_code == 200


def test_a_session_older_than_12_hours_ends_even_when_active(client):
    _signed_in(client)
    _age_session(client, started=timedelta(hours=12, minutes=1), seen=timedelta(minutes=1))

    response = client.get("/")

    assert response["Location"].startswith(reverse("accounts:login"))
    assert AccessEvent.objects.filter(operation=Operation.LOGOUT, justification="absolute timeout").exists()


def test_logout_deletes_the_session_on_the_server(client):
    user = _signed_in(client)
    key = client.session.session_key

    client.post(reverse("accounts:logout"))

    assert not SessionStore().exists(key)
    assert not UserSession.objects.filter(user=user).exists()
    assert AccessEvent.objects.filter(actor=user, operation=Operation.LOGOUT).exists()


def test_logout_needs_a_post(client):
    _signed_in(client)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get("/").status_code == 200


def test_deactivation_ends_every_session_of_the_user(client, django_capture_on_commit_callbacks):
    user = _signed_in(client)
    key = client.session.session_key
    admin = UserFactory(role=Role.SYSADMIN)

    with django_capture_on_commit_callbacks(execute=True):
        services.user_deactivate(user=user, by=admin, reason="Left the unit")

    assert not SessionStore().exists(key)
    assert client.get("/")["Location"].startswith(reverse("accounts:login"))
    assert AccessEvent.objects.filter(actor=admin, object_id=str(user.pk), changed_fields=["is_active"]).exists()


def test_deactivation_needs_a_reason():
    user = UserFactory()

    with pytest.raises(ValidationError):
        services.user_deactivate(user=user, by=UserFactory(role=Role.SYSADMIN), reason="  ")

    user.refresh_from_db()
    assert user.is_active
