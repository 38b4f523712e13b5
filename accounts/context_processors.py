from django.conf import settings


def site(request):
    """What the base layout shows on every page."""
    return {
        "PROTECTIVE_MARKING": settings.PROTECTIVE_MARKING,
        "REGION_NAME": settings.REGION_NAME,
    }


def notifications(request):
    """The unread count for the bell, computed only when a page shows it (lazy)."""
    from django.utils.functional import SimpleLazyObject

    from .selectors import notification_unread_count

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user))}
