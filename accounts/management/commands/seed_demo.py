import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

# Each app adds its demo data here, in dependency order. A seeder takes
# ``rng`` (random.Random) and ``scale`` (how many times the usual volume) and
# returns nothing; it must be idempotent.
APP_SEEDERS: list[str] = [
    "subjects.demo.seed",
    "interventions.demo.seed",
    "partners.demo.seed",
    "outreach.demo.seed",
]

MAX_SCALE = 50


class Command(BaseCommand):
    help = "Create or refresh synthetic demo data and demo logins (idempotent; never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Seed for deterministic demo data.")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="How many times the usual volume of subjects, cases, partners and events (for benchmarks).",
        )

    def handle(self, *args, seed: int, scale: int, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is not allowed in this environment (DEMO_DATA_ALLOWED is false).")
        if not 1 <= scale <= MAX_SCALE:
            raise CommandError(f"--scale must be a whole number from 1 to {MAX_SCALE}.")
        from accounts import demo

        # Deterministic on purpose: demo data must repeat for a given --seed.
        logins = demo.seed(rng=random.Random(seed), seed_value=seed)  # noqa: S311
        for path in APP_SEEDERS:
            import_string(path)(rng=random.Random(f"{seed}:{path}"), scale=scale)  # noqa: S311
        self._print_logins(logins)

    def _print_logins(self, logins) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demo logins (synthetic data only)"))
        out.write(f"  Password for every demo user: {settings.DEMO_PASSWORD}")
        out.write("  Second step: a backup code below (each works once; `make run` resets them),")
        out.write("  or add the TOTP key to an authenticator app.")
        out.write("")
        out.write(f"  {'username':<15} {'role':<14} {'backup codes':<36} TOTP key")
        for login in logins:
            codes = " ".join(login.backup_codes[:3])
            out.write(f"  {login.username:<15} {login.role:<14} {codes:<36} {login.totp_key}")
        out.write("")
