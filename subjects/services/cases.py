"""Cases: referral, workflow, edits and reassignment: the only code that creates, moves or hands them over."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import force_ids_accessible
from accounts.services import notification_send
from audit.models import Operation
from audit.services import access_event_record
from editing.status import Transitions, status_history_start, status_move
from editing.versions import versioned_update
from subjects import hooks
from subjects.models import OPEN_STATUSES, Case, CaseStatus, Subject
from subjects.workdays import add_working_days

FIRST_CONTACT_WORKING_DAYS = 5

CASE_TRANSITIONS = Transitions(
    statuses=CaseStatus,
    moves={
        CaseStatus.NEW: frozenset({CaseStatus.TRIAGE, CaseStatus.DECLINED}),
        CaseStatus.TRIAGE: frozenset({CaseStatus.ACTIVE, CaseStatus.DECLINED}),
        CaseStatus.ACTIVE: frozenset({CaseStatus.CLOSED}),
        CaseStatus.CLOSED: frozenset(),
        CaseStatus.DECLINED: frozenset(),
    },
    refusal="A case that is {current} cannot move to {target}.",
)
# Moves that are decisions about a person and must say why.
RATIONALE_REQUIRED = frozenset({CaseStatus.ACTIVE, CaseStatus.DECLINED, CaseStatus.CLOSED})
# Who may hold a case.
ASSIGNABLE_ROLES = (Role.OFFICER, Role.SERGEANT)


@transaction.atomic
def case_create(
    *,
    subject: Subject,
    by: User,
    fields: dict,
    activity_types=(),
    request=None,
) -> Case:
    """Record a referral as a new case of ``subject`` (status ``new``), due first contact in 5 working days."""
    locked = Subject.objects.select_for_update().get(pk=subject.pk)
    number = (locked.cases.aggregate(top=Max("number"))["top"] or 0) + 1
    case = Case(subject=locked, force=locked.force, number=number, created_by=by, status=CaseStatus.NEW, **fields)
    case.assigned_officer = case.assigned_officer or locked.assigned_officer or by
    case.first_contact_due = add_working_days(case.referral_date, FIRST_CONTACT_WORKING_DAYS)
    case.full_clean()
    case.save()
    case.activity_types.set(activity_types)
    status_history_start(case, by=by, reason="Referral recorded")
    hooks.case_created.send(case)
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.COLLECTION,
        object_type="case",
        object_id=case.pk,
        force=case.force.code,
    )
    return case


@transaction.atomic
def case_transition(
    *, case: Case, by: User, to_status: str, reason: str = "", closure_reason: str = "", request=None
) -> Case:
    """Move ``case`` to ``to_status``, refusing moves the workflow does not allow.

    Locks the case row, checks the move and its rationale, saves, and writes
    the status-change row and an access event, all in one transaction.
    """
    locked = Case.objects.select_for_update().select_related("subject", "force").get(pk=case.pk)
    _check_transition(locked, to_status, reason, closure_reason)
    from_status = locked.status
    status_move(
        locked,
        transitions=CASE_TRANSITIONS,
        to_status=to_status,
        by=by,
        reason=reason,
        apply=lambda case: _record_decision(case, reason, closure_reason),
    )
    hooks.case_moved.send(locked, from_status)
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.ALTERATION,
        object_type="case",
        object_id=locked.pk,
        force=locked.force.code,
        changed_fields=["status"],
    )
    return locked


def _check_transition(case: Case, to_status: str, reason: str, closure_reason: str) -> None:
    CASE_TRANSITIONS.check(case.status, to_status)
    if to_status in RATIONALE_REQUIRED and not reason.strip():
        raise ValidationError({"reason": "Give the rationale for this decision."})
    if to_status == CaseStatus.CLOSED:
        if not closure_reason:
            raise ValidationError({"closure_reason": "Choose why the case is closing."})
        problems = [message for message in hooks.close_guards.send(case) if message]
        if problems:
            raise ValidationError(problems)


def _record_decision(case: Case, reason: str, closure_reason: str) -> None:
    """The rationale of a triage or closing decision, and when the case stopped being open."""
    if case.status in {CaseStatus.ACTIVE, CaseStatus.DECLINED}:
        case.triage_rationale = reason.strip()
    if case.status == CaseStatus.CLOSED:
        case.closure_reason = closure_reason
        case.closure_rationale = reason.strip()
    if case.status in {CaseStatus.CLOSED, CaseStatus.DECLINED}:
        case.closed_at = timezone.now()


@transaction.atomic
def case_update(*, case: Case, by: User, expected_version: int, changes: dict, request=None) -> Case:
    """Edit a case's referral details with the same no-lost-update rule as subjects."""
    current = Case.objects.select_for_update().select_related("force").get(pk=case.pk)
    changed = versioned_update(
        current,
        expected_version=expected_version,
        changes=changes,
        many_to_many=("activity_types",),
        before_save=_first_contact_redate,
    )
    if not changed:
        return current
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.ALTERATION,
        object_type="case",
        object_id=current.pk,
        force=current.force.code,
        changed_fields=changed,
    )
    return current


def _first_contact_redate(case: Case, changed: list[str]) -> None:
    if "referral_date" in changed:
        case.first_contact_due = add_working_days(case.referral_date, FIRST_CONTACT_WORKING_DAYS)


# ------------------------------------------------------------------------------
# Handing over
# ------------------------------------------------------------------------------
@transaction.atomic
def cases_reassign(*, case_ids, to_officer: User, by: User, reason: str, request=None) -> int:
    """Move the given open cases (and their subjects) to ``to_officer``, logged with the reason.

    Raises ``case_reassigned`` in the same transaction, so the work owed on the cases (follow-ups,
    draft disposals) goes with them.
    """
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for reassigning."})
    if not to_officer.is_active or to_officer.role not in ASSIGNABLE_ROLES:
        raise ValidationError({"to_officer": "Choose an active officer."})
    allowed_forces = force_ids_accessible(by) & force_ids_accessible(to_officer)
    cases = list(
        Case.objects.select_for_update().filter(pk__in=case_ids, force_id__in=allowed_forces).select_related("force")
    )
    if len(cases) != len(set(case_ids)):
        raise ValidationError("Some cases are outside the forces you and the new officer share.")
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(assigned_officer=to_officer, version=F("version") + 1)
    Subject.objects.filter(pk__in={c.subject_id for c in cases}).update(assigned_officer=to_officer)
    for case in cases:
        access_event_record(
            request=request,
            actor=by,
            operation=Operation.ALTERATION,
            object_type="case",
            object_id=case.pk,
            force=case.force.code,
            changed_fields=["assigned_officer"],
            justification=reason,
        )
    hooks.case_reassigned.send(cases, to_officer, by)
    notification_send(recipients=[to_officer], title=f"{len(cases)} case(s) reassigned to you", url="")
    return len(cases)


def open_cases_held(user: User):
    """The open cases assigned to ``user``: the work to hand over before they leave."""
    return Case.objects.filter(assigned_officer=user, status__in=OPEN_STATUSES)


def user_holds_open_cases(user: User) -> str:
    """A deactivation guard: nobody is deactivated while open cases are still assigned to them."""
    count = open_cases_held(user).count()
    if not count:
        return ""
    their_cases = f"{reverse('subjects:list')}?officer={user.pk}"
    return f"{user} still holds {count} open case(s): reassign them first (their cases: {their_cases})."
