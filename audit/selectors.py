from django.db.models import Q, QuerySet

from accounts.models import Force, Role
from accounts.selectors import force_ids_accessible

from .models import AccessEvent


def access_event_list_visible(viewer) -> QuerySet[AccessEvent]:
    """Access events a supervisor may read: records of their forces and their team's actions.

    System admins read the whole log (they investigate security events).
    """
    events = AccessEvent.objects.select_related("actor").order_by("-at", "-id")
    if viewer.role == Role.SYSADMIN:
        return events
    codes = Force.objects.filter(id__in=force_ids_accessible(viewer)).values_list("code", flat=True)
    return events.filter(Q(force__in=codes) | Q(force="", actor__home_force__in=force_ids_accessible(viewer)))
