"""The TRUNCATE trigger (PostgreSQL only): the audit tables cannot be emptied in one statement."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from .factories import AccessEventFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the TRUNCATE trigger exists on PostgreSQL only"),
    pytest.mark.django_db,
]


def _truncate(table: str, *, before: tuple[str, ...] = ()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in before:
            cursor.execute(statement)
        cursor.execute(f"TRUNCATE {table}")


@pytest.mark.parametrize("table", ["audit_accessevent", "audit_chainhead"])
def test_the_database_refuses_to_truncate_an_audit_table(table):
    AccessEventFactory()

    with pytest.raises(DatabaseError, match=f"{table} is append-only: TRUNCATE refused"):
        _truncate(table, before=("SET LOCAL audit.allow_truncate = off",))


def test_a_role_with_the_truncate_privilege_is_refused_whatever_it_sets():
    role = f"pp_owner_{uuid.uuid4().hex[:12]}"
    AccessEventFactory()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role}")
        cursor.execute(f"GRANT TRUNCATE ON audit_accessevent TO {role}")

    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        _truncate("audit_accessevent", before=(f"SET LOCAL ROLE {role}", "SET LOCAL audit.allow_truncate = on"))


def test_a_superuser_session_that_asks_may_truncate_as_the_test_suite_does():
    AccessEventFactory()

    _truncate("audit_accessevent", before=("SET LOCAL audit.allow_truncate = on",))

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_accessevent")
        assert cursor.fetchone() == (0,)
