"""Interventions, disposals and supervisory reviews: the only place their statuses change.

Each transition function locks the row (SELECT … FOR UPDATE) and moves it with
``editing.status.status_move`` against ``INTERVENTION_TRANSITIONS`` or
``DISPOSAL_TRANSITIONS`` (which saves and writes the status-change row), then logs
an access event and notifies the other party in the app — in one transaction.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import force_ids_accessible
from accounts.services import notification_send
from audit.models import Operation
from audit.services import access_event_record
from editing.status import Transitions, status_history_start, status_move
from editing.versions import version_check, versioned_update
from followups.services import (
    intervention_review_cancel,
    intervention_review_owe,
    reoffending_checks_cancel,
    reoffending_checks_owe,
    supervisory_review_recorded,
)
from subjects.models import Case, age_on

from .models import (
    NDM_STAGES,
    Disposal,
    DisposalStatus,
    DisposalType,
    Intervention,
    InterventionStatus,
    SupervisoryReview,
)

# ------------------------------------------------------------------------------
# Interventions
# ------------------------------------------------------------------------------
INTERVENTION_TRANSITIONS = Transitions(
    statuses=InterventionStatus,
    moves={
        InterventionStatus.PLANNED: frozenset(
            {InterventionStatus.ACTIVE, InterventionStatus.WITHDRAWN, InterventionStatus.DECLINED}
        ),
        InterventionStatus.ACTIVE: frozenset({InterventionStatus.COMPLETED, InterventionStatus.WITHDRAWN}),
        InterventionStatus.COMPLETED: frozenset(),
        InterventionStatus.WITHDRAWN: frozenset(),
        InterventionStatus.DECLINED: frozenset(),
    },
    refusal="A {current} intervention cannot become {target}.",
)


@transaction.atomic
def intervention_plan(*, case: Case, by: User, fields: dict, request=None) -> Intervention:
    """Plan an intervention on an open case."""
    locked = Case.objects.select_for_update().select_related("force").get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError("Interventions can only be planned on an open case.")
    intervention = Intervention(case=locked, created_by=by, status=InterventionStatus.PLANNED, **fields)
    intervention.full_clean()
    intervention.save()
    status_history_start(intervention, by=by, reason="Planned")
    _log(request, by, Operation.COLLECTION, "intervention", intervention.pk, locked.force.code)
    return intervention


@transaction.atomic
def intervention_transition(
    *, intervention: Intervention, by: User, to_status: str, reason: str = "", on: date | None = None, request=None
) -> Intervention:
    """Start, complete, withdraw or record a refusal of an intervention, dating it ``on`` (default today)."""
    locked = Intervention.objects.select_for_update().select_related("case__force").get(pk=intervention.pk)
    day = on or timezone.localdate()
    status_move(
        locked,
        transitions=INTERVENTION_TRANSITIONS,
        to_status=to_status,
        by=by,
        reason=reason,
        apply=lambda moved: _date_move(moved, day, reason),
    )
    _review_follow_up(locked)
    _log(request, by, Operation.ALTERATION, "intervention", locked.pk, locked.case.force.code, ["status"])
    return locked


def _date_move(intervention: Intervention, day: date, reason: str) -> None:
    """The reason a withdrawal or a refusal needs, and the day the intervention started or ended."""
    if intervention.status in {InterventionStatus.WITHDRAWN, InterventionStatus.DECLINED} and not reason.strip():
        raise ValidationError({"reason": "Say why."})
    if day > timezone.localdate():
        raise ValidationError({"on": "The date cannot be in the future."})
    if intervention.status == InterventionStatus.ACTIVE:
        intervention.started_on = day
    elif intervention.status in {InterventionStatus.COMPLETED, InterventionStatus.WITHDRAWN}:
        intervention.ended_on = day
    intervention.full_clean()


def _review_follow_up(intervention: Intervention) -> None:
    """Starting an intervention owes a review; when none is left running, the pending review is cancelled."""
    case = intervention.case
    if intervention.status == InterventionStatus.ACTIVE:
        intervention_review_owe(case=case, started_on=intervention.started_on or timezone.localdate())
    elif not case.interventions.filter(status=InterventionStatus.ACTIVE).exists():
        intervention_review_cancel(case=case)


@transaction.atomic
def intervention_update(
    *, intervention: Intervention, by: User, expected_version: int, changes: dict, request=None
) -> Intervention:
    """Save ``changes`` if nobody saved the intervention since ``expected_version``; else raise ConflictError."""
    current = Intervention.objects.select_for_update().select_related("case__force").get(pk=intervention.pk)
    changed = versioned_update(current, expected_version=expected_version, changes=changes)
    if changed:
        _log(request, by, Operation.ALTERATION, "intervention", current.pk, current.case.force.code, changed)
    return current


# ------------------------------------------------------------------------------
# Disposals
# ------------------------------------------------------------------------------
DISPOSAL_TRANSITIONS = Transitions(
    statuses=DisposalStatus,
    moves={
        DisposalStatus.DRAFT: frozenset({DisposalStatus.SUBMITTED}),
        DisposalStatus.SUBMITTED: frozenset(
            {DisposalStatus.APPROVED, DisposalStatus.RETURNED, DisposalStatus.REJECTED}
        ),
        DisposalStatus.RETURNED: frozenset({DisposalStatus.SUBMITTED}),
        # An approved disposal that is edited goes back for approval.
        DisposalStatus.APPROVED: frozenset({DisposalStatus.SUBMITTED}),
        DisposalStatus.REJECTED: frozenset(),
    },
    refusal="A disposal that is {current} cannot become {target}.",
)
DECISIONS = frozenset({DisposalStatus.APPROVED, DisposalStatus.RETURNED, DisposalStatus.REJECTED})
EDITABLE_STATUSES = frozenset({DisposalStatus.DRAFT, DisposalStatus.RETURNED, DisposalStatus.APPROVED})
DISPOSAL_FIELDS = ("type", "outcome", *(name for name, _ in NDM_STAGES))


def disposal_types_offered(*, case: Case):
    """Disposal types an officer may propose for ``case``: active, the two-tier ones only when enabled, by age."""
    types = DisposalType.objects.offered()
    if not settings.TWO_TIER_CAUTIONS:
        types = types.filter(two_tier=False)
    age = age_on(case.subject.date_of_birth, case.referral_date)
    if age is not None:
        types = types.exclude(adults_only=True) if age < 18 else types.exclude(youth_only=True)
    return types


@transaction.atomic
def disposal_propose(*, case: Case, by: User, fields: dict, request=None) -> Disposal:
    """Start a draft disposal on an open case."""
    locked = Case.objects.select_for_update().select_related("force", "subject").get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError("A disposal can only be proposed on an open case.")
    _check_type_offered(locked, fields.get("type"))
    disposal = Disposal(case=locked, proposed_by=by, status=DisposalStatus.DRAFT, **fields)
    disposal.full_clean()
    disposal.save()
    status_history_start(disposal, by=by, reason="")
    _log(request, by, Operation.COLLECTION, "disposal", disposal.pk, locked.force.code)
    return disposal


@transaction.atomic
def disposal_update(*, disposal: Disposal, by: User, expected_version: int, changes: dict, request=None) -> Disposal:
    """Edit a disposal; editing an approved one sends it back for approval."""
    current = Disposal.objects.select_for_update().select_related("case__force", "case__subject").get(pk=disposal.pk)
    version_check(current, expected_version)
    if current.status not in EDITABLE_STATUSES:
        raise ValidationError("This disposal cannot be changed while it is awaiting a decision or after rejection.")
    was_approved = current.status == DisposalStatus.APPROVED
    changed = versioned_update(
        current,
        expected_version=expected_version,
        changes=changes,
        before_save=lambda edited, _changed: _check_type_offered(edited.case, changes.get("type")),
    )
    if not changed:
        return current
    _log(request, by, Operation.ALTERATION, "disposal", current.pk, current.case.force.code, changed)
    if was_approved:
        reoffending_checks_cancel(case=current.case)
        return _disposal_move(current, by, DisposalStatus.SUBMITTED, "Changed after approval", request)
    return current


def _check_type_offered(case: Case, disposal_type: DisposalType | None) -> None:
    if disposal_type is not None and not disposal_types_offered(case=case).filter(pk=disposal_type.pk).exists():
        raise ValidationError({"type": "This disposal type cannot be used for this case."})


@transaction.atomic
def disposal_submit(*, disposal: Disposal, by: User, request=None) -> Disposal:
    """Send a draft (or returned) disposal for approval; every NDM stage must be written."""
    locked = _locked_disposal(disposal)
    if locked.status not in {DisposalStatus.DRAFT, DisposalStatus.RETURNED}:
        raise ValidationError(
            f"A disposal that is {locked.get_status_display().lower()} cannot be submitted: only a draft or a "
            "returned one can."
        )
    missing = {
        name: "Write this stage of the National Decision Model."
        for name, _ in NDM_STAGES
        if not getattr(locked, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    if by.pk != locked.proposed_by_id:
        raise ValidationError("Only the officer who proposed this disposal can submit it.")
    return _disposal_move(locked, by, DisposalStatus.SUBMITTED, "", request)


@transaction.atomic
def disposal_decide(*, disposal: Disposal, by: User, decision: str, comment: str = "", request=None) -> Disposal:
    """Approve, return or reject a submitted disposal.

    Refused to the proposer (never their own), to anyone without the approver
    role for the disposal type, and when someone else decided first (the row
    lock makes the second of two simultaneous approvers see the first decision).
    """
    locked = _locked_disposal(disposal)
    if decision not in DECISIONS:
        raise ValidationError("Choose approve, return or reject.")
    check_can_decide(user=by, disposal=locked)
    if decision in {DisposalStatus.RETURNED, DisposalStatus.REJECTED} and not comment.strip():
        raise ValidationError({"comment": "Give a reason for returning or rejecting the disposal."})
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_comment = comment.strip()
    moved = _disposal_move(locked, by, decision, comment.strip(), request)
    if moved.status == DisposalStatus.APPROVED:
        reoffending_checks_owe(case=moved.case, decided_on=timezone.localdate(moved.decided_at))
    return locked


def check_can_decide(*, user: User, disposal: Disposal) -> None:
    """Raise ValidationError unless ``user`` may decide ``disposal`` now."""
    if disposal.status != DisposalStatus.SUBMITTED:
        raise ValidationError(f"This disposal is {disposal.get_status_display().lower()}: there is nothing to decide.")
    if user.pk == disposal.proposed_by_id:
        raise ValidationError("You cannot decide a disposal you proposed.")
    if not can_approve_type(user=user, disposal_type=disposal.type):
        role = disposal.type.get_approver_role_display().lower()
        raise ValidationError(f"{'An' if role[0] in 'aeiou' else 'A'} {role} must decide this disposal.")
    if disposal.case.force_id not in force_ids_accessible(user):
        raise ValidationError("This case is outside the forces you supervise.")


def can_approve_type(*, user: User, disposal_type: DisposalType) -> bool:
    if disposal_type.approver_role == Role.INSPECTOR:
        return user.role == Role.INSPECTOR
    return user.role in {Role.SERGEANT, Role.INSPECTOR}


def _locked_disposal(disposal: Disposal) -> Disposal:
    return (
        Disposal.objects.select_for_update()
        .select_related("case__force", "case__subject", "type", "proposed_by")
        .get(pk=disposal.pk)
    )


def _disposal_move(disposal: Disposal, by: User, to_status: str, reason: str, request) -> Disposal:
    """Precondition: called inside a transaction holding the disposal's row lock."""
    status_move(
        disposal, transitions=DISPOSAL_TRANSITIONS, to_status=to_status, by=by, reason=reason, apply=_submission_date
    )
    _log(request, by, Operation.ALTERATION, "disposal", disposal.pk, disposal.case.force.code, ["status"])
    _notify_other_party(disposal, by, to_status)
    return disposal


