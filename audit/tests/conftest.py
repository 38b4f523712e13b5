import pytest
from django.db import connection


@pytest.fixture
def tamper(db):
    """Run raw SQL on the access log behind the app's back.

    On PostgreSQL the append-only trigger is switched off around the statement
    (and the test's transaction rolls that back anyway); SQLite has no trigger.
    """

    def tamper(sql: str, params: tuple = ()) -> None:
        postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            if postgres:
                cursor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER USER")

    return tamper
