"""Enrolling an authenticator: inline SVG QR code, a first code to confirm, one-time backup codes."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_user_client(client):
    user = UserFactory()
    client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    return client, user


def _current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return f"{totp(device.bin_key):06d}"


def test_enrolment_shows_the_qr_code_as_inline_svg_and_the_key_as_text(new_user_client):
    client, _user = new_user_client

    html = client.get(reverse("accounts:mfa_enrol")).content.decode()

    assert "<svg" in html
    assert "<img" not in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    assert 'class="secret-key"' in html


def test_reloading_enrolment_keeps_the_same_key(new_user_client):
    client, user = new_user_client
    client.get(reverse("accounts:mfa_enrol"))
    client.get(reverse("accounts:mfa_enrol"))

    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_first_correct_code_confirms_the_device_and_shows_backup_codes_once(new_user_client, settings):
    client, user = new_user_client
    client.get(reverse("accounts:mfa_enrol"))

    response = client.post(reverse("accounts:mfa_enrol"), {"token": _current_code(user)})

    assert response["Location"] == reverse("accounts:mfa_backup_codes")
    assert TOTPDevice.objects.get(user=user).confirmed
    page = client.get(reverse("accounts:mfa_backup_codes")).content.decode()
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == settings.MFA_BACKUP_CODE_COUNT
    assert all(code in page for code in codes)
    again = client.get(reverse("accounts:mfa_backup_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("token", ["123456", "12345", "abcdef", "", "9" * 7])
def test_a_wrong_first_code_gives_a_clear_message_and_confirms_nothing(new_user_client, token):
    client, user = new_user_client
    client.get(reverse("accounts:mfa_enrol"))

    response = client.post(reverse("accounts:mfa_enrol"), {"token": token})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_an_enrolled_user_cannot_enrol_again_without_verifying(client):
    user = UserFactory()
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})

    response = client.get(reverse("accounts:mfa_enrol"))

    assert response["Location"] == reverse("accounts:mfa_verify")


def test_making_new_backup_codes_retires_the_old_ones(officer_client, officer):
    officer_client.post(reverse("accounts:mfa_backup_codes"))
    first = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))

    officer_client.post(reverse("accounts:mfa_backup_codes"))

    second = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert first
    assert second
    assert not first & second
