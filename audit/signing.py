"""The keys that sign the access log's checkpoints, which the database never sees.

HMAC-SHA256 with a key from the environment or a mounted file
(``AUDIT_SIGNING_KEY`` / ``AUDIT_SIGNING_KEY_FILE``). Whoever can rewrite the
database can recompute every hash of the chain, but without the key cannot
sign a checkpoint that agrees with the rewrite.

Each signature names its key by id, so keys can be rotated: the current key
(``AUDIT_SIGNING_KEY_ID``) signs, and retired keys (``AUDIT_SIGNING_KEYS``,
``id:key`` pairs) still verify what they signed. The README says how to rotate.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class UnknownKeyError(Exception):
    """A signature names a key id that is not configured."""


def signing_key_id() -> str:
    return settings.AUDIT_SIGNING_KEY_ID


def signature_make(message: bytes) -> str:
    """The hex HMAC-SHA256 of ``message`` under the current key (``signing_key_id()``)."""
    key = settings.AUDIT_SIGNING_KEY
    if not key:
        raise ImproperlyConfigured("AUDIT_SIGNING_KEY (or AUDIT_SIGNING_KEY_FILE) is not set: nothing can be signed.")
    return _hmac(key, message)


def signature_valid(message: bytes, *, key_id: str, signature: str) -> bool:
    """Whether ``signature`` is the HMAC of ``message`` under the key ``key_id``.

    Raises ``UnknownKeyError`` when no configured key has that id.
    """
    key = key_ring().get(key_id)
    if not key:
        raise UnknownKeyError(key_id)
    return hmac.compare_digest(_hmac(key, message), signature)


def key_ring() -> dict[str, str]:
    """Every key that may verify: the retired ones and the current one, by id."""
    retired = dict(settings.AUDIT_SIGNING_KEYS)
    current_id, current = settings.AUDIT_SIGNING_KEY_ID, settings.AUDIT_SIGNING_KEY
    if retired.get(current_id, current) != current:
        # Two keys under one id would make old signatures fail at random; say so instead.
        raise ImproperlyConfigured(f"AUDIT_SIGNING_KEYS lists key id {current_id!r} with another key than the current.")
    return {**retired, current_id: current} if current else retired


def _hmac(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
