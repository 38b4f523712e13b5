"""Interventions, disposals and supervisory reviews: the only place their statuses change.

Each transition function locks the row (SELECT … FOR UPDATE), checks the move
against ``ALLOWED_TRANSITIONS``, saves, writes a status-change row and an access
event, and notifies the other party in the app — in one transaction.
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
from editing.versions import ConflictError
from subjects.models import OPEN_STATUSES, Case, age_on

from . import followups
from .models import (
    NDM_STAGES,
    Disposal,
    DisposalStatus,
    DisposalStatusChange,
    DisposalType,
    Intervention,
    InterventionStatus,
    InterventionStatusChange,
    SupervisoryReview,
)

DEFAULT_REVIEW_INTERVAL_DAYS = 28


# ------------------------------------------------------------------------------
# Interventions
# ------------------------------------------------------------------------------
INTERVENTION_TRANSITIONS: dict[str, frozenset[str]] = {
    InterventionStatus.PLANNED: frozenset(
        {InterventionStatus.ACTIVE, InterventionStatus.WITHDRAWN, InterventionStatus.DECLINED}
    ),
    InterventionStatus.ACTIVE: frozenset({InterventionStatus.COMPLETED, InterventionStatus.WITHDRAWN}),
    InterventionStatus.COMPLETED: frozenset(),
    InterventionStatus.WITHDRAWN: frozenset(),
    InterventionStatus.DECLINED: frozenset(),
}


@transaction.atomic
def intervention_plan(*, case: Case, by: User, fields: dict, request=None) -> Intervention:
    """Plan an intervention on an open case."""
    locked = Case.objects.select_for_update().select_related("force").get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError("Interventions can only be planned on an open case.")
    intervention = Intervention(case=locked, created_by=by, status=InterventionStatus.PLANNED, **fields)
    intervention.full_clean()
    intervention.save()
    InterventionStatusChange.objects.create(
        intervention=intervention, from_status="", to_status=InterventionStatus.PLANNED, by=by, reason="Planned"
    )
    _log(request, by, Operation.COLLECTION, "intervention", intervention.pk, locked.force.code)
    return intervention


@transaction.atomic
def intervention_transition(
    *, intervention: Intervention, by: User, to_status: str, reason: str = "", on: date | None = None, request=None
) -> Intervention:
    """Start, complete, withdraw or record a refusal of an intervention, dating it ``on`` (default today)."""
    locked = Intervention.objects.select_for_update().select_related("case__force").get(pk=intervention.pk)
    if to_status not in INTERVENTION_TRANSITIONS.get(locked.status, frozenset()):
        raise ValidationError(f"A {locked.get_status_display().lower()} intervention cannot become {to_status}.")
    if to_status in {InterventionStatus.WITHDRAWN, InterventionStatus.DECLINED} and not reason.strip():
        raise ValidationError({"reason": "Say why."})
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"on": "The date cannot be in the future."})
    from_status = locked.status
    locked.status = to_status
    if to_status == InterventionStatus.ACTIVE:
        locked.started_on = day
    elif to_status in {InterventionStatus.COMPLETED, InterventionStatus.WITHDRAWN}:
        locked.ended_on = day
    locked.full_clean()
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    InterventionStatusChange.objects.create(
        intervention=locked, from_status=from_status, to_status=to_status, by=by, reason=reason.strip()
    )
    followups.on_intervention_moved(locked)
    _log(request, by, Operation.ALTERATION, "intervention", locked.pk, locked.case.force.code, ["status"])
    return locked


@transaction.atomic
def intervention_update(
    *, intervention: Intervention, by: User, expected_version: int, changes: dict, request=None
) -> Intervention:
    current = Intervention.objects.select_for_update().select_related("case__force").get(pk=intervention.pk)
    if current.version != expected_version:
        raise ConflictError(current)
    changed = [name for name, value in changes.items() if getattr(current, name) != value]
    if not changed:
        return current
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _log(request, by, Operation.ALTERATION, "intervention", current.pk, current.case.force.code, changed)
    return current


# ------------------------------------------------------------------------------
# Disposals
# ------------------------------------------------------------------------------
DISPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    DisposalStatus.DRAFT: frozenset({DisposalStatus.SUBMITTED}),
    DisposalStatus.SUBMITTED: frozenset({DisposalStatus.APPROVED, DisposalStatus.RETURNED, DisposalStatus.REJECTED}),
    DisposalStatus.RETURNED: frozenset({DisposalStatus.SUBMITTED}),
    # An approved disposal that is edited goes back for approval.
    DisposalStatus.APPROVED: frozenset({DisposalStatus.SUBMITTED}),
    DisposalStatus.REJECTED: frozenset(),
}
DECISIONS = frozenset({DisposalStatus.APPROVED, DisposalStatus.RETURNED, DisposalStatus.REJECTED})
EDITABLE_STATUSES = frozenset({DisposalStatus.DRAFT, DisposalStatus.RETURNED, DisposalStatus.APPROVED})
DISPOSAL_FIELDS = ("type", "outcome", *(name for name, _ in NDM_STAGES))


def disposal_types_offered(*, case: Case):
    """Disposal types an officer may propose for ``case``: active, the two-tier ones only when enabled, by age."""
    types = DisposalType.objects.filter(active=True)
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
    DisposalStatusChange.objects.create(disposal=disposal, from_status="", to_status=DisposalStatus.DRAFT, by=by)
    _log(request, by, Operation.COLLECTION, "disposal", disposal.pk, locked.force.code)
    return disposal


@transaction.atomic
def disposal_update(*, disposal: Disposal, by: User, expected_version: int, changes: dict, request=None) -> Disposal:
    """Edit a disposal; editing an approved one sends it back for approval."""
    current = Disposal.objects.select_for_update().select_related("case__force", "case__subject").get(pk=disposal.pk)
    if current.version != expected_version:
        raise ConflictError(current)
    if current.status not in EDITABLE_STATUSES:
        raise ValidationError("This disposal cannot be changed while it is awaiting a decision or after rejection.")
    changed = [name for name, value in changes.items() if getattr(current, name) != value]
    if not changed:
        return current
    if "type" in changes:
        _check_type_offered(current.case, changes["type"])
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    was_approved = current.status == DisposalStatus.APPROVED
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _log(request, by, Operation.ALTERATION, "disposal", current.pk, current.case.force.code, changed)
    if was_approved:
        followups.on_approval_withdrawn(current)
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
    followups.on_disposal_moved(_disposal_move(locked, by, decision, comment.strip(), request))
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
    if to_status not in DISPOSAL_TRANSITIONS.get(disposal.status, frozenset()):
        raise ValidationError(
            f"A disposal that is {disposal.get_status_display().lower()} cannot become "
            f"{DisposalStatus(to_status).label.lower()}."
        )
    from_status = disposal.status
    disposal.status = to_status
    if to_status == DisposalStatus.SUBMITTED:
        disposal.submitted_at = timezone.now()
        disposal.decided_by, disposal.decided_at = None, None
    disposal.version = F("version") + 1
    disposal.save()
    disposal.refresh_from_db()
    DisposalStatusChange.objects.create(
        disposal=disposal, from_status=from_status, to_status=to_status, by=by, reason=reason
    )
    _log(request, by, Operation.ALTERATION, "disposal", disposal.pk, disposal.case.force.code, ["status"])
    _notify_other_party(disposal, by, to_status)
    return disposal


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
    """A sergeant's review of an active case; the next review defaults to 28 days on."""
    locked = Case.objects.select_for_update().select_related("force").get(pk=case.pk)
    if by.role not in {Role.SERGEANT, Role.INSPECTOR}:
        raise ValidationError("Only a sergeant or inspector records supervisory reviews.")
    if not locked.is_open:
        raise ValidationError("Only open cases are reviewed.")
    today = timezone.localdate()
    next_date = next_review_date or today + timedelta(days=DEFAULT_REVIEW_INTERVAL_DAYS)
    if next_date <= today:
        raise ValidationError({"next_review_date": "The next review must be after today."})
    if not notes.strip():
        raise ValidationError({"notes": "Write what you reviewed."})
    review = SupervisoryReview.objects.create(
        case=locked, reviewer=by, notes=notes.strip(), actions=actions.strip(), next_review_date=next_date
    )
    Case.objects.filter(pk=locked.pk).update(next_review_date=next_date)
    followups.on_review_recorded(review)
    _log(request, by, Operation.COLLECTION, "supervisory_review", review.pk, locked.force.code)
    return review


