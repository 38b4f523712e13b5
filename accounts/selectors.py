"""Who may see which forces: the one rule every scoped selector builds on."""

from django.db.models import QuerySet

from .models import Force, User


def force_ids_accessible(user: User) -> frozenset[int]:
    """The ids of the active forces ``user`` may see, cached on the user object.

    Anonymous and inactive users see nothing (deny by default).
    """
    if not user.is_authenticated:
        return frozenset()
    return user.accessible_force_ids()


def force_list_accessible(user: User) -> QuerySet[Force]:
    return Force.objects.filter(id__in=force_ids_accessible(user)).order_by("name")


def scope_to_forces(queryset: QuerySet, user: User, *, field: str = "force") -> QuerySet:
    """Limit ``queryset`` to rows whose ``field`` is a force ``user`` may see."""
    return queryset.filter(**{f"{field}__in": force_ids_accessible(user)})


def user_list_visible(viewer: User) -> QuerySet[User]:
    """Colleagues whose home force the viewer may see, with what the team page shows."""
    return (
        scope_to_forces(User.objects.all(), viewer, field="home_force")
        .select_related("home_force")
        .prefetch_related("forces")
        .order_by("last_name", "first_name", "username")
    )


def supervisors_of_force(force_id: int) -> QuerySet[User]:
    """Active sergeants who may see ``force_id``: who is told about break-glass access there."""
    from .models import Role

    return User.objects.filter(is_active=True, role=Role.SERGEANT, forces=force_id).distinct()


def notification_list_for(user: User):
    from .models import Notification

    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


# Any new notification changes this token (after its commit); a cached count made under an older token is stale.
NOTIFICATIONS_GENERATION_KEY = "notifications:generation"
# How long a count is kept: long where every process shares the cache (Redis) and so sees a new token at once;
# short where each process has its own (a sweep run by the command cannot reach the web server's memory).
UNREAD_COUNT_SECONDS = {"shared": 300, "per_process": 30}


def _unread_count_seconds() -> int:
    from django.conf import settings

    per_process = settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    return UNREAD_COUNT_SECONDS["per_process" if per_process else "shared"]


def unread_count_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def notification_unread_count(user: User) -> int:
    """The bell's number: one indexed COUNT, cached so that a warm page costs no query.

    The cached count is kept with the generation token it was made under and read with it in one cache
    round trip: sending any notification changes the token and marking one read forgets the user's count,
    so with a shared cache the bell is never behind (with a per-process cache, at most 30 s).
    """
    from django.core.cache import cache

    from .models import Notification

    key = unread_count_key(user.pk)
    cached = cache.get_many([NOTIFICATIONS_GENERATION_KEY, key])
    generation = cached.get(NOTIFICATIONS_GENERATION_KEY)
    hit = cached.get(key)
    if hit is not None and hit[0] == generation:
        return hit[1]
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    cache.set(key, (generation, count), timeout=_unread_count_seconds())
    return count
