"""Subjects and cases: the only place they are created, changed or moved between statuses."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import Force, User
from audit.models import Operation
from audit.services import access_event_record
from interventions import followups

from .matching import identifier_key, name_key
from .models import (
    IN_PERSON_TYPES,
    Case,
    CaseStatus,
    CaseStatusChange,
    Engagement,
    EngagementOutcome,
    OnlineIdentifier,
    ParentPresent,
    ReferenceCounter,
    Subject,
    SubjectAlias,
)
from .workdays import add_working_days

FIRST_CONTACT_WORKING_DAYS = 5
ADULT_AGE = 18


class ConflictError(Exception):
    """Someone else saved the record since the form was opened; nothing was written."""

    def __init__(self, current):
        super().__init__("Someone else saved this record while you were editing it. Nothing was saved.")
        self.current = current


def age_on(date_of_birth: date | None, day: date) -> int | None:
    if date_of_birth is None:
        return None
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


# ------------------------------------------------------------------------------
# References
# ------------------------------------------------------------------------------
def reference_allocate(*, force: Force, year: int) -> str:
    """The next reference for ``force`` in ``year``, e.g. ``WM-2026-00042``.

    Must run inside a transaction: the counter row stays locked until commit,
    so two referrals saved at once never get the same number.
    """
    counter = _locked_counter(force=force, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return f"{force.code}-{year}-{counter.last_number:05d}"


def _locked_counter(*, force: Force, year: int) -> ReferenceCounter:
    try:
        return ReferenceCounter.objects.select_for_update().get(force=force, year=year)
    except ReferenceCounter.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            ReferenceCounter.objects.create(force=force, year=year)
    except IntegrityError:
        pass  # another referral created it first; lock theirs
    return ReferenceCounter.objects.select_for_update().get(force=force, year=year)


# ------------------------------------------------------------------------------
# Subjects
# ------------------------------------------------------------------------------
SUBJECT_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "gender_identity",
    "postcode_district",
    "school_or_employer",
    "category",
    "safeguarding_notes",
    "risk_level",
    "consent_subject",
    "consent_parent",
    "restricted",
    "restriction_contact",
    "assigned_officer",
    "retention_review_date",
)


@dataclass(frozen=True)
class IdentifierInput:
    platform: str
    handle: str


@transaction.atomic
def subject_create(
    *,
    by: User,
    force: Force,
    fields: dict,
    aliases: list[str] = (),
    identifiers: list[IdentifierInput] = (),
    vulnerability_flags=(),
    request=None,
) -> Subject:
    """Create a subject with a fresh reference, its aliases and identifiers, logged as a collection."""
    subject = Subject(force=force, created_by=by, **fields)
    subject.name_key = name_key(subject.full_name)
    subject.reference = "pending"
    subject.full_clean(exclude=["reference", "created_by"])
    subject.reference = reference_allocate(force=force, year=timezone.localdate().year)
    subject.save()
    subject.vulnerability_flags.set(vulnerability_flags)
    for alias in aliases:
        subject_alias_add(subject=subject, name=alias)
    for identifier in identifiers:
        identifier_add(subject=subject, platform=identifier.platform, handle=identifier.handle)
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.COLLECTION,
        object_type="subject",
        object_id=subject.pk,
        force=force.code,
    )
    return subject


def subject_alias_add(*, subject: Subject, name: str) -> SubjectAlias | None:
    key = name_key(name)
    if not key or subject.aliases.filter(name_key=key).exists():
        return None
    return SubjectAlias.objects.create(subject=subject, name=name.strip(), name_key=key)


def identifier_add(
    *, subject: Subject, platform: str, handle: str, first_seen=None, last_seen=None
) -> OnlineIdentifier:
    identifier = OnlineIdentifier(
        subject=subject,
        platform=platform,
        handle=handle.strip(),
        handle_key=identifier_key(platform, handle),
        first_seen=first_seen,
        last_seen=last_seen,
    )
    identifier.full_clean()
    identifier.save()
    return identifier


# Many-to-many fields an edit may set; compared as sets of ids, logged by name like the others.
SUBJECT_M2M_FIELDS = ("vulnerability_flags", "need_to_know")


@transaction.atomic
def subject_update(*, subject: Subject, by: User, expected_version: int, changes: dict, request=None) -> Subject:
    """Save ``changes`` if nobody else saved the subject since ``expected_version``; else raise ConflictError.

    ``changes`` maps field names (and the many-to-many ``vulnerability_flags`` /
    ``need_to_know``, as iterables of objects) to new values. Only fields whose
    value differs are written, and their *names* are logged.
    """
    current = Subject.objects.select_for_update().get(pk=subject.pk)
    if current.version != expected_version:
        raise ConflictError(current)
    scalar = {name: value for name, value in changes.items() if name not in SUBJECT_M2M_FIELDS}
    changed = [name for name, value in scalar.items() if getattr(current, name) != value]
    changed += [name for name in SUBJECT_M2M_FIELDS if _m2m_changed(current, name, changes)]
    if not changed:
        return current
    for name, value in scalar.items():
        setattr(current, name, value)
    current.name_key = name_key(current.full_name)
    current.full_clean()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    for name in SUBJECT_M2M_FIELDS:
        if name in changed:
            getattr(current, name).set(changes[name])
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.ALTERATION,
        object_type="subject",
        object_id=current.pk,
        force=current.force.code,
        changed_fields=changed,
    )
    return current


def _m2m_changed(subject: Subject, name: str, changes: dict) -> bool:
    if name not in changes:
        return False
    before = set(getattr(subject, name).values_list("pk", flat=True))
    return before != {item.pk for item in changes[name]}


# ------------------------------------------------------------------------------
# Cases: referral, workflow
# ------------------------------------------------------------------------------
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.NEW: frozenset({CaseStatus.TRIAGE, CaseStatus.DECLINED}),
    CaseStatus.TRIAGE: frozenset({CaseStatus.ACTIVE, CaseStatus.DECLINED}),
    CaseStatus.ACTIVE: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.DECLINED: frozenset(),
}
# Moves that are decisions about a person and must say why.
RATIONALE_REQUIRED = frozenset({CaseStatus.ACTIVE, CaseStatus.DECLINED, CaseStatus.CLOSED})

# Checks other apps add before a case may close (e.g. an approved disposal):
# callables taking the case and returning an error message or "".
CLOSE_GUARDS: list = []


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
    CaseStatusChange.objects.create(
        case=case, from_status="", to_status=CaseStatus.NEW, by=by, reason="Referral recorded"
    )
    followups.on_case_created(case)
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
    locked.status = to_status
    if to_status in {CaseStatus.ACTIVE, CaseStatus.DECLINED}:
        locked.triage_rationale = reason.strip()
    if to_status == CaseStatus.CLOSED:
        locked.closure_reason = closure_reason
        locked.closure_rationale = reason.strip()
    if to_status in {CaseStatus.CLOSED, CaseStatus.DECLINED}:
        locked.closed_at = timezone.now()
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    CaseStatusChange.objects.create(
        case=locked, from_status=from_status, to_status=to_status, by=by, reason=reason.strip()
    )
    followups.on_case_transition(locked, to_status)
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
    if to_status not in ALLOWED_TRANSITIONS.get(case.status, frozenset()):
        raise ValidationError(
            f"A case that is {case.get_status_display().lower()} cannot move to "
            f"{CaseStatus(to_status).label.lower() if to_status in CaseStatus.values else to_status}."
        )
    if to_status in RATIONALE_REQUIRED and not reason.strip():
        raise ValidationError({"reason": "Give the rationale for this decision."})
    if to_status == CaseStatus.CLOSED:
        if not closure_reason:
            raise ValidationError({"closure_reason": "Choose why the case is closing."})
        problems = [message for guard in CLOSE_GUARDS if (message := guard(case))]
        if problems:
            raise ValidationError(problems)


@transaction.atomic
def case_update(*, case: Case, by: User, expected_version: int, changes: dict, request=None) -> Case:
    """Edit a case's referral details with the same no-lost-update rule as subjects."""
    current = Case.objects.select_for_update().select_related("force").get(pk=case.pk)
    if current.version != expected_version:
        raise ConflictError(current)
    scalar = {name: value for name, value in changes.items() if name != "activity_types"}
    changed = [name for name, value in scalar.items() if getattr(current, name) != value]
    if "activity_types" in changes and set(current.activity_types.values_list("pk", flat=True)) != {
        a.pk for a in changes["activity_types"]
    }:
        changed.append("activity_types")
    if not changed:
        return current
    for name, value in scalar.items():
        setattr(current, name, value)
    if "referral_date" in changed:
        current.first_contact_due = add_working_days(current.referral_date, FIRST_CONTACT_WORKING_DAYS)
    current.full_clean()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    if "activity_types" in changed:
        current.activity_types.set(changes["activity_types"])
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


