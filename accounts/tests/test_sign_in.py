"""Signing in: password, then a mandatory second factor, with lockout and clear errors."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, UserSession, session_key_hash
from accounts.services import backup_codes_regenerate
from audit.models import AccessEvent, Operation

from .factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _password_step(client, user, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password})


def test_a_correct_password_leads_an_enrolled_user_to_the_code_step(client):
    user = TOTPDeviceFactory().user

    response = _password_step(client, user)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_verify")


def test_a_correct_password_leads_a_new_user_to_enrolment(client):
    user = UserFactory()

    response = _password_step(client, user)

    assert response["Location"] == reverse("accounts:mfa_enrol")


def test_a_wrong_password_gives_a_clear_message_and_is_logged(client):
    user = UserFactory()

    response = _password_step(client, user, password="not-the-password")

    assert response.status_code == 200
    assert "The username or password is not right" in response.content.decode()
    assert AccessEvent.objects.filter(operation=Operation.LOGIN_FAILED, object_id=user.username).exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"username": ""}, {"username": "x" * 5000, "password": "y" * 5000}, {"username": "\x00", "password": "\x00"}],
)
def test_bad_input_on_the_login_form_never_gives_a_server_error(client, data):
    response = client.post(reverse("accounts:login"), data)

    assert response.status_code in {200, 429}


def test_a_signed_in_but_unverified_user_is_sent_to_the_code_step_everywhere(client):
    user = TOTPDeviceFactory(user=UserFactory(role=Role.SYSADMIN)).user
    _password_step(client, user)

    for path in ["/", reverse("accounts:profile"), "/admin/", "/admin/accounts/user/", reverse("audit:event_list")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("accounts:mfa_verify"), path


def test_login_mfa_healthz_and_static_files_need_no_second_factor(client):
    user = TOTPDeviceFactory().user
    _password_step(client, user)

    assert client.get(reverse("accounts:mfa_verify")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


def test_the_right_code_completes_sign_in_and_is_logged(client):
    device = TOTPDeviceFactory()
    _password_step(client, device.user)

    response = client.post(reverse("accounts:mfa_verify"), {"token": _code_for(device)})

    assert response["Location"] == reverse("dashboard")
    assert client.get("/").status_code == 200
    assert AccessEvent.objects.filter(actor=device.user, operation=Operation.LOGIN).exists()


def test_signing_in_returns_to_the_page_first_asked_for(client):
    device = TOTPDeviceFactory()
    client.post(
        reverse("accounts:login"),
        {"username": device.user.username, "password": TEST_PASSWORD, "next": reverse("accounts:profile")},
    )

    response = client.post(reverse("accounts:mfa_verify"), {"token": _code_for(device)})

    assert response["Location"] == reverse("accounts:profile")


def test_signing_in_never_returns_to_another_site(client):
    device = TOTPDeviceFactory()
    client.post(
        reverse("accounts:login"),
        {"username": device.user.username, "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )

    response = client.post(reverse("accounts:mfa_verify"), {"token": _code_for(device)})

    assert response["Location"] == reverse("dashboard")


@pytest.mark.parametrize("token", ["000000", "abc", "", "1" * 20, "<script>", "12 34 56"])
def test_a_wrong_or_malformed_code_gives_a_clear_message_and_no_access(client, token):
    device = TOTPDeviceFactory()
    _password_step(client, device.user)

    response = client.post(reverse("accounts:mfa_verify"), {"token": token})

    assert response.status_code == 200
    assert 'class="alert alert-danger error-summary"' in response.content.decode()
    assert client.get("/")["Location"] == reverse("accounts:mfa_verify")


def test_a_backup_code_works_once(client):
    device = TOTPDeviceFactory()
    code = backup_codes_regenerate(user=device.user)[0]
    _password_step(client, device.user)
    assert client.post(reverse("accounts:mfa_verify"), {"token": code})["Location"] == reverse("dashboard")
    client.post(reverse("accounts:logout"))

    _password_step(client, device.user)
    response = client.post(reverse("accounts:mfa_verify"), {"token": code})

    assert response.status_code == 200
    assert "has been used already" in response.content.decode()


def test_the_session_key_changes_when_the_second_factor_is_proven(client):
    device = TOTPDeviceFactory()
    _password_step(client, device.user)
    before = client.session.session_key

    client.post(reverse("accounts:mfa_verify"), {"token": _code_for(device)})

    assert client.session.session_key != before
    assert list(UserSession.objects.filter(user=device.user).values_list("key_hash", flat=True)) == [
        session_key_hash(client.session.session_key)
    ]


def test_the_django_admin_has_no_sign_in_of_its_own(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


class TestLockout:
    def _fail(self, client, username, times, ip="10.0.0.1"):
        for _ in range(times):
            response = client.post(
                reverse("accounts:login"), {"username": username, "password": "wrong-password"}, REMOTE_ADDR=ip
            )
        return response

    def test_repeated_failures_lock_that_username_from_that_address(self, client, settings):
        user = UserFactory()

        response = self._fail(client, user.username, settings.AXES_FAILURE_LIMIT)

        assert response.status_code == 429
        assert "Too many failed attempts" in response.content.decode()
        locked = client.post(
            reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1"
        )
        assert locked.status_code == 429

    def test_a_lockout_from_one_address_does_not_lock_the_officer_out_elsewhere(self, client, settings):
        user = UserFactory()
        self._fail(client, user.username, settings.AXES_FAILURE_LIMIT, ip="10.9.9.9")

        response = client.post(
            reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.2"
        )

        assert response.status_code == 302

    def test_failures_against_one_username_do_not_lock_another_from_the_same_address(self, client, settings):
        victim = UserFactory()
        self._fail(client, "someone-else", settings.AXES_FAILURE_LIMIT)

        response = client.post(
            reverse("accounts:login"), {"username": victim.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1"
        )

        assert response.status_code == 302


def test_an_empty_code_form_says_what_is_missing(client):
    device = TOTPDeviceFactory()
    _password_step(client, device.user)

    response = client.post(reverse("accounts:mfa_verify"), {})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
