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


def test_a_scale_multiplies_the_volume_for_benchmarks():
    from outreach.demo import EVENTS_PER_FORCE
    from outreach.models import OutreachEvent
    from partners.demo_catalogue import PARTNERS
    from partners.models import Partner
    from subjects.demo import SUBJECTS_PER_FORCE
    from subjects.models import Case, Subject

    call_command("seed_demo", scale=2)

    assert Subject.objects.count() == Case.objects.count() == 2 * 4 * SUBJECTS_PER_FORCE
    assert Partner.objects.count() == 2 * len(PARTNERS)
    assert Partner.objects.filter(name=f"{PARTNERS[0].name} 2").exists()
    # Events share natural keys (force, day, type, host): a few draws land on one that exists.
    assert OutreachEvent.objects.count() > 1.8 * 4 * EVENTS_PER_FORCE


@pytest.mark.parametrize("scale", [0, -1, 51])
def test_a_scale_outside_1_to_50_is_refused(scale):
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_demo", scale=scale)
