"""In-app notifications."""

from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ..models import Notification, User
from ..selectors import NOTIFICATIONS_GENERATION_KEY, unread_count_key


def notification_send(*, recipients, title: str, url: str = "") -> int:
    """Notify each of ``recipients`` in the app; returns how many were sent."""
    rows = [Notification(recipient=user, title=title, url=url) for user in {u.pk: u for u in recipients}.values()]
    Notification.objects.bulk_create(rows)
    if rows:
        notifications_changed()
    return len(rows)


def notifications_changed() -> None:
    """Once this transaction commits, every cached unread count goes stale (see ``notification_unread_count``)."""
    transaction.on_commit(lambda: cache.set(NOTIFICATIONS_GENERATION_KEY, uuid4().hex, timeout=None))


def notifications_mark_read(*, user: User, ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(id__in=ids)
    updated = unread.update(read_at=timezone.now())
    transaction.on_commit(lambda: cache.delete(unread_count_key(user.pk)))
    return updated
