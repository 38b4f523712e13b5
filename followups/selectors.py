"""Who sees which follow-ups: through the cases they may see, and for case-less ones through ``hooks.visibility``."""

from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from subjects.selectors.access import case_list_visible

from . import hooks
from .models import FollowUp, FollowUpStatus


def today() -> date:
    return timezone.localdate()


def followup_list_visible(user: User) -> QuerySet[FollowUp]:
    """Follow-ups on cases ``user`` may see (other forces and hidden restricted records excluded).

    A follow-up without a case (an agreement's expiry) is visible as the apps registered on ``hooks.visibility``
    say (partners: to those who may see the agreement's partner).
    """
    caseless = reduce(or_, hooks.visibility.send(user), Q(pk__in=[]))
    return FollowUp.objects.filter(
        Q(case__in=case_list_visible(user)) | (Q(case__isnull=True) & caseless)
    ).select_related("case__subject", "case__force", "agreement__partner", "assignee", "completed_by")


def followup_list_mine(user: User) -> QuerySet[FollowUp]:
    """``user``'s follow-ups still due, the longest overdue first."""
    return followup_list_visible(user).filter(assignee=user, status=FollowUpStatus.DUE).order_by("due_date", "id")


def followups_due_from(user: User, *, viewer: User) -> QuerySet[FollowUp]:
    """What ``user`` still owes that ``viewer`` may see: the follow-ups a supervisor can hand over."""
    return followup_list_visible(viewer).filter(assignee=user, status=FollowUpStatus.DUE)


def followups_due_by_kind(user: User, *, viewer: User) -> list[tuple[str, int]]:
    """(kind, how many) of what ``user`` still owes that ``viewer`` may see, in one query."""
    rows = followups_due_from(user, viewer=viewer).order_by().values_list("kind").annotate(n=Count("pk"))
    return list(rows)
