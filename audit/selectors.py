from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AccessEvent, Operation


def access_event_list_visible(viewer) -> QuerySet[AccessEvent]:
    """Access events a supervisor may read: records of their forces and their team's actions.

    System admins read the whole log (they investigate security events).
    ``viewer`` is the user model (``audit`` sits below ``accounts`` and does not
    import it): it needs ``is_sysadmin``, ``accessible_force_ids()`` and
    ``accessible_force_codes()``.
    """
    events = AccessEvent.objects.select_related("actor").order_by("-at", "-id")
    if viewer.is_sysadmin:
        return events
    codes = viewer.accessible_force_codes()
    return events.filter(Q(force__in=codes) | Q(force="", actor__home_force__in=viewer.accessible_force_ids()))


def access_event_list_filtered(
    viewer,
    *,
    operation: str = "",
    actor_contains: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessEvent]:
    """The events ``viewer`` may read, narrowed by the event list's filters.

    Dates are whole local days, inclusive, compared as a range on ``at`` so
    that its index is used.
    """
    events = access_event_list_visible(viewer)
    if operation:
        events = events.filter(operation=operation)
    if actor_contains:
        events = events.filter(actor_username__icontains=actor_contains)
    if date_from:
        events = events.filter(at__gte=_start_of_day(date_from))
    if date_to:
        events = events.filter(at__lt=_start_of_day(date_to + timedelta(days=1)))
    return events


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def last_alteration(*, object_type: str, object_id: str | int) -> AccessEvent | None:
    """The latest alteration logged for one record (who saved it last, and when), or None.

    Not scoped to a viewer: the caller must already have found the record
    through its app's visibility selector.
    """
    return (
        AccessEvent.objects.filter(object_type=object_type, object_id=str(object_id), operation=Operation.ALTERATION)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
