"""What supervisors and officers see of interventions, disposals and caseloads — always through case scoping."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import force_ids_accessible
from subjects.models import OPEN_STATUSES, CaseStatus, first_contact_overdue_q
from subjects.selectors.access import case_list_visible
from subjects.workdays import working_days_between

from .models import Disposal, DisposalStatus, DisposalType, Intervention

STALE_ENGAGEMENT_DAYS = 28


def intervention_list_for_case(case) -> QuerySet[Intervention]:
    return case.interventions.select_related("type").order_by("-created_at")


def disposal_list_visible(user: User) -> QuerySet[Disposal]:
    return Disposal.objects.filter(case__in=case_list_visible(user)).select_related(
        "case__subject", "case__force", "type", "outcome", "proposed_by", "decided_by"
    )


def disposal_get_visible(user: User, pk: int) -> Disposal:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(disposal_list_visible(user), pk=pk)


@dataclass(frozen=True)
class QueueItem:
    disposal: Disposal
    age_working_days: int
    late: bool


def approval_queue(user: User) -> list[QueueItem]:
    """Submitted disposals ``user`` may decide, oldest first, with their age in working days."""
    if user.role not in {Role.SERGEANT, Role.INSPECTOR}:
        return []
    types = (
        DisposalType.objects.all()
        if user.role == Role.INSPECTOR
        else DisposalType.objects.exclude(approver_role=Role.INSPECTOR)
    )
    pending = (
        disposal_list_visible(user)
        .filter(status=DisposalStatus.SUBMITTED, type__in=types)
        .exclude(proposed_by=user)
        .order_by("submitted_at", "id")
    )
    today = timezone.localdate()
    items = []
    for disposal in pending:
        age = working_days_between(timezone.localtime(disposal.submitted_at).date(), today)
        items.append(QueueItem(disposal, age, age > settings.APPROVAL_LIMIT_WORKING_DAYS))
    return items


def reviews_due(user: User) -> QuerySet:
    """Active cases whose supervisory review is due (or never done), for a supervisor's queue."""
    if user.role not in {Role.SERGEANT, Role.INSPECTOR}:
        return case_list_visible(user).none()
    today = timezone.localdate()
    return (
        case_list_visible(user)
        .filter(status=CaseStatus.ACTIVE)
        .filter(Q(next_review_date__lte=today) | Q(next_review_date__isnull=True))
        .order_by("next_review_date", "referral_date")
    )


def caseload_by_officer(user: User) -> QuerySet[User]:
    """Each officer in the supervisor's forces with the counts a caseload review needs, in one query."""
    forces = force_ids_accessible(user)
    today = timezone.localdate()
    stale_before = timezone.now() - timedelta(days=STALE_ENGAGEMENT_DAYS)
    open_q = Q(assigned_cases__status__in=OPEN_STATUSES, assigned_cases__force_id__in=forces)
    # A subquery, so that counting disposals does not multiply the case counts of the join.
    pending = (
        Disposal.objects.filter(proposed_by=OuterRef("pk"), status=DisposalStatus.SUBMITTED, case__force_id__in=forces)
        .order_by()
        .values("proposed_by")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        User.objects.filter(is_active=True, role__in=[Role.OFFICER, Role.SERGEANT], home_force_id__in=forces)
        .select_related("home_force")
        .annotate(
            active_cases=Count("assigned_cases", filter=open_q & Q(assigned_cases__status=CaseStatus.ACTIVE)),
            open_cases=Count("assigned_cases", filter=open_q),
            first_contacts_overdue=Count(
                "assigned_cases",
                filter=open_q & first_contact_overdue_q(today, prefix="assigned_cases__"),
            ),
            stale_cases=Count(
                "assigned_cases",
                filter=open_q
                & (
                    Q(assigned_cases__last_engagement_at__lt=stale_before)
                    | Q(assigned_cases__last_engagement_at__isnull=True, assigned_cases__created_at__lt=stale_before)
                ),
            ),
            pending_approvals=Coalesce(Subquery(pending), 0),
            oldest_open_referral=Min("assigned_cases__referral_date", filter=open_q),
        )
        .order_by("-open_cases", "last_name", "first_name")
    )
