"""An officer's "My work" on the dashboard: open cases, first contacts owed, cases gone quiet."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from subjects.models import OPEN_STATUSES, Case
from subjects.selectors.access import CASEWORK_ROLES, case_list_visible
from subjects.workdays import add_working_days

# First contacts due within this many working days are listed before they become overdue.
FIRST_CONTACT_HORIZON_WORKING_DAYS = 5
# An open case with no engagement for this long needs attention.
QUIET_DAYS = 28


def my_work(user: User) -> dict:
    """The user's open cases, and the two lists drawn from them. One query for the cases.

    Each case in ``first_contacts`` carries ``overdue``. Roles without casework get ``{"show": False}``.
    """
    if user.role not in CASEWORK_ROLES:
        return {"show": False}
    today = timezone.localdate()
    quiet_since = timezone.now() - timedelta(days=QUIET_DAYS)
    horizon = add_working_days(today, FIRST_CONTACT_HORIZON_WORKING_DAYS)
    cases = list(
        case_list_visible(user)
        .filter(assigned_officer=user, status__in=OPEN_STATUSES)
        .order_by("-referral_date", "-id")
    )
    first_contacts = sorted(
        (case for case in cases if case.first_contact_owed(horizon)), key=lambda case: case.first_contact_due
    )
    for case in first_contacts:
        case.overdue = case.first_contact_overdue(today)
    quiet = sorted(
        (case for case in cases if _quiet(case, quiet_since)),
        key=lambda case: case.last_engagement_at or case.created_at,
    )
    return {
        "show": True,
        "officer_id": user.pk,
        "active_cases": cases,
        "first_contacts": first_contacts,
        "quiet_cases": quiet,
        "quiet_days": QUIET_DAYS,
        "horizon_working_days": FIRST_CONTACT_HORIZON_WORKING_DAYS,
    }


def _quiet(case: Case, quiet_since) -> bool:
    if case.last_engagement_at is not None:
        return case.last_engagement_at < quiet_since
    return case.created_at < quiet_since