def _submission_date(disposal: Disposal) -> None:
    """A disposal sent (again) for approval waits for a new decision."""
    if disposal.status == DisposalStatus.SUBMITTED:
        disposal.submitted_at = timezone.now()
        disposal.decided_by, disposal.decided_at = None, None


def _notify_other_party(disposal: Disposal, by: User, to_status: str) -> None:
    case = disposal.case
    url = reverse("interventions:disposal_detail", args=[disposal.pk])
    if to_status == DisposalStatus.SUBMITTED:
        approvers = User.objects.filter(is_active=True, forces=case.force_id).exclude(pk=disposal.proposed_by_id)
        roles = [Role.INSPECTOR] if disposal.type.approver_role == Role.INSPECTOR else [Role.SERGEANT, Role.INSPECTOR]
        recipients = list(approvers.filter(role__in=roles).distinct())
        title = f"Disposal for {case.reference} awaits your decision"
    else:
        recipients = [disposal.proposed_by] if disposal.proposed_by_id != by.pk else []
        title = f"Disposal for {case.reference} {DisposalStatus(to_status).label.lower()}"
    notification_send(recipients=recipients, title=title, url=url)


def disposals_follow_cases(cases: list[Case], to_officer: User, by: User) -> None:
    """A ``case_reassigned`` receiver: the new officer takes over the cases' unsent proposals (draft or returned),
    so they may edit and submit them; proposals awaiting or past a decision stay with who sent them.

    A returned proposal handed to the supervisor who returned it forgets that decision (still in its status
    history): nobody decides their own proposal.
    """
    unsent = Disposal.objects.filter(
        case__in=cases, status__in=[DisposalStatus.DRAFT, DisposalStatus.RETURNED]
    ).exclude(proposed_by=to_officer)
    moved = list(unsent.select_related("case__force"))
    unsent.filter(decided_by=to_officer).update(decided_by=None, decided_at=None)
    unsent.update(proposed_by=to_officer, version=F("version") + 1)
    for disposal in moved:
        force = disposal.case.force.code
        _log(None, by, Operation.ALTERATION, "disposal", disposal.pk, force, ["proposed_by"], "Case reassigned")