# ------------------------------------------------------------------------------
# Engagements
# ------------------------------------------------------------------------------
REACHED_OUTCOMES = (EngagementOutcome.ENGAGED, EngagementOutcome.REFUSED)


@transaction.atomic
def engagement_log(*, case: Case, by: User, fields: dict, officers=(), request=None) -> Engagement:
    """Log a contact with the subject; the first one that reaches them is the case's first contact."""
    locked = Case.objects.select_for_update().select_related("subject", "force").get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError("Engagements can only be logged on an open case.")
    engagement = Engagement(case=locked, created_by=by, **fields)
    _check_parent_presence(engagement, locked.subject)
    engagement.full_clean()
    engagement.save()
    engagement.officers.set({by, *officers})
    updates = {"last_engagement_at": engagement.occurred_at}
    if locked.last_engagement_at and locked.last_engagement_at > engagement.occurred_at:
        updates = {}
    if locked.first_contact_at is None and engagement.outcome in REACHED_OUTCOMES:
        updates["first_contact_at"] = engagement.occurred_at
    if updates:
        Case.objects.filter(pk=locked.pk).update(**updates)
    followups.on_engagement_logged(locked, engagement.outcome, by)
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.COLLECTION,
        object_type="engagement",
        object_id=engagement.pk,
        force=locked.force.code,
    )
    return engagement


def _check_parent_presence(engagement: Engagement, subject: Subject) -> None:
    """For under-18s, an in-person visit records whether a parent or carer was present, or why not."""
    age = (
        age_on(subject.date_of_birth, timezone.localtime(engagement.occurred_at).date())
        if engagement.occurred_at
        else None
    )
    if engagement.type not in IN_PERSON_TYPES or age is None or age >= ADULT_AGE:
        return
    if engagement.parent_present == ParentPresent.NOT_APPLICABLE:
        raise ValidationError(
            {"parent_present": "For a visit to someone under 18, say whether a parent or carer was present."}
        )
    if engagement.parent_present == ParentPresent.NO and not engagement.parent_absent_reason.strip():
        raise ValidationError({"parent_absent_reason": "Say why no parent or carer was present."})