@transaction.atomic
def cases_reassign(*, case_ids, to_officer: User, by: User, reason: str, request=None) -> int:
    """Move the given open cases (and their subjects) to ``to_officer``, logged with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for reassigning."})
    if not to_officer.is_active or to_officer.role not in {Role.OFFICER, Role.SERGEANT}:
        raise ValidationError({"to_officer": "Choose an active officer."})
    allowed_forces = force_ids_accessible(by) & force_ids_accessible(to_officer)
    cases = list(
        Case.objects.select_for_update().filter(pk__in=case_ids, force_id__in=allowed_forces).select_related("force")
    )
    if len(cases) != len(set(case_ids)):
        raise ValidationError("Some cases are outside the forces you and the new officer share.")
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(assigned_officer=to_officer, version=F("version") + 1)
    from subjects.models import Subject

    Subject.objects.filter(pk__in={c.subject_id for c in cases}).update(assigned_officer=to_officer)
    for case in cases:
        _log(request, by, Operation.ALTERATION, "case", case.pk, case.force.code, ["assigned_officer"], reason)
    notification_send(recipients=[to_officer], title=f"{len(cases)} case(s) reassigned to you", url="")
    return len(cases)


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


def user_holds_open_cases(user: User) -> str:
    """A deactivation guard: nobody is deactivated while open cases are still assigned to them."""
    count = Case.objects.filter(assigned_officer=user, status__in=OPEN_STATUSES).count()
    return f"{user} still holds {count} open case(s): reassign them first." if count else ""