def case_has_approved_disposal(case: Case) -> str:
    """A close guard: a case closes only with an approved disposal (declined triage is a separate path)."""
    if Disposal.objects.filter(case=case, status=DisposalStatus.APPROVED).exists():
        return ""
    return "A case can only close once a disposal has been approved."


# ------------------------------------------------------------------------------
# Supervisory reviews and reassignment
# ------------------------------------------------------------------------------
@transaction.atomic
def review_record(
    *, case: Case, by: User, notes: str, actions: str = "", next_review_date: date | None = None, request=None
) -> SupervisoryReview:
    """A sergeant's review of an active case; the next review defaults to ``SUPERVISORY_REVIEW_DAYS`` on."""
    locked = Case.objects.select_for_update().select_related("force").get(pk=case.pk)
    if by.role not in {Role.SERGEANT, Role.INSPECTOR}:
        raise ValidationError("Only a sergeant or inspector records supervisory reviews.")
    if not locked.is_open:
        raise ValidationError("Only open cases are reviewed.")
    today = timezone.localdate()
    next_date = next_review_date or today + timedelta(days=settings.SUPERVISORY_REVIEW_DAYS)
    if next_date <= today:
        raise ValidationError({"next_review_date": "The next review must be after today."})
    if not notes.strip():
        raise ValidationError({"notes": "Write what you reviewed."})
    review = SupervisoryReview.objects.create(
        case=locked, reviewer=by, notes=notes.strip(), actions=actions.strip(), next_review_date=next_date
    )
    Case.objects.filter(pk=locked.pk).update(next_review_date=next_date)
    supervisory_review_recorded(case=locked, by=by, next_review_date=next_date)
    _log(request, by, Operation.COLLECTION, "supervisory_review", review.pk, locked.force.code)
    return review


def _log(request, by, operation, object_type, object_id, force_code, changed=(), justification="") -> None:
    access_event_record(
        request=request,
        actor=by,
        operation=operation,
        object_type=object_type,
        object_id=object_id,
        force=force_code,
        changed_fields=changed,
        justification=justification,
    )
