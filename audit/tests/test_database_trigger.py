"""The append-only trigger (PostgreSQL only): the database itself refuses changes."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.chain import chain_seal_pending
from audit.models import AccessEvent

from .factories import AccessEventFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"),
    pytest.mark.django_db,
]


def _execute(sql: str, params: tuple) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_to_update_an_event():
    event = AccessEventFactory()

    with pytest.raises(DatabaseError, match="append-only"):
        _execute("UPDATE audit_accessevent SET object_id = 'x' WHERE id = %s", (event.pk,))


def test_the_database_refuses_to_update_a_sealed_event():
    event = AccessEventFactory()
    chain_seal_pending()

    with pytest.raises(DatabaseError, match="append-only"):
        _execute("UPDATE audit_accessevent SET justification = 'x' WHERE id = %s", (event.pk,))


def test_the_database_refuses_to_reseal_an_event():
    event = AccessEventFactory()
    chain_seal_pending()

    with pytest.raises(DatabaseError, match="append-only"):
        _execute("UPDATE audit_accessevent SET hash = repeat('a', 64) WHERE id = %s", (event.pk,))


def test_the_database_refuses_to_seal_while_changing_content():
    event = AccessEventFactory()

    with pytest.raises(DatabaseError, match="append-only"):
        _execute(
            "UPDATE audit_accessevent SET seq = 1, hash = repeat('a', 64), object_id = 'x' WHERE id = %s", (event.pk,)
        )


def test_the_database_refuses_to_delete_an_event():
    event = AccessEventFactory()

    with pytest.raises(DatabaseError, match="append-only"):
        _execute("DELETE FROM audit_accessevent WHERE id = %s", (event.pk,))
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_the_trigger_keeps_every_column_but_the_chain_fields_unchanged():
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'audit_accessevent_append_only'")
        (source,) = cursor.fetchone()
    columns = {field.column for field in AccessEvent._meta.concrete_fields} - {"seq", "prev_hash", "hash"}

    assert {column for column in columns if f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}" not in source} == set()


def test_the_database_allows_the_one_time_seal():
    event = AccessEventFactory()

    assert chain_seal_pending() == 1

    event = AccessEvent.objects.get(pk=event.pk)
    assert event.seq == 1
    assert len(event.hash) == 64
