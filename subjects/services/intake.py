"""Referral intake: record a referral against a known person or a new one, in one transaction."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.selectors import force_ids_accessible
from audit.models import Operation
from audit.services import access_event_record
from subjects.matching import identifier_key
from subjects.models import Case, Subject, age_on
from subjects.selectors.access import subject_details_visible, subject_list_visible
from subjects.services.cases import case_create
from subjects.services.people import IdentifierInput, identifier_add, subject_alias_add, subject_create

MIN_AGE_AT_REFERRAL = 5
MAX_AGE_AT_REFERRAL = 100


def referral_dates_validate(*, date_of_birth: date | None, referral_date: date | None, today: date | None = None):
    """Refuse a referral dated in the future, or a date of birth in the future or outside ages 5 to 100 at referral.

    Raises ``ValidationError`` keyed by field name, so a form can show each message at its field.
    """
    today = today or timezone.localdate()
    errors = {}
    if referral_date and referral_date > today:
        errors["referral_date"] = "The referral date cannot be in the future."
    if date_of_birth and date_of_birth > today:
        errors["date_of_birth"] = "The date of birth cannot be in the future."
    elif date_of_birth:
        age = age_on(date_of_birth, min(referral_date or today, today))
        if not MIN_AGE_AT_REFERRAL <= age <= MAX_AGE_AT_REFERRAL:
            errors["date_of_birth"] = (
                f"This date of birth makes the person {max(age, 0)} at referral; "
                f"the age at referral must be between {MIN_AGE_AT_REFERRAL} and {MAX_AGE_AT_REFERRAL}."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def referral_record(
    *,
    by: User,
    request=None,
    subject: Subject | int | None = None,
    new_subject: dict | None = None,
    case_fields: dict,
    activity_types=(),
    identifiers: Iterable[tuple[str, str]] = (),
    aliases: Iterable[str] = (),
    vulnerability_flags=(),
) -> Case:
    """Record a referral as a new case (status ``new``), of an existing subject or of a new one.

    Give either ``subject`` (a subject, or its id, that ``by`` can see in
    detail) or ``new_subject`` (the person's fields, including ``force``).
    Linking adds the typed identifiers, aliases and vulnerability flags the
    subject does not have yet. Everything, or nothing, is saved.
    """
    if (subject is None) == (new_subject is None):
        raise ValidationError("Link the referral to one known person or describe a new person.")
    identifier_pairs = _unique_identifiers(identifiers)
    if subject is not None:
        referral_dates_validate(date_of_birth=None, referral_date=case_fields.get("referral_date"))
        subject = _linkable_subject(by=by, subject=subject)
        _subject_extend(
            subject=subject,
            by=by,
            identifiers=identifier_pairs,
            aliases=aliases,
            vulnerability_flags=vulnerability_flags,
            request=request,
        )
    else:
        subject = _subject_new(
            by=by,
            fields=new_subject,
            referral_date=case_fields.get("referral_date"),
            identifiers=identifier_pairs,
            aliases=aliases,
            vulnerability_flags=vulnerability_flags,
            request=request,
        )
    return case_create(subject=subject, by=by, fields=case_fields, activity_types=activity_types, request=request)


def _unique_identifiers(identifiers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Typed identifiers without blanks and without repeats of the same normalised handle."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for platform, handle in identifiers:
        key = (platform, identifier_key(platform, handle))
        if platform and key[1] and key not in seen:
            seen.add(key)
            unique.append((platform, handle.strip()))
    return unique


def _linkable_subject(*, by: User, subject: Subject | int) -> Subject:
    pk = subject.pk if isinstance(subject, Subject) else subject
    found = subject_list_visible(by).select_related("force").filter(pk=pk).first()
    if found is None or not subject_details_visible(by, found):
        raise ValidationError("You cannot link this referral to that person. Check the reference, or ask a sergeant.")
    return found


def _subject_new(
    *, by: User, fields: dict, referral_date, identifiers, aliases, vulnerability_flags, request
) -> Subject:
    fields = dict(fields)
    force = fields.pop("force", None)
    if force is None or force.pk not in force_ids_accessible(by):
        raise ValidationError({"force": "Choose a force area you work in."})
    referral_dates_validate(date_of_birth=fields.get("date_of_birth"), referral_date=referral_date)
    fields.setdefault("assigned_officer", by)
    return subject_create(
        by=by,
        force=force,
        fields=fields,
        aliases=[alias for alias in aliases if alias.strip()],
        identifiers=[IdentifierInput(platform=platform, handle=handle) for platform, handle in identifiers],
        vulnerability_flags=vulnerability_flags,
        request=request,
    )


def _subject_extend(*, subject: Subject, by: User, identifiers, aliases, vulnerability_flags, request) -> None:
    """Add what the referral tells us that the subject's record lacks; log the changed field names."""
    changed = []
    known = set(subject.identifiers.values_list("platform", "handle_key"))
    for platform, handle in identifiers:
        if (platform, identifier_key(platform, handle)) not in known:
            identifier_add(subject=subject, platform=platform, handle=handle)
            changed.append("identifiers")
    added_aliases = [subject_alias_add(subject=subject, name=alias) for alias in aliases if alias.strip()]
    if any(added_aliases):
        changed.append("aliases")
    new_flags = set(vulnerability_flags) - set(subject.vulnerability_flags.all())
    if new_flags:
        subject.vulnerability_flags.add(*new_flags)
        changed.append("vulnerability_flags")
    if not changed:
        return
    # Someone editing the subject meanwhile must see a conflict, not silently drop the new flags.
    Subject.objects.filter(pk=subject.pk).update(version=F("version") + 1, updated_at=timezone.now())
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.ALTERATION,
        object_type="subject",
        object_id=subject.pk,
        force=subject.force.code,
        changed_fields=changed,
    )
