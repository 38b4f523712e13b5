"""What other pages show of interventions: the section on the case page and the supervisors' dashboard tiles."""

from accounts.models import SUPERVISOR_ROLES, User
from subjects.models import Case

from .models import Disposal, Intervention, SupervisoryReview
from .selectors import approval_queue, reviews_due

CASE_PAGE_REVIEWS = 3


def case_section_context(case: Case, user: User) -> dict:
    """The interventions, disposals and latest reviews of ``case``, for ``interventions/_case_section.html``.

    Precondition: ``case`` was fetched through ``subjects.selectors.case_get_visible(user, …)``.
    Three queries whatever the number of rows (interventions, disposals, latest reviews).
    """
    interventions = list(Intervention.objects.filter(case=case).select_related("type").order_by("-created_at", "-id"))
    disposals = list(
        Disposal.objects.filter(case=case)
        .select_related("type", "outcome", "proposed_by", "decided_by")
        .order_by("-created_at", "-id")
    )
    reviews = list(
        SupervisoryReview.objects.filter(case=case)
        .select_related("reviewer")
        .order_by("-reviewed_at", "-id")[:CASE_PAGE_REVIEWS]
    )
    return {
        "interventions": interventions,
        "disposals": disposals,
        "reviews": reviews,
        "can_review": user.role in SUPERVISOR_ROLES and case.is_open,
    }


def supervision_tiles(user: User) -> dict:
    """Counts for a sergeant's or inspector's dashboard; empty for everyone else. Two queries."""
    if user.role not in SUPERVISOR_ROLES:
        return {}
    queue = approval_queue(user)
    return {
        "approvals_waiting": len(queue),
        "approvals_late": sum(1 for item in queue if item.late),
        "reviews_due": reviews_due(user).count(),
    }
