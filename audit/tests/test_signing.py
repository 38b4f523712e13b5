import pytest
from django.core.exceptions import ImproperlyConfigured

from audit.signing import UnknownKeyError, key_ring, signature_make, signature_valid, signing_key_id

MESSAGE = b'{"head_hash":"ab","seq":3}'


@pytest.fixture
def first_key(settings):
    settings.AUDIT_SIGNING_KEY_ID = "2025"
    settings.AUDIT_SIGNING_KEY = "first-key-" + "x" * 32
    settings.AUDIT_SIGNING_KEYS = {}
    return settings


def test_a_signature_verifies_with_the_key_that_made_it(first_key):
    signature = signature_make(MESSAGE)

    assert signing_key_id() == "2025"
    assert signature_valid(MESSAGE, key_id="2025", signature=signature)


def test_a_changed_message_does_not_verify(first_key):
    signature = signature_make(MESSAGE)

    assert not signature_valid(MESSAGE.replace(b"3", b"4"), key_id="2025", signature=signature)


def test_a_signature_made_with_another_key_does_not_verify(first_key):
    signature = signature_make(MESSAGE)
    first_key.AUDIT_SIGNING_KEY = "a-forger-guessing-" + "y" * 32

    assert not signature_valid(MESSAGE, key_id="2025", signature=signature)


def test_after_rotation_the_retired_key_still_verifies_what_it_signed(first_key):
    old_signature = signature_make(MESSAGE)
    first_key.AUDIT_SIGNING_KEYS = {"2025": first_key.AUDIT_SIGNING_KEY}
    first_key.AUDIT_SIGNING_KEY_ID, first_key.AUDIT_SIGNING_KEY = "2026", "second-key-" + "z" * 32

    new_signature = signature_make(MESSAGE)

    assert signing_key_id() == "2026"
    assert new_signature != old_signature
    assert signature_valid(MESSAGE, key_id="2025", signature=old_signature)
    assert signature_valid(MESSAGE, key_id="2026", signature=new_signature)


def test_a_key_id_that_is_not_configured_is_refused(first_key):
    with pytest.raises(UnknownKeyError):
        signature_valid(MESSAGE, key_id="1999", signature="00")


def test_two_keys_under_one_id_are_refused(first_key):
    first_key.AUDIT_SIGNING_KEYS = {"2025": "another-key-" + "w" * 32}

    with pytest.raises(ImproperlyConfigured, match="2025"):
        key_ring()


def test_nothing_is_signed_without_a_key(first_key):
    first_key.AUDIT_SIGNING_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="AUDIT_SIGNING_KEY"):
        signature_make(MESSAGE)
