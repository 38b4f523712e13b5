"""Demo accounts: one per role, with a known password and MFA already set up.

Never for production: ``seed_demo`` refuses to run where ``DEMO_DATA_ALLOWED`` is false.
"""

import hashlib
import random
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Force, Role, User

ALL_FORCES = ("WM", "ST", "WR", "WK")


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    home_force: str | None
    forces: tuple[str, ...]


DEMO_USERS = (
    DemoUser("officer.wm", "Priya", "Sandhu", Role.OFFICER, "WM", ("WM",)),
    DemoUser("officer.st", "Tom", "Hughes", Role.OFFICER, "ST", ("ST",)),
    DemoUser("officer.wr", "Megan", "Price", Role.OFFICER, "WR", ("WR",)),
    DemoUser("officer.wk", "Daniel", "Okafor", Role.OFFICER, "WK", ("WK",)),
    DemoUser("sergeant", "Claire", "Bennett", Role.SERGEANT, "WM", ALL_FORCES),
    DemoUser("inspector", "Andrew", "Walsh", Role.INSPECTOR, "WM", ALL_FORCES),
    DemoUser("admin.support", "Sarah", "Khan", Role.ADMIN_SUPPORT, "WM", ALL_FORCES),
    DemoUser("analyst", "James", "Turner", Role.ANALYST, "WM", ALL_FORCES),
    # A system admin manages accounts and has no case access by default.
    DemoUser("sysadmin", "Helen", "Moore", Role.SYSADMIN, "WM", ()),
)

BACKUP_CODES_PER_USER = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    totp_key: str
    backup_codes: tuple[str, ...]


@transaction.atomic
def seed(*, rng: random.Random, seed_value: int) -> list[DemoLogin]:
    """Create or reset the demo users; the same seed gives the same keys and codes."""
    forces = {force.code: force for force in Force.objects.all()}
    logins = []
    for spec in DEMO_USERS:
        user = _upsert_user(spec, forces)
        key = hashlib.sha256(f"demo-totp:{seed_value}:{spec.username}".encode()).hexdigest()[:40]
        TOTPDevice.objects.update_or_create(
            user=user, name="Authenticator app", defaults={"key": key, "confirmed": True}
        )
        codes = tuple("".join(rng.choice(_ALPHABET) for _ in range(10)) for _ in range(BACKUP_CODES_PER_USER))
        device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes", defaults={"confirmed": True})
        device.token_set.all().delete()
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        logins.append(DemoLogin(spec.username, spec.role, _base32(key), codes))
    return logins


def _upsert_user(spec: DemoUser, forces: dict[str, Force]) -> User:
    user, _ = User.objects.update_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@example.police.uk",
            "role": spec.role,
            "home_force": forces.get(spec.home_force) if spec.home_force else None,
            "is_active": True,
        },
    )
    user.set_password(settings.DEMO_PASSWORD)
    user.save(update_fields=["password"])
    user.forces.set([forces[code] for code in spec.forces if code in forces])
    return user


def _base32(hex_key: str) -> str:
    return b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")
