"""The Django admin: system admins manage accounts; the access log is read-only; nobody reads TOTP secrets."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AccessEvent

from .factories import TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin():
    return UserFactory(role=Role.SYSADMIN, forces=[])


def test_a_system_admin_manages_users(client_for, sysadmin):
    officer = UserFactory()
    client = client_for(sysadmin)

    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[officer.pk])).status_code == 200


def test_a_system_admin_reads_the_access_log_but_cannot_change_it(sysadmin):
    assert sysadmin.has_perm("audit.view_accessevent")
    assert not sysadmin.has_perm("audit.add_accessevent")
    assert not sysadmin.has_perm("audit.change_accessevent")
    assert not sysadmin.has_perm("audit.delete_accessevent")


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSADMIN])
def test_no_other_role_has_admin_permissions(role):
    user = UserFactory(role=role)

    assert not user.has_perm("accounts.change_user")
    assert not user.has_module_perms("accounts")


def test_nobody_can_read_another_users_totp_secret_in_the_admin(client_for, sysadmin):
    device = TOTPDeviceFactory()

    response = client_for(sysadmin).get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))

    assert response.status_code == 403
    assert device.key not in response.content.decode()


def test_deactivating_in_the_admin_ends_the_users_sessions(client_for, sysadmin, django_capture_on_commit_callbacks):
    officer = UserFactory()
    officer_client = client_for(officer)
    key = officer_client.session.session_key
    from accounts.models import UserSession

    UserSession.objects.create(user=officer, session_key=key)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sysadmin).post(
            reverse("admin:accounts_user_changelist"),
            {"action": "deactivate", "_selected_action": [officer.pk]},
        )

    assert response.status_code == 302
    assert not User.objects.get(pk=officer.pk).is_active
    assert not Session.objects.filter(session_key=key).exists()
    assert AccessEvent.objects.filter(actor=sysadmin, object_type="user", object_id=str(officer.pk)).exists()


def test_createsuperuser_makes_a_system_admin_without_the_superuser_flag():
    user = User.objects.create_superuser("first.admin", "first.admin@example.police.uk", "a-long-enough-password")

    assert user.role == Role.SYSADMIN
    assert not user.is_superuser
    assert user.has_perm("accounts.change_user")
