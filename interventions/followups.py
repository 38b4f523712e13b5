"""Follow-ups: the rules that owe a check on a case, and recording its result.

Every ``on_…`` rule is called by the service that causes it, inside that
service's transaction, so the follow-up exists exactly when the cause does.
Rules are idempotent: a follow-up is keyed by (case, kind, due date) with a
unique constraint, and running a rule again changes nothing.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from audit.models import Operation
from audit.services import access_event_record
from subjects.models import Case, CaseStatus, ReferralSource

from .models import (
    REOFFENDING_KINDS,
    Disposal,
    DisposalStatus,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Intervention,
    InterventionStatus,
    ReoffendingResult,
    SupervisoryReview,
)

REOFFENDING_KIND_BY_MONTHS = {
    3: FollowUpKind.REOFFENDING_3M,
    6: FollowUpKind.REOFFENDING_6M,
    12: FollowUpKind.REOFFENDING_12M,
}
# Outcomes of an engagement that count as reaching the subject (as subjects.services.REACHED_OUTCOMES).
REACHED_OUTCOMES = ("engaged", "refused")
# Defaults of the reminder settings (config/settings/base.py reads them from the environment; README lists them).
SETTING_DEFAULTS = {
    "REOFFENDING_CHECK_MONTHS": [3, 6, 12],
    "SUPERVISORY_REVIEW_DAYS": 28,
    "INTERVENTION_REVIEW_DAYS": 28,
    "DIGEST_HOUR": 7,
    "DIGEST_WORKING_DAYS_ONLY": True,
    "ESCALATION_WORKING_DAYS": 3,
    "APPROVAL_ESCALATION_WORKING_DAYS": 5,
    "SITE_URL": "http://127.0.0.1:8000",
    "AGREEMENT_REMINDER_DAYS": 60,
}


def setting(name: str):
    """A reminder setting, falling back to its documented default."""
    return getattr(settings, name, SETTING_DEFAULTS[name])


# ------------------------------------------------------------------------------
# Rules (precondition: called inside the causing service's transaction)
# ------------------------------------------------------------------------------
def on_case_created(case: Case) -> None:
    """A new case owes first contact by ``case.first_contact_due``."""
    if case.first_contact_due:
        _owe(case, FollowUpKind.FIRST_CONTACT, case.first_contact_due)


def on_case_transition(case: Case, to_status: str) -> None:
    """Active cases owe a supervisory review; closing cancels all but re-offending checks; declining cancels all."""
    if to_status == CaseStatus.ACTIVE:
        open_review = _pending(case).filter(kind=FollowUpKind.SUPERVISORY_REVIEW)
        if not open_review.exists():
            _owe(case, FollowUpKind.SUPERVISORY_REVIEW, case.next_review_date or _review_due())
    elif to_status == CaseStatus.CLOSED:
        _pending(case).exclude(kind__in=REOFFENDING_KINDS).update(status=FollowUpStatus.CANCELLED)
    elif to_status == CaseStatus.DECLINED:
        _pending(case).update(status=FollowUpStatus.CANCELLED)


def on_engagement_logged(case: Case, outcome: str, by: User) -> None:
    """The first engagement that reaches the subject is the first contact: it completes that follow-up."""
    if outcome in REACHED_OUTCOMES:
        _complete(_pending(case).filter(kind=FollowUpKind.FIRST_CONTACT), by)


def on_review_recorded(review: SupervisoryReview) -> None:
    """A review completes the open review follow-up and owes the next one on its ``next_review_date``."""
    case = review.case
    _complete(_pending(case).filter(kind=FollowUpKind.SUPERVISORY_REVIEW), review.reviewer)
    _owe(case, FollowUpKind.SUPERVISORY_REVIEW, review.next_review_date)


def on_disposal_moved(disposal: Disposal) -> None:
    """Approval owes the re-offending checks, counted from the day of the decision."""
    if disposal.status != DisposalStatus.APPROVED:
        return
    decided_on = timezone.localdate(disposal.decided_at) if disposal.decided_at else timezone.localdate()
    for months in reoffending_check_months():
        _owe(disposal.case, REOFFENDING_KIND_BY_MONTHS[months], decided_on + relativedelta(months=months))


def on_approval_withdrawn(disposal: Disposal) -> None:
    """An approved disposal edited (back for approval) no longer owes its re-offending checks until re-approved."""
    _pending(disposal.case).filter(kind__in=REOFFENDING_KINDS).update(status=FollowUpStatus.CANCELLED)


def on_intervention_moved(intervention: Intervention) -> None:
    """Starting an intervention owes a review; when none is left running, the pending review is cancelled."""
    case = intervention.case
    if intervention.status == InterventionStatus.ACTIVE:
        started = intervention.started_on or timezone.localdate()
        _owe(case, FollowUpKind.INTERVENTION_REVIEW, started + timedelta(days=setting("INTERVENTION_REVIEW_DAYS")))
    elif not case.interventions.filter(status=InterventionStatus.ACTIVE).exists():
        _pending(case).filter(kind=FollowUpKind.INTERVENTION_REVIEW).update(status=FollowUpStatus.CANCELLED)


def on_agreement_saved(agreement) -> None:
    """A signed agreement with an expiry date owes its relationship owner a renewal check ``AGREEMENT_REMINDER_DAYS``
    before it expires; a new expiry date moves that check, and ending the agreement (or removing the date) cancels it.
    """
    from partners.models import AgreementStatus

    pending = FollowUp.objects.filter(
        agreement=agreement, kind=FollowUpKind.AGREEMENT_EXPIRY, status=FollowUpStatus.DUE
    ).order_by("id")
    if agreement.status != AgreementStatus.SIGNED or not agreement.expires_on:
        pending.update(status=FollowUpStatus.CANCELLED)
        return
    due = agreement.expires_on - timedelta(days=setting("AGREEMENT_REMINDER_DAYS"))
    owner_id = agreement.partner.relationship_owner_id
    pending.exclude(due_date=due).update(status=FollowUpStatus.CANCELLED)
    followup, created = FollowUp.objects.get_or_create(
        agreement=agreement,
        kind=FollowUpKind.AGREEMENT_EXPIRY,
        due_date=due,
        defaults={"assignee_id": owner_id},
    )
    if not created and followup.status != FollowUpStatus.DONE:
        FollowUp.objects.filter(pk=followup.pk).update(status=FollowUpStatus.DUE, assignee_id=owner_id)
    if created and due <= timezone.localdate():
        _remind_soon(followup)


def reoffending_check_months() -> list[int]:
    months = list(setting("REOFFENDING_CHECK_MONTHS"))
    unknown = set(months) - set(REOFFENDING_KIND_BY_MONTHS)
    if unknown:
        raise ImproperlyConfigured(f"REOFFENDING_CHECK_MONTHS may list 3, 6 and 12 only, not {sorted(unknown)}.")
    return months


def _owe(case: Case, kind: str, due: date) -> FollowUp:
    """The follow-up (case, kind, due), created once; a cancelled one owed again becomes due again."""
    followup, created = FollowUp.objects.get_or_create(
        case=case, kind=kind, due_date=due, defaults={"assignee_id": case.assigned_officer_id}
    )
    if not created and followup.status == FollowUpStatus.CANCELLED:
        FollowUp.objects.filter(pk=followup.pk).update(status=FollowUpStatus.DUE)
    if created and due <= timezone.localdate():
        _remind_soon(followup)
    return followup


def _remind_soon(followup: FollowUp) -> None:
    """A follow-up born due (a late-entered referral) is reminded now rather than at the next sweep."""
    from config.celery_app import enqueue_on_commit

    from .tasks import remind_followup

    enqueue_on_commit(remind_followup, followup.pk)


def _pending(case: Case):
    return FollowUp.objects.filter(case=case, status=FollowUpStatus.DUE)


def _complete(followups, by: User | None) -> int:
    return followups.update(status=FollowUpStatus.DONE, completed_at=timezone.now(), completed_by=by)


def _review_due() -> date:
    return timezone.localdate() + timedelta(days=setting("SUPERVISORY_REVIEW_DAYS"))


# ------------------------------------------------------------------------------
# Selectors
# ------------------------------------------------------------------------------
def today() -> date:
    return timezone.localdate()


def followup_list_visible(user: User):
    """Follow-ups on cases ``user`` may see (other forces and hidden restricted records excluded).

    A follow-up without a case (an agreement's expiry) is visible to those who may see the agreement's partner.
    """
    from partners.selectors import partner_list_visible
    from subjects.selectors.access import case_list_visible

    return FollowUp.objects.filter(
        Q(case__in=case_list_visible(user))
        | Q(case__isnull=True, agreement__partner__in=partner_list_visible(user).values("pk"))
    ).select_related("case__subject", "case__force", "agreement__partner", "assignee", "completed_by")


def followup_list_mine(user: User):
    """``user``'s follow-ups still due, the longest overdue first."""
    return followup_list_visible(user).filter(assignee=user, status=FollowUpStatus.DUE).order_by("due_date", "id")


# ------------------------------------------------------------------------------
# Recording a result
# ------------------------------------------------------------------------------
@transaction.atomic
def followup_record(*, followup: FollowUp, by: User, result: str = "", notes: str = "", request=None) -> FollowUp:
    """Mark a due follow-up done; a re-offending check needs its result. The row lock stops a double record."""
    locked = FollowUp.objects.select_for_update(of=("self",)).select_related("case__force").get(pk=followup.pk)
    if locked.status != FollowUpStatus.DUE:
        raise ValidationError(f"This follow-up is already {locked.get_status_display().lower()}.")
    if locked.is_reoffending_check and result not in ReoffendingResult.values:
        raise ValidationError({"result": "Choose the result of the re-offending check."})
    locked.result = result if locked.is_reoffending_check else ""
    locked.notes = notes.strip()
    locked.status = FollowUpStatus.DONE
    locked.completed_at = timezone.now()
    locked.completed_by = by
    locked.full_clean()
    locked.save()
    _log(request, by, Operation.ALTERATION, "followup", locked.pk, locked.case, ["status", "result", "notes"])
    return locked


def followup_open_case(*, followup: FollowUp, by: User, request=None) -> Case:
    """Open a new case for the subject of a re-offending check that found re-offending (source: other)."""
    from subjects.services.cases import case_create

    if followup.result != ReoffendingResult.REOFFENDED or followup.case is None:
        raise ValidationError("A new case is opened from a re-offending check that found re-offending.")
    return case_create(
        subject=followup.case.subject,
        by=by,
        fields={"referral_date": timezone.localdate(), "source": ReferralSource.OTHER},
        request=request,
    )


def _log(request, by, operation, object_type, object_id, case: Case | None, changed=()) -> None:
    access_event_record(
        request=request,
        actor=by,
        operation=operation,
        object_type=object_type,
        object_id=object_id,
        force=case.force.code if case else "",
        changed_fields=changed,
    )
