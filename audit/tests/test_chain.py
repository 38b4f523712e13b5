import itertools

import pytest

from audit.chain import CONTENT_FIELDS, GENESIS_HASH, chain_seal_pending, chain_verify, event_hash
from audit.models import AccessEvent, ChainHead

from .factories import AccessEventFactory

pytestmark = pytest.mark.django_db


def _chain() -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(seq__isnull=False).order_by("seq"))


def test_sealing_links_every_event_into_a_contiguous_chain():
    AccessEventFactory.create_batch(5)

    assert chain_seal_pending(batch_size=2) == 5

    chain = _chain()
    assert [event.seq for event in chain] == [1, 2, 3, 4, 5]
    assert chain[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(chain))
    assert len({event.hash for event in chain}) == 5
    assert ChainHead.objects.get().last_seq == 5
    assert ChainHead.objects.get().last_hash == chain[-1].hash


def test_a_second_run_seals_nothing():
    AccessEventFactory.create_batch(3)
    chain_seal_pending()

    assert chain_seal_pending() == 0


def test_a_later_run_continues_the_chain():
    AccessEventFactory.create_batch(2)
    chain_seal_pending()
    AccessEventFactory.create_batch(2)

    assert chain_seal_pending() == 2

    chain = _chain()
    assert [event.seq for event in chain] == [1, 2, 3, 4]
    assert chain[2].prev_hash == chain[1].hash


def test_it_verifies_an_intact_chain_and_counts_unsealed_events():
    AccessEventFactory.create_batch(3)
    chain_seal_pending()
    AccessEventFactory()

    result = chain_verify()

    assert result.ok, result.reason
    assert (result.sealed, result.unsealed) == (3, 1)
    assert result.describe().startswith(
        "OK: 3 sealed events, chain intact (1 awaiting seal); matches 1 signed checkpoint, the latest seq 3 at "
    )


def test_it_verifies_an_empty_log():
    result = chain_verify()

    assert result.ok
    assert (result.sealed, result.unsealed) == (0, 0)


def test_it_finds_a_changed_event(tamper):
    events = AccessEventFactory.create_batch(4)
    chain_seal_pending()
    tamper("UPDATE audit_accessevent SET justification = 'nothing to see' WHERE id = %s", (events[2].pk,))

    result = chain_verify()

    assert not result.ok
    assert (result.broken_seq, result.broken_id) == (3, events[2].pk)
    assert "changed after sealing" in result.reason
    assert result.sealed == 4


def test_it_finds_a_removed_event(tamper):
    events = AccessEventFactory.create_batch(4)
    chain_seal_pending()
    tamper("DELETE FROM audit_accessevent WHERE id = %s", (events[1].pk,))

    result = chain_verify()

    assert not result.ok
    assert result.broken_seq == 2
    assert "missing" in result.reason


def test_it_finds_events_removed_from_the_end(tamper):
    events = AccessEventFactory.create_batch(3)
    chain_seal_pending()
    tamper("DELETE FROM audit_accessevent WHERE id = %s", (events[2].pk,))

    result = chain_verify()

    assert not result.ok
    assert result.broken_seq == 3
    assert "head records seq 3" in result.reason


def test_it_finds_a_changed_event_whose_hash_was_recomputed(tamper):
    events = AccessEventFactory.create_batch(3)
    chain_seal_pending()
    forged = AccessEvent.objects.filter(pk=events[1].pk).values(*CONTENT_FIELDS, "prev_hash").get()
    forged["object_id"] = "someone else"
    forged_hash = event_hash(prev_hash=forged["prev_hash"], content=forged)
    tamper(
        "UPDATE audit_accessevent SET object_id = %s, hash = %s WHERE id = %s",
        (forged["object_id"], forged_hash, events[1].pk),
    )

    result = chain_verify()

    assert not result.ok
    assert (result.broken_seq, result.broken_id) == (3, events[2].pk)
    assert "prev_hash" in result.reason


def test_the_hash_covers_every_column_but_the_chain_fields():
    columns = {field.attname for field in AccessEvent._meta.concrete_fields}

    assert set(CONTENT_FIELDS) == columns - {"seq", "prev_hash", "hash"}
