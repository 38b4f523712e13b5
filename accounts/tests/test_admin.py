"""The Django admin: system admins manage accounts; the access log is read-only; nobody reads TOTP secrets."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Notification, Role, StoredSession, User, UserSession
from accounts.services import SELF_CHANGE_REFUSED, backup_codes_regenerate
from accounts.sessions import SessionStore
from audit.models import AccessEvent, Operation

from .factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin():
    return UserFactory(role=Role.SYSADMIN, forces=[])


def _signed_in_for_real(client, user) -> str:
    """Sign ``user`` in through the password and code pages; returns the session key the browser holds."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDeviceFactory(user=user)
    client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    client.post(reverse("accounts:mfa_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/").status_code == 200
    return client.cookies["sessionid"].value


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


def test_deactivating_in_the_admin_ends_the_users_sessions(client_for, sysadmin, django_capture_on_commit_callbacks):
    officer = UserFactory()
    key = _signed_in_for_real(Client(), officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sysadmin).post(
            reverse("admin:accounts_user_changelist"),
            {"action": "deactivate", "_selected_action": [officer.pk]},
        )

    assert response.status_code == 302
    assert not User.objects.get(pk=officer.pk).is_active
    assert not SessionStore().exists(key)
    assert AccessEvent.objects.filter(actor=sysadmin, object_type="user", object_id=str(officer.pk)).exists()


def test_createsuperuser_makes_a_system_admin_without_the_superuser_flag():
    user = User.objects.create_superuser("first.admin", "first.admin@example.police.uk", "a-long-enough-password")

    assert user.role == Role.SYSADMIN
    assert not user.is_superuser
    assert user.has_perm("accounts.change_user")


# ------------------------------------------------------------------------------
# No secrets in the admin
# ------------------------------------------------------------------------------
def test_the_sessions_page_shows_no_session_key_nor_anything_to_replay(client_for, sysadmin):
    officer = UserFactory()
    key = _signed_in_for_real(Client(), officer)
    row = UserSession.objects.get(user=officer)
    admin = client_for(sysadmin)

    pages = [
        admin.get(reverse("admin:accounts_usersession_changelist")),
        admin.get(reverse("admin:accounts_usersession_change", args=[row.pk])),
    ]

    assert all(page.status_code == 200 for page in pages)
    assert all(key not in page.content.decode() and row.key_hash not in page.content.decode() for page in pages)


def test_the_database_keeps_no_session_key_that_could_be_replayed(client_for):
    officer = UserFactory()
    key = _signed_in_for_real(Client(), officer)
    stored = [row.session_key for row in StoredSession.objects.all()] + list(
        UserSession.objects.values_list("key_hash", flat=True)
    )

    assert key not in stored
    for value in stored:
        replay = Client()
        replay.cookies["sessionid"] = value
        assert replay.get("/")["Location"].startswith(reverse("accounts:login"))


def test_no_admin_page_sets_another_users_password(client_for, sysadmin):
    officer = UserFactory()
    admin = client_for(sysadmin)

    change_page = admin.get(reverse("admin:accounts_user_change", args=[officer.pk])).content.decode()
    admin.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {"password1": "chosen-by-admin-1", "password2": "chosen-by-admin-1"},
    )
    admin.post(reverse("admin:accounts_user_change", args=[officer.pk]), {**_form_of(officer), "password": "x"})

    officer.refresh_from_db()
    assert "password/" not in change_page
    assert officer.check_password(TEST_PASSWORD)


def test_a_new_account_has_no_password_until_its_user_chooses_one(
    client_for, sysadmin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sysadmin).post(
            reverse("admin:accounts_user_add"),
            {
                "username": "new.analyst",
                "email": "new.analyst@example.police.uk",
                "role": Role.ANALYST,
                "password1": "chosen-by-admin-1",
                "password2": "chosen-by-admin-1",
            },
        )

    user = User.objects.get(username="new.analyst")
    assert response.status_code == 302
    assert not user.has_usable_password()
    assert [message.to for message in mail.outbox] == [["new.analyst@example.police.uk"]]
    assert "chosen-by-admin-1" not in mail.outbox[0].body


def test_the_emailed_link_lets_the_user_choose_a_password_once(client, sysadmin, django_capture_on_commit_callbacks):
    from accounts.services import user_create

    with django_capture_on_commit_callbacks(execute=True):
        user, _ = user_create(
            by=sysadmin, username="new.admin", email="new.admin@example.police.uk", role=Role.SYSADMIN
        )
    link = _link_in(mail.outbox[-1].body)

    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-own-password", "new_password2": "a-long-own-password"},
    )

    user.refresh_from_db()
    assert done["Location"] == reverse("accounts:login")
    assert user.check_password("a-long-own-password")
    assert "has been used already" in client.get(link, follow=True).content.decode()
    assert AccessEvent.objects.filter(actor=user, object_type="user", changed_fields=["password"]).exists()


