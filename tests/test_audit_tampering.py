"""The attack on the access log, replayed on PostgreSQL: every way it was erased unnoticed is now reported.

What the attacker did, as a superuser of the database: switched the
append-only trigger off, changed a row, recomputed every later hash and the
chain head with the project's own ``audit.chain.event_hash``, and switched the
trigger back on; then the same with TRUNCATE, and with the newest rows deleted
and the head moved back. ``audit_verify`` used to say "chain intact" to the
first. Now each is caught by the signed checkpoints the sealer wrote outside
the database, and the application's own role cannot even start.

PostgreSQL only (``DATABASE_URL=postgres://...``): the triggers and roles are
PostgreSQL's. Each test's transaction rolls everything back.
"""

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.chain import chain_verify
from audit.models import AccessEvent, ChainHead
from audit.tasks import seal_access_events
from audit.tests.attacker import chain_recompute
from audit.tests.factories import AccessEventFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="replays an attack on PostgreSQL's triggers and roles: set DATABASE_URL=postgres://...",
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def sealed_log(settings, tmp_path):
    """Ten events sealed by the project's own task, which checkpoints the head into a file."""
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    AccessEventFactory.create_batch(10)
    seal_access_events()
    assert '"seq":10' in (tmp_path / "checkpoints.jsonl").read_text()


def _audit_verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", stdout=StringIO())
    assert failure.value.returncode == 1
    return str(failure.value)


def test_a_rewritten_chain_with_a_recomputed_head_is_reported(sealed_log):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_append_only")
        cursor.execute("UPDATE audit_accessevent SET object_id = 'someone else' WHERE seq = 4")
        chain_recompute(cursor, from_seq=4)
        cursor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER audit_accessevent_append_only")
    # The rewrite is perfect as far as the chain goes: this is what used to pass.
    assert chain_verify(checkpoint_files=[]).ok
    assert AccessEvent.objects.get(seq=4).object_id == "someone else"

    message = _audit_verify_fails()

    assert "BROKEN at seq 10" in message
    assert "differs from the signed checkpoint" in message


@pytest.mark.parametrize(
    "bypass",
    [
        ("SET LOCAL session_replication_role = replica",),
        (
            "ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_no_truncate",
            "ALTER TABLE audit_chainhead DISABLE TRIGGER audit_chainhead_no_truncate",
        ),
    ],
    ids=["session_replication_role", "disable trigger"],
)
def test_a_superusers_truncate_is_reported_against_the_checkpoint(sealed_log, bypass):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.allow_truncate = off")  # only the superuser's own bypass is left
        with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"), transaction.atomic():
            cursor.execute("TRUNCATE audit_accessevent, audit_chainhead")
        for statement in bypass:
            cursor.execute(statement)
        cursor.execute("TRUNCATE audit_accessevent, audit_chainhead")
    assert not AccessEvent.objects.exists()
    assert not ChainHead.objects.exists()

    message = _audit_verify_fails()

    assert "the chain ends at seq 0 but the signed checkpoint seq 10" in message


def test_deleting_the_newest_rows_and_moving_the_head_back_is_reported(sealed_log):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_append_only")
        cursor.execute("DELETE FROM audit_accessevent WHERE seq > 7")
        chain_recompute(cursor, from_seq=8)  # nothing left to rehash: moves the head back to seq 7
        cursor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER audit_accessevent_append_only")
    assert chain_verify(checkpoint_files=[]).ok

    message = _audit_verify_fails()

    assert "the chain ends at seq 7 but the signed checkpoint seq 10" in message


def _as_role(role: str, statement: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(statement)


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_append_only", "must be owner"),
        ("UPDATE audit_accessevent SET object_id = 'someone else' WHERE seq = 4", "permission denied"),
        ("TRUNCATE audit_accessevent, audit_chainhead", "permission denied"),
        ("DELETE FROM audit_accessevent WHERE seq > 7", "permission denied"),
    ],
    ids=["disable trigger", "update", "truncate", "delete"],
)
def test_the_applications_role_cannot_begin_the_attack(sealed_log, statement, refusal):
    role = f"pp_app_{uuid.uuid4().hex[:12]}"
    call_command("db_grant_app_role", role, "--password-stdin", stdin=StringIO("a-long-password\n"), stdout=StringIO())

    with pytest.raises(DatabaseError, match=refusal):
        _as_role(role, statement)

    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "OK: 10 sealed events" in out.getvalue()
