"""Follow-ups: the rules that owe a check, recording its result, and handing follow-ups over.

Every rule runs inside the transaction of the change that causes it, so the
follow-up exists exactly when the cause does: the ``on_…`` receivers are
registered on ``subjects.hooks`` (FollowupsConfig.ready), and the apps above
call the other rules directly (interventions: approvals, interventions started
and ended, supervisory reviews). Rules are idempotent: a follow-up is keyed by
(case, kind, due date) with a unique constraint, and running a rule again
changes nothing.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import SUPERVISOR_ROLES, User
from accounts.services import notification_send
from audit.models import Operation
from audit.services import access_event_record
from subjects.hooks import AgreementSaved
from subjects.models import REACHED_OUTCOMES, Case, CaseStatus, Engagement, ReferralSource
from subjects.services.cases import case_create

from .models import REOFFENDING_KINDS, FollowUp, FollowUpKind, FollowUpStatus, ReoffendingResult
from .selectors import followup_list_visible, followups_due_from

REOFFENDING_KIND_BY_MONTHS = {
    3: FollowUpKind.REOFFENDING_3M,
    6: FollowUpKind.REOFFENDING_6M,
    12: FollowUpKind.REOFFENDING_12M,
}


# ------------------------------------------------------------------------------
# Receivers of subjects.hooks (precondition: inside the causing service's transaction)
# ------------------------------------------------------------------------------
def on_case_created(case: Case) -> None:
    """A new case owes first contact by ``case.first_contact_due``."""
    if case.first_contact_due:
        _owe(case, FollowUpKind.FIRST_CONTACT, case.first_contact_due)


def on_case_moved(case: Case, from_status: str) -> None:
    """Active cases owe a supervisory review; closing cancels all but re-offending checks; declining cancels all."""
    if case.status == CaseStatus.ACTIVE:
        if not _pending(case).filter(kind=FollowUpKind.SUPERVISORY_REVIEW).exists():
            _owe(case, FollowUpKind.SUPERVISORY_REVIEW, case.next_review_date or _review_due())
    elif case.status == CaseStatus.CLOSED:
        _pending(case).exclude(kind__in=REOFFENDING_KINDS).update(status=FollowUpStatus.CANCELLED)
    elif case.status == CaseStatus.DECLINED:
        _pending(case).update(status=FollowUpStatus.CANCELLED)


def on_engagement_logged(engagement: Engagement, by: User) -> None:
    """The first engagement that reaches the subject is the first contact: it completes that follow-up."""
    if engagement.outcome in REACHED_OUTCOMES:
        _complete(_pending(engagement.case).filter(kind=FollowUpKind.FIRST_CONTACT), by)


def on_cases_reassigned(cases: list[Case], to_officer: User, by: User) -> None:
    """The follow-ups still due on reassigned cases go with them; the new officer is told how many came."""
    moved = FollowUp.objects.filter(case__in=cases, status=FollowUpStatus.DUE).update(assignee=to_officer)
    if moved:
        notification_send(
            recipients=[to_officer],
            title=f"{moved} follow-up(s) came with the case(s) reassigned to you",
            url=reverse("followups:list"),
        )


def on_agreement_saved(saved: AgreementSaved) -> None:
    """A signed agreement with an expiry date owes its relationship owner a renewal check ``AGREEMENT_REMINDER_DAYS``
    before it expires; a new expiry date (or owner) moves that check, and ending the agreement (or removing the date)
    cancels it.
    """
    pending = FollowUp.objects.filter(
        agreement_id=saved.agreement_id, kind=FollowUpKind.AGREEMENT_EXPIRY, status=FollowUpStatus.DUE
    ).order_by("id")
    if not saved.signed or not saved.expires_on:
        pending.update(status=FollowUpStatus.CANCELLED)
        return
    due = saved.expires_on - timedelta(days=settings.AGREEMENT_REMINDER_DAYS)
    pending.exclude(due_date=due).update(status=FollowUpStatus.CANCELLED)
    followup, created = FollowUp.objects.get_or_create(
        agreement_id=saved.agreement_id,
        kind=FollowUpKind.AGREEMENT_EXPIRY,
        due_date=due,
        defaults={"assignee_id": saved.owner_id},
    )
    if not created and followup.status != FollowUpStatus.DONE:
        FollowUp.objects.filter(pk=followup.pk).update(status=FollowUpStatus.DUE, assignee_id=saved.owner_id)
    if created and due <= timezone.localdate():
        _remind_soon(followup)


# ------------------------------------------------------------------------------
# Rules the apps above call (precondition: inside the causing service's transaction)
# ------------------------------------------------------------------------------
def reoffending_checks_owe(*, case: Case, decided_on: date) -> None:
    """An approved disposal owes the re-offending checks, counted from the day of the decision."""
    for months in reoffending_check_months():
        _owe(case, REOFFENDING_KIND_BY_MONTHS[months], decided_on + relativedelta(months=months))


def reoffending_checks_cancel(*, case: Case) -> None:
    """An approval withdrawn (the disposal edited, back for approval) owes no checks until it is approved again."""
    _pending(case).filter(kind__in=REOFFENDING_KINDS).update(status=FollowUpStatus.CANCELLED)


def intervention_review_owe(*, case: Case, started_on: date) -> None:
    """An intervention started owes a review ``INTERVENTION_REVIEW_DAYS`` later."""
    _owe(case, FollowUpKind.INTERVENTION_REVIEW, started_on + timedelta(days=settings.INTERVENTION_REVIEW_DAYS))


def intervention_review_cancel(*, case: Case) -> None:
    """No intervention is left running on ``case``: its pending review is cancelled."""
    _pending(case).filter(kind=FollowUpKind.INTERVENTION_REVIEW).update(status=FollowUpStatus.CANCELLED)


def supervisory_review_recorded(*, case: Case, by: User, next_review_date: date) -> None:
    """A review completes the open review follow-up and owes the next one on ``next_review_date``."""
    _complete(_pending(case).filter(kind=FollowUpKind.SUPERVISORY_REVIEW), by)
    _owe(case, FollowUpKind.SUPERVISORY_REVIEW, next_review_date)


def reoffending_check_months() -> list[int]:
    months = list(settings.REOFFENDING_CHECK_MONTHS)
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
    return timezone.localdate() + timedelta(days=settings.SUPERVISORY_REVIEW_DAYS)


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
    _log(request, by, locked, ["status", "result", "notes"])
    return locked


def followup_open_case(*, followup: FollowUp, by: User, request=None) -> Case:
    """Open a new case for the subject of a re-offending check that found re-offending (source: other)."""
    if followup.result != ReoffendingResult.REOFFENDED or followup.case is None:
        raise ValidationError("A new case is opened from a re-offending check that found re-offending.")
    return case_create(
        subject=followup.case.subject,
        by=by,
        fields={"referral_date": timezone.localdate(), "source": ReferralSource.OTHER},
        request=request,
    )


# ------------------------------------------------------------------------------
# Handing over (before someone leaves)
# ------------------------------------------------------------------------------
@transaction.atomic
def followups_hand_over(*, from_user: User, to_user: User, by: User, reason: str, request=None) -> int:
    """Give ``to_user`` the follow-ups ``from_user`` still owes that ``by`` and ``to_user`` may both see.

    For the checks no case reassignment carries: re-offending checks outlive their (closed) case. Each move is
    logged with the reason; ``to_user`` is told how many came.
    """
    if by.role not in SUPERVISOR_ROLES:
        raise ValidationError("Only a sergeant or inspector hands follow-ups over.")
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for handing the follow-ups over."})
    if not to_user.is_active or to_user.pk == from_user.pk:
        raise ValidationError({"to_user": "Choose another active colleague."})
    moving = list(
        followups_due_from(from_user, viewer=by)
        .filter(pk__in=followup_list_visible(to_user).values("pk"))
        .select_for_update(of=("self",))
    )
    FollowUp.objects.filter(pk__in=[f.pk for f in moving]).update(assignee=to_user)
    for followup in moving:
        _log(request, by, followup, ["assignee"], justification=reason.strip())
    if moving:
        notification_send(
            recipients=[to_user],
            title=f"{len(moving)} follow-up(s) handed over to you",
            url=reverse("followups:list"),
        )
    return len(moving)


def user_holds_due_followups(user: User) -> str:
    """A deactivation guard: nobody is deactivated while follow-ups are still due from them."""
    count = FollowUp.objects.filter(assignee=user, status=FollowUpStatus.DUE).count()
    if not count:
        return ""
    where = reverse("followups:handover", args=[user.pk])
    return (
        f"{user} still owes {count} follow-up(s): reassign their open cases (the follow-ups go with them) "
        f"or hand the follow-ups over first ({where})."
    )


def _log(request, by: User, followup: FollowUp, changed, justification: str = "") -> None:
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.ALTERATION,
        object_type="followup",
        object_id=followup.pk,
        force=followup.case.force.code if followup.case_id else "",
        changed_fields=changed,
        justification=justification,
    )
