"""What an attacker with the database did to the access log, as the tests replay it.

On PostgreSQL the statements run with the append-only trigger switched off,
as a superuser (the tests' connection) can; on SQLite there is no trigger.
Each test's transaction rolls it all back.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from audit.chain import CONTENT_FIELDS, GENESIS_HASH, event_hash
from audit.models import AccessEvent


@contextmanager
def behind_the_apps_back() -> Iterator:
    """A cursor with the access log's row triggers switched off (PostgreSQL), switched back on after."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER USER")
        yield cursor
        if postgres:
            cursor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER USER")


def chain_recompute(cursor, *, from_seq: int) -> None:
    """Recompute every link from ``from_seq`` on, and the head, with the project's own ``event_hash``.

    After a row was edited this makes the chain consistent again: the walk
    alone finds nothing wrong. ``cursor`` must be one from ``behind_the_apps_back``.
    """
    previous = AccessEvent.objects.filter(seq=from_seq - 1).values_list("hash", flat=True).first() or GENESIS_HASH
    rows = AccessEvent.objects.filter(seq__gte=from_seq).order_by("seq").values(*CONTENT_FIELDS, "seq")
    last_seq = from_seq - 1
    for row in rows:
        digest = event_hash(prev_hash=previous, content=row)
        cursor.execute(
            "UPDATE audit_accessevent SET prev_hash = %s, hash = %s WHERE id = %s", [previous, digest, row["id"]]
        )
        previous, last_seq = digest, row["seq"]
    cursor.execute("UPDATE audit_chainhead SET last_seq = %s, last_hash = %s", [last_seq, previous])


def row_edit(cursor, *, seq: int, justification: str) -> None:
    cursor.execute("UPDATE audit_accessevent SET justification = %s WHERE seq = %s", [justification, seq])


def newest_rows_delete(cursor, *, keep: int) -> None:
    """Delete every sealed row after seq ``keep`` and move the head back to it."""
    cursor.execute("DELETE FROM audit_accessevent WHERE seq > %s", [keep])
    chain_recompute(cursor, from_seq=keep + 1)  # no rows left to rehash: this moves the head back


def log_truncate(cursor) -> None:
    """Empty both audit tables: TRUNCATE on PostgreSQL (the test connection may), DELETE on SQLite."""
    if connection.vendor == "postgresql":
        cursor.execute("TRUNCATE audit_accessevent, audit_chainhead")
    else:
        cursor.execute("DELETE FROM audit_accessevent")
        cursor.execute("DELETE FROM audit_chainhead")
