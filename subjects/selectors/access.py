"""Who may see which subjects and cases: the one place force access and restriction are applied.

Every queryset of people or cases that a view shows starts here. Objects
outside the user's forces are simply absent, so views answer 404.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import SUPERVISOR_ROLES, Role, User
from accounts.selectors import force_ids_accessible
from subjects.models import BreakGlassAccess, Case, Subject

# Roles that work with identified people. Analysts never see identities;
# admin support and system admins have no case access unless granted.
CASEWORK_ROLES = frozenset({Role.OFFICER, Role.SERGEANT, Role.INSPECTOR})


def subject_list_visible(user: User) -> QuerySet[Subject]:
    """Subjects in the user's forces (restricted ones included, as existence only), live records only."""
    if user.role not in CASEWORK_ROLES:
        return Subject.objects.none()
    return Subject.objects.filter(force_id__in=force_ids_accessible(user), merged_into__isnull=True)


def subject_get_visible(user: User, pk: int) -> Subject:
    """The subject ``pk`` if the user's forces include it, else 404."""
    return get_object_or_404(subject_list_visible(user).select_related("force", "assigned_officer"), pk=pk)


def subject_details_visible(user: User, subject: Subject) -> bool:
    """Whether ``user`` may see the details of ``subject`` (not only that it exists).

    Unrestricted: anyone who can see it. Restricted: supervisors, the assigned
    officer, the need-to-know list, and holders of a live break-glass access.
    """
    if not subject.restricted:
        return True
    if user.role in SUPERVISOR_ROLES or subject.assigned_officer_id == user.pk:
        return True
    if subject.need_to_know.filter(pk=user.pk).exists():
        return True
    return BreakGlassAccess.objects.filter(subject=subject, user=user, expires_at__gt=timezone.now()).exists()


def restricted_details_hidden_q(user: User) -> Q:
    """A filter that is true for subjects whose details ``user`` may NOT see (for list masking)."""
    if user.role in SUPERVISOR_ROLES:
        return Q(pk__in=[])
    live_glass = BreakGlassAccess.objects.filter(subject=OuterRef("pk"), user=user, expires_at__gt=timezone.now())
    on_list = Subject.need_to_know.through.objects.filter(subject=OuterRef("pk"), user=user)
    return Q(restricted=True) & ~Q(assigned_officer=user) & ~Exists(on_list) & ~Exists(live_glass)


def case_list_visible(user: User) -> QuerySet[Case]:
    """Cases of subjects the user can see; restricted subjects' cases only where details are visible."""
    subjects = subject_list_visible(user).exclude(restricted_details_hidden_q(user))
    return Case.objects.filter(subject__in=subjects).select_related("subject", "force", "assigned_officer")


def case_get_visible(user: User, pk: int) -> Case:
    return get_object_or_404(case_list_visible(user), pk=pk)