def test_no_admin_page_makes_mfa_devices_or_backup_codes_for_another_user(client_for, sysadmin):
    officer = UserFactory()
    admin = client_for(sysadmin)

    totp_add = admin.post("/admin/otp_totp/totpdevice/add/", {"user": officer.pk, "name": "x", "key": "00" * 20})
    static_add = admin.post("/admin/otp_static/staticdevice/add/", {"user": officer.pk, "name": "x"})

    assert totp_add.status_code == 403
    assert static_add.status_code in {302, 404}  # not registered: the admin's catch-all
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()


def test_the_device_admin_shows_no_secret_and_changes_nothing(client_for, sysadmin):
    device = TOTPDeviceFactory()
    admin = client_for(sysadmin)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])

    page = admin.get(url).content.decode()
    edit = admin.post(
        url, {"user": sysadmin.pk, "name": "taken", "tolerance": 50, "drift": 3, "throttling_failure_count": 0}
    )

    device.refresh_from_db()
    assert device.key not in page
    assert "throttling" not in page.lower()
    assert "drift" not in page.lower()
    assert edit.status_code == 403
    assert (device.user_id, device.name, device.tolerance, device.drift) != (sysadmin.pk, "taken", 50, 3)
    assert f"{device.pk}/config/" not in page


def test_resetting_a_device_makes_the_user_enrol_again_and_is_logged(
    client_for, sysadmin, django_capture_on_commit_callbacks
):
    device = TOTPDeviceFactory()
    backup_codes_regenerate(user=device.user)
    key = _signed_in_for_real(Client(), device.user)

    with django_capture_on_commit_callbacks(execute=True):
        client_for(sysadmin).post(
            reverse("admin:otp_totp_totpdevice_changelist"), {"action": "reset_device", "_selected_action": [device.pk]}
        )

    assert not TOTPDevice.objects.filter(user=device.user).exists()
    assert not StaticToken.objects.filter(device__user=device.user).exists()
    assert not SessionStore().exists(key)
    event = AccessEvent.objects.get(actor=sysadmin, object_type="user", object_id=str(device.user.pk))
    assert (event.operation, event.changed_fields) == (Operation.ALTERATION, ["mfa_devices"])
    assert Notification.objects.filter(recipient=device.user, title__contains="reset").exists()
    relogin = Client()
    relogin.post(reverse("accounts:login"), {"username": device.user.username, "password": TEST_PASSWORD})
    assert relogin.get("/")["Location"] == reverse("accounts:mfa_enrol")


def test_a_sign_in_reset_makes_the_user_choose_a_new_password_and_enrol(
    client_for, sysadmin, django_capture_on_commit_callbacks
):
    device = TOTPDeviceFactory()
    officer = device.user

    with django_capture_on_commit_callbacks(execute=True):
        client_for(sysadmin).post(
            reverse("admin:accounts_user_changelist"), {"action": "reset_sign_in", "_selected_action": [officer.pk]}
        )

    officer.refresh_from_db()
    assert not officer.has_usable_password()
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert mail.outbox[-1].to == [officer.email]
    assert AccessEvent.objects.filter(
        actor=sysadmin, object_id=str(officer.pk), changed_fields=["mfa_devices", "password"]
    ).exists()
    assert Notification.objects.filter(recipient=officer, title__contains="reset").exists()


def test_a_system_admin_cannot_reset_their_own_sign_in(client_for, sysadmin):
    TOTPDeviceFactory(user=sysadmin)

    response = client_for(sysadmin).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_sign_in", "_selected_action": [sysadmin.pk]},
        follow=True,
    )

    assert SELF_CHANGE_REFUSED in response.content.decode()
    assert TOTPDevice.objects.filter(user=sysadmin).exists()


def _form_of(user) -> dict:
    """The admin change form's data for ``user`` as it is."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "home_force": user.home_force_id or "",
        "forces": list(user.forces.values_list("pk", flat=True)),
        **({"is_active": "on"} if user.is_active else {}),
    }


def _link_in(body: str) -> str:
    from urllib.parse import urlsplit

    url = next(line for line in body.splitlines() if "/accounts/password/" in line)
    return urlsplit(url).path


@pytest.mark.parametrize(
    "url", ["/admin/accounts/user/?password__startswith=a", "/admin/otp_totp/totpdevice/?key__startswith=a"]
)
def test_no_list_can_be_filtered_by_a_password_hash_or_a_secret(client_for, sysadmin, url):
    TOTPDeviceFactory()

    response = client_for(sysadmin).get(url)

    assert response.status_code == 400
