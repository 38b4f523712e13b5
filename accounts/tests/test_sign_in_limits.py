"""Sign-in under attack: guessing spread over addresses is stopped, yet nobody can lock an officer out."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from accounts.models import Notification
from audit.models import AccessEvent, Operation

from .factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _password(client, username, password, ip):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _code(client, code, ip):
    return client.post(reverse("accounts:mfa_verify"), {"token": code}, REMOTE_ADDR=ip)


def _right_code(device) -> str:
    return f"{totp(device.bin_key):06d}"


def _wrong_code(device) -> str:
    return f"{(totp(device.bin_key) + 500_000) % 1_000_000:06d}"


def _signed_in_once(device, ip="10.1.1.1") -> Client:
    """The officer's own browser, after one full sign-in: a known device."""
    client = Client()
    _password(client, device.user.username, TEST_PASSWORD, ip)
    assert _code(client, _right_code(device), ip)["Location"] == reverse("dashboard")
    client.post(reverse("accounts:logout"))
    device.refresh_from_db()
    device.last_t = -1  # the same code may be used again in these tests
    device.save()
    return client


# ------------------------------------------------------------------------------
# Passwords
# ------------------------------------------------------------------------------
def test_eighty_guesses_from_twenty_addresses_are_stopped(settings):
    user = UserFactory()
    attacker = Client()

    answers = [_password(attacker, user.username, f"guess-{n}", f"203.0.113.{n % 20}").status_code for n in range(80)]

    assert answers.count(200) == settings.LOGIN_USERNAME_FAILURE_LIMIT
    assert set(answers[settings.LOGIN_USERNAME_FAILURE_LIMIT :]) == {429}
    # Even the right password is not checked from a new place now: the attacker learns nothing.
    assert _password(Client(), user.username, TEST_PASSWORD, "198.51.100.7").status_code == 429
    assert AccessEvent.objects.filter(
        operation=Operation.ACCESS_DENIED, object_type="password", object_id=user.username
    ).exists()


def test_the_officer_still_signs_in_from_their_own_browser_during_the_attack(settings):
    device = TOTPDeviceFactory()
    own = _signed_in_once(device)
    attacker = Client()
    for n in range(60):
        _password(attacker, device.user.username, f"guess-{n}", f"203.0.113.{n % 20}")

    response = _password(own, device.user.username, TEST_PASSWORD, "10.1.1.1")

    assert response["Location"] == reverse("accounts:mfa_verify")
    assert _code(own, _right_code(device), "10.1.1.1")["Location"] == reverse("dashboard")


def test_a_forged_or_borrowed_known_device_cookie_does_not_help(settings):
    victim = UserFactory()
    other = TOTPDeviceFactory()
    borrowed = _signed_in_once(other)
    forged = Client()
    forged.cookies[settings.KNOWN_DEVICE_COOKIE_NAME] = "forged"
    for n in range(settings.LOGIN_USERNAME_FAILURE_LIMIT):
        _password(Client(), victim.username, f"guess-{n}", f"203.0.113.{n % 20}")

    assert _password(borrowed, victim.username, TEST_PASSWORD, "10.1.1.1").status_code == 429
    assert _password(forged, victim.username, TEST_PASSWORD, "10.1.1.1").status_code == 429


def test_a_new_password_makes_older_known_device_cookies_worthless(settings):
    device = TOTPDeviceFactory()
    stolen = _signed_in_once(device)
    device.user.set_password("a-new-long-password")
    device.user.save()
    for n in range(settings.LOGIN_USERNAME_FAILURE_LIMIT):
        _password(Client(), device.user.username, f"guess-{n}", f"203.0.113.{n % 20}")

    assert _password(stolen, device.user.username, "a-new-long-password", "10.1.1.1").status_code == 429


