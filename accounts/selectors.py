"""Who may see which forces: the one rule every scoped selector builds on."""

from collections.abc import Iterable

from django.db.models import Model, Q, QuerySet

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


def user_get_visible(viewer: User, pk: int) -> User:
    """A colleague whose home force ``viewer`` may see (404 otherwise), with that force."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        scope_to_forces(User.objects.select_related("home_force"), viewer, field="home_force"), pk=pk
    )


def users_offered(*, roles: Iterable[str], forces: int | Iterable[int], keep=None) -> QuerySet[User]:
    """The users a form may offer: active, in ``roles``, allowed to see ``forces`` (a force id, or any of
    several), plus ``keep`` (a user or a queryset of users already chosen, so an edit never loses them),
    by name. Every form that names a colleague asks here."""
    force_ids = [forces] if isinstance(forces, int) else list(forces)
    wanted = Q(is_active=True, role__in=list(roles), forces__in=force_ids)
    if isinstance(keep, QuerySet):
        wanted |= Q(pk__in=keep.values("pk"))
    elif isinstance(keep, Model):
        wanted |= Q(pk=keep.pk)
    return User.objects.filter(wanted).distinct().order_by("last_name", "first_name", "username")


def supervisors_of_force(force_id: int) -> QuerySet[User]:
    """Active sergeants who may see ``force_id``: who is told about break-glass access there."""
    from .models import Role

    return User.objects.filter(is_active=True, role=Role.SERGEANT, forces=force_id).distinct()


def inspectors_of_forces(force_ids: Iterable[int]) -> QuerySet[User]:
    """Active inspectors who may see any of ``force_ids``: who is told of every change to an account's access."""
    from .models import Role

    return User.objects.filter(is_active=True, role=Role.INSPECTOR, forces__in=list(force_ids)).distinct()


def access_grant_list_decidable(viewer: User) -> QuerySet:
    """Pending access grants ``viewer`` may confirm or refuse, oldest first, with what their pages show.

    A sergeant or inspector decides a grant when they can see the account's home force and every force
    the grant gives it, and they neither hold the account nor asked for the change.
    """
    from .models import AccessGrant

    if not (viewer.is_authenticated and viewer.is_supervisor):
        return AccessGrant.objects.none()
    visible = force_ids_accessible(viewer)
    return (
        AccessGrant.objects.filter(status=AccessGrant.Status.PENDING, user__home_force__in=visible)
        .exclude(forces__in=Force.objects.exclude(id__in=visible))
        .exclude(user=viewer)
        .exclude(requested_by=viewer)
        .select_related("user__home_force", "requested_by")
        .prefetch_related("forces", "user__forces")
        .order_by("requested_at", "id")
    )


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
