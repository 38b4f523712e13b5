"""Restricted subjects: opening one you are not on the need-to-know list for ("break glass"), stating why.

The access is time-limited, logged with the reason as a consultation, and the
sergeants covering the subject's force and the restriction contact are told in
the app. ``subjects.selectors.subject_details_visible`` honours a live access.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import supervisors_of_force
from accounts.services import notification_send
from audit.services import consultation_record
from subjects.models import BreakGlassAccess, Subject

MIN_REASON_LENGTH = 10
DEFAULT_MINUTES = 60


def break_glass_minutes() -> int:
    return getattr(settings, "BREAK_GLASS_MINUTES", DEFAULT_MINUTES)


def break_glass_reason_check(reason: str) -> str:
    """The reason, trimmed; a ValidationError on ``reason`` if it is missing or too short to mean anything."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason you need to see this restricted record."})
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": f"Say more about why you need this record (at least {MIN_REASON_LENGTH} characters)."}
        )
    return reason


@transaction.atomic
def break_glass_open(*, subject: Subject, user: User, reason: str, request=None) -> BreakGlassAccess:
    """Give ``user`` time-limited sight of restricted ``subject``'s details, log why, and tell their supervisors.

    The caller must have found ``subject`` through the selectors (so it is in
    the user's forces). Writes the access row, one consultation event with the
    reason as justification, and in-app notifications, all in one transaction.
    """
    reason = break_glass_reason_check(reason)
    if not subject.restricted:
        raise ValidationError("This record is not restricted; there is nothing to break glass for.")
    access = BreakGlassAccess(
        subject=subject, user=user, reason=reason, expires_at=timezone.now() + timedelta(minutes=break_glass_minutes())
    )
    access.full_clean()
    access.save()
    consultation_record(
        request=request,
        actor=user,
        object_type="subject",
        object_id=subject.pk,
        force=subject.force.code,
        justification=reason,
    )
    notification_send(
        recipients=_people_to_tell(subject=subject, user=user),
        title=f"Break-glass access to {subject.reference} by {user.username}",
        url=reverse("subjects:detail", args=[subject.pk]),
    )
    return access


def _people_to_tell(*, subject: Subject, user: User) -> list[User]:
    """The sergeants covering the subject's force and the restriction contact, never the user themselves."""
    people = list(supervisors_of_force(subject.force_id).exclude(pk=user.pk))
    contact = subject.restriction_contact
    if contact is not None and contact.is_active and contact.pk != user.pk:
        people.append(contact)
    return people
