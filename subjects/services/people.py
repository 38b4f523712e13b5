"""People: references, subjects, their aliases and identifiers: the only code that creates or edits them."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Force, User
from audit.models import Operation
from audit.services import access_event_record
from editing.versions import versioned_update
from subjects.matching import identifier_key, name_key
from subjects.models import OnlineIdentifier, ReferenceCounter, Subject, SubjectAlias


# ------------------------------------------------------------------------------
# References
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
    changed = versioned_update(
        current,
        expected_version=expected_version,
        changes=changes,
        many_to_many=SUBJECT_M2M_FIELDS,
        before_save=_name_rekey,
    )
    if not changed:
        return current
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


def _name_rekey(subject: Subject, changed: list[str]) -> None:
    subject.name_key = name_key(subject.full_name)
