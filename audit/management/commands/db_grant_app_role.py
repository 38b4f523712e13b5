import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.privileges import app_role_grant


class Command(BaseCommand):
    help = "Grant the application's PostgreSQL role what it needs and no more; run as the owner after migrate."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role web, worker and beat connect as, e.g. prevent_protect_app.")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Create the role, or set its password, with the password read from standard input.",
        )

    def handle(self, *args, role: str, password_stdin: bool = False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db_grant_app_role is for PostgreSQL: SQLite has no roles.")
        password = (options.get("stdin") or sys.stdin).readline().rstrip("\r\n") if password_stdin else None
        try:
            tables = app_role_grant(role=role, password=password)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Granted {role} the application's use of {tables} tables: on the audit tables SELECT and INSERT "
            "(and the seal's columns) only, on django_migrations SELECT, elsewhere SELECT, INSERT, UPDATE, DELETE."
        )
