from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.chain import chain_seal_pending
from audit.models import AccessEvent

from .factories import AccessEventFactory

pytestmark = pytest.mark.django_db


def _call(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_audit_verify_reports_an_intact_chain():
    AccessEventFactory.create_batch(3)
    chain_seal_pending()
    AccessEventFactory()

    assert "OK: 3 sealed events, chain intact (1 awaiting seal)" in _call("audit_verify")


def test_audit_verify_seals_nothing():
    AccessEventFactory.create_batch(2)

    assert "OK: 0 sealed events, chain intact (2 awaiting seal)" in _call("audit_verify")
    assert not AccessEvent.objects.exclude(hash="").exists()


def test_audit_verify_fails_naming_an_event_changed_behind_the_apps_back(tamper):
    events = AccessEventFactory.create_batch(5)
    chain_seal_pending()
    tamper("UPDATE audit_accessevent SET object_id = 'someone else' WHERE id = %s", (events[3].pk,))

    with pytest.raises(CommandError, match=rf"seq 4 \(id {events[3].pk}\)") as failure:
        _call("audit_verify")
    assert failure.value.returncode == 1


def test_audit_verify_fails_on_a_removed_event(tamper):
    events = AccessEventFactory.create_batch(5)
    chain_seal_pending()
    tamper("DELETE FROM audit_accessevent WHERE id = %s", (events[1].pk,))

    with pytest.raises(CommandError, match="seq 2 is missing"):
        _call("audit_verify")


def test_audit_seal_seals_and_says_how_many():
    AccessEventFactory.create_batch(3)

    assert "Sealed 3 access events." in _call("audit_seal")
    assert not AccessEvent.objects.filter(hash="").exists()
