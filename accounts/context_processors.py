from django.conf import settings


def site(request):
    """What the base layout shows on every page."""
    return {
        "PROTECTIVE_MARKING": settings.PROTECTIVE_MARKING,
        "REGION_NAME": settings.REGION_NAME,
    }
