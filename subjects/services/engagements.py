"""Engagements: contacts with the subject logged on an open case."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import Operation
from audit.services import access_event_record
from subjects import hooks
from subjects.models import (
    ADULT_AGE,
    IN_PERSON_TYPES,
    REACHED_OUTCOMES,
    Case,
    Engagement,
    ParentPresent,
    Subject,
    age_on,
)


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
    hooks.engagement_logged.send(engagement, by)
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
