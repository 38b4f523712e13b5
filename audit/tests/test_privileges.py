"""The application's database role (PostgreSQL only): what ``db_grant_app_role`` lets it do, and not.

Each test creates a role of its own inside its transaction (roles are shared
by the whole server, so parallel workers use different names), and acts as it
with ``SET LOCAL ROLE``; the rollback at the end removes everything.
"""

import uuid
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.chain import chain_seal_pending
from audit.models import AccessEvent

from .factories import AccessEventFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only"),
    pytest.mark.django_db,
]


def _grant(role: str, *, password: str | None = None) -> str:
    out = StringIO()
    if password is None:
        call_command("db_grant_app_role", role, stdout=out)
    else:
        call_command("db_grant_app_role", role, "--password-stdin", stdin=StringIO(password + "\n"), stdout=out)
    return out.getvalue()


@pytest.fixture
def app_role() -> str:
    role = f"pp_app_{uuid.uuid4().hex[:12]}"
    _grant(role, password="a-long-test-password")
    return role


@contextmanager
def acting_as(role: str):
    """A cursor that acts as ``role``; what it does is rolled back if it fails."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
        yield cursor
        cursor.execute("RESET ROLE")


def _refused(role: str, sql: str, params: tuple = ()) -> str:
    with pytest.raises(DatabaseError) as refusal, acting_as(role) as cursor:
        cursor.execute(sql, params)
    return str(refusal.value)


def test_the_app_role_owns_nothing_and_is_no_superuser(app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE oid = %s::regrole", [app_role]
        )
        attributes = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_class WHERE relowner = %s::regrole", [app_role])
        (owned,) = cursor.fetchone()

    assert attributes == (False, False, False, True)
    assert owned == 0


def test_the_app_role_writes_and_seals_the_access_log(app_role):
    with acting_as(app_role):
        AccessEventFactory.create_batch(2)
        assert chain_seal_pending() == 2

    assert AccessEvent.objects.filter(seq=2).exists()


def test_the_app_role_uses_the_other_tables_as_usual(app_role, officer):
    with acting_as(app_role) as cursor:
        cursor.execute("UPDATE accounts_user SET first_name = 'Sam' WHERE id = %s", [officer.pk])
        cursor.execute("DELETE FROM django_session")


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("UPDATE audit_accessevent SET justification = 'x'", "permission denied"),
        ("DELETE FROM audit_accessevent", "permission denied"),
        ("TRUNCATE audit_accessevent", "permission denied"),
        ("DELETE FROM audit_chainhead", "permission denied"),
        ("ALTER TABLE audit_accessevent DISABLE TRIGGER USER", "must be owner"),
        ("DROP TRIGGER audit_accessevent_append_only ON audit_accessevent", "must be owner"),
        ("INSERT INTO django_migrations (app, name, applied) VALUES ('audit', 'x', now())", "permission denied"),
    ],
    ids=["update", "delete", "truncate", "delete head", "disable trigger", "drop trigger", "fake a migration"],
)
def test_the_app_role_cannot_change_or_erase_the_access_log(app_role, sql, refusal):
    AccessEventFactory()
    chain_seal_pending()

    assert refusal in _refused(app_role, sql)


def test_granting_twice_leaves_the_same_grants(app_role):
    _grant(app_role)

    assert "permission denied" in _refused(app_role, "DELETE FROM audit_accessevent")


def test_it_refuses_a_role_that_owns_the_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()

    with pytest.raises(CommandError, match=r"is a superuser|may act as the owner"):
        _grant(owner)


def test_it_refuses_a_role_that_does_not_exist():
    with pytest.raises(CommandError, match="does not exist"):
        _grant(f"pp_missing_{uuid.uuid4().hex[:12]}")


def test_it_refuses_an_empty_password():
    with pytest.raises(CommandError, match="password is empty"):
        _grant(f"pp_app_{uuid.uuid4().hex[:12]}", password="")