def test_guessing_across_many_usernames_meets_the_global_limit(settings):
    settings.LOGIN_GLOBAL_FAILURE_LIMIT = 10
    device = TOTPDeviceFactory()
    own = _signed_in_once(device)
    for n in range(10):
        _password(Client(), f"someone{n}", "guess", f"203.0.113.{n}")

    assert _password(Client(), device.user.username, TEST_PASSWORD, "198.51.100.7").status_code == 429
    assert _password(own, device.user.username, TEST_PASSWORD, "10.1.1.1").status_code == 302


def test_the_pause_ends_with_its_window(settings, mocker):
    user = UserFactory()
    for n in range(settings.LOGIN_USERNAME_FAILURE_LIMIT):
        _password(Client(), user.username, f"guess-{n}", f"203.0.113.{n % 20}")
    assert _password(Client(), user.username, TEST_PASSWORD, "198.51.100.7").status_code == 429

    import time

    later = time.time() + settings.AXES_COOLOFF_TIME.total_seconds()
    mocker.patch("accounts.services.limits.time.time", return_value=later)

    assert _password(Client(), user.username, TEST_PASSWORD, "198.51.100.7").status_code == 302


# ------------------------------------------------------------------------------
# Codes
# ------------------------------------------------------------------------------
def test_someone_with_only_the_password_cannot_hold_the_users_code_step(settings):
    device = TOTPDeviceFactory()
    for _ in range(4):  # new sessions, each under the session's own limit
        attacker = Client()
        _password(attacker, device.user.username, TEST_PASSWORD, "203.0.113.9")
        for _ in range(settings.MFA_SESSION_FAILURE_LIMIT - 1):
            _code(attacker, _wrong_code(device), "203.0.113.9")
    assert _code(attacker, _right_code(device), "203.0.113.9").status_code == 429

    own = Client()
    _password(own, device.user.username, TEST_PASSWORD, "10.1.1.1")
    response = _code(own, _right_code(device), "10.1.1.1")

    assert response["Location"] == reverse("dashboard")
    assert Notification.objects.filter(recipient=device.user, title__contains="Wrong sign-in codes").exists()


def test_a_known_device_is_accepted_when_codes_are_paused_everywhere_else(settings):
    device = TOTPDeviceFactory()
    own = _signed_in_once(device)
    for n in range(settings.MFA_ACCOUNT_FAILURE_LIMIT // (settings.MFA_SESSION_FAILURE_LIMIT - 1) + 1):
        attacker = Client()
        _password(attacker, device.user.username, TEST_PASSWORD, f"203.0.113.{n}")
        for _ in range(settings.MFA_SESSION_FAILURE_LIMIT - 1):
            _code(attacker, _wrong_code(device), f"203.0.113.{n}")

    elsewhere = Client()
    _password(elsewhere, device.user.username, TEST_PASSWORD, "198.51.100.7")
    assert _code(elsewhere, _right_code(device), "198.51.100.7").status_code == 429
    _password(own, device.user.username, TEST_PASSWORD, "10.1.1.1")
    assert _code(own, _right_code(device), "10.1.1.1")["Location"] == reverse("dashboard")


def test_a_session_ends_after_too_many_wrong_codes(settings):
    device = TOTPDeviceFactory()
    client = Client()
    _password(client, device.user.username, TEST_PASSWORD, "203.0.113.9")

    answers = [_code(client, _wrong_code(device), "203.0.113.9") for _ in range(settings.MFA_SESSION_FAILURE_LIMIT)]

    assert [a.status_code for a in answers[:-1]] == [200] * (settings.MFA_SESSION_FAILURE_LIMIT - 1)
    assert answers[-1]["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:mfa_verify"))["Location"].startswith(reverse("accounts:login"))


def test_wrong_codes_no_longer_slow_the_device_itself(settings):
    device = TOTPDeviceFactory()
    attacker = Client()
    _password(attacker, device.user.username, TEST_PASSWORD, "203.0.113.9")
    for _ in range(3):
        _code(attacker, _wrong_code(device), "203.0.113.9")

    device.refresh_from_db()
    assert device.verify_is_allowed() == (True, None)
