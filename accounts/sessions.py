"""The session engine (``SESSION_ENGINE = "accounts.sessions"``): Django's database sessions, keyed by a hash.

The cookie carries the session key; the database keeps only its SHA-256 (``models.session_key_hash``).
Whoever reads the table (an administrator, a backup, an SQL injection) learns nothing they could replay
as a cookie, and the key still finds its row: the request hashes what it presents.
"""

from collections.abc import Iterable

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import db
from django.utils import timezone

from .models import StoredSession, session_key_hash


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls):
        return StoredSession

    def _get_session_from_db(self):
        if not self.session_key:
            self._session_key = None
            return None
        found = self.model.objects.filter(
            session_key=session_key_hash(self.session_key), expire_date__gt=timezone.now()
        ).first()
        if found is None:
            self._session_key = None
        return found

    def exists(self, session_key):
        return self.model.objects.filter(session_key=session_key_hash(session_key)).exists()

    def create_model_instance(self, data):
        return self.model(
            session_key=session_key_hash(self._get_or_create_session_key()),
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key:
            self.model.objects.filter(session_key=session_key_hash(session_key)).delete()

    @classmethod
    def delete_hashed(cls, key_hashes: Iterable[str]) -> int:
        """End the sessions whose keys hash to ``key_hashes`` (what ``UserSession`` keeps)."""
        deleted, _ = cls.get_model_class().objects.filter(session_key__in=list(key_hashes)).delete()
        return deleted

    # The async variants of the parent look rows up by the raw key: route them through the hashing above.
    async def _aget_session_from_db(self):
        return await sync_to_async(self._get_session_from_db)()

    async def aexists(self, session_key):
        return await sync_to_async(self.exists)(session_key)

    async def acreate_model_instance(self, data):
        return await sync_to_async(self.create_model_instance)(data)

    async def adelete(self, session_key=None):
        await sync_to_async(self.delete)(session_key)
