import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_USERS
from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def _state():
    return (
        sorted(User.objects.values_list("username", "role")),
        sorted(TOTPDevice.objects.values_list("user__username", "key")),
        sorted(StaticToken.objects.values_list("device__user__username", "token")),
    )


def test_it_creates_a_confirmed_demo_user_for_every_role(capsys):
    call_command("seed_demo")

    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert TOTPDevice.objects.filter(confirmed=True).count() == len(DEMO_USERS)
    out = capsys.readouterr().out
    assert all(spec.username in out for spec in DEMO_USERS)


def test_it_is_idempotent_and_deterministic_for_a_seed():
    call_command("seed_demo", seed=7)
    first = _state()

    call_command("seed_demo", seed=7)

    assert _state() == first


def test_a_different_seed_gives_different_keys():
    call_command("seed_demo", seed=7)
    first = _state()

    call_command("seed_demo", seed=8)

    assert _state()[1] != first[1]


def test_it_refuses_to_run_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError):
        call_command("seed_demo")

    assert not User.objects.exists()


def test_demo_passwords_pass_the_password_rules(settings):
    from django.contrib.auth.password_validation import validate_password

    validate_password(settings.DEMO_PASSWORD)
