"""Outreach writes: the only place events, campaigns, lessons and targets are created, changed or moved."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from accounts.models import User
from editing.versions import ConflictError

from .models import (
    Campaign,
    EventStatus,
    LessonLearnt,
    OutreachEvent,
    OutreachEventStatusChange,
    Target,
)
from .quarters import MIN_YEAR, FinancialQuarter, QuarterError

EVENT_RELATIONS = ("presenters", "products")


# ------------------------------------------------------------------------------
# Events
# ------------------------------------------------------------------------------
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    EventStatus.PLANNED: frozenset({EventStatus.DELIVERED, EventStatus.CANCELLED}),
    EventStatus.DELIVERED: frozenset(),
    EventStatus.CANCELLED: frozenset(),
}


@transaction.atomic
def event_log_delivered(*, by: User, fields: dict) -> OutreachEvent:
    """Record an event that has taken place (status ``delivered``); it may not be dated in the future."""
    return _event_create(by=by, fields=fields, status=EventStatus.DELIVERED, reason="Logged as delivered")


@transaction.atomic
def event_plan(*, by: User, fields: dict) -> OutreachEvent:
    """Record an event to come (status ``planned``); figures are filled in when it is delivered."""
    if fields.get("date") and fields["date"] < timezone.localdate():
        raise ValidationError({"date": "A planned event cannot be in the past. Log it as delivered instead."})
    return _event_create(by=by, fields=fields, status=EventStatus.PLANNED, reason="Planned")


def _event_create(*, by: User, fields: dict, status: str, reason: str) -> OutreachEvent:
    scalar, relations = _split(fields)
    event = OutreachEvent(**scalar, status=status, created_by=by)
    event.full_clean()
    event.save()
    for name, values in relations.items():
        getattr(event, name).set(values)
    OutreachEventStatusChange.objects.create(event=event, from_status="", to_status=status, by=by, reason=reason)
    return event


@transaction.atomic
def event_update(*, event: OutreachEvent, by: User, expected_version: int, changes: dict) -> OutreachEvent:
    """Save ``changes`` if nobody saved the event since ``expected_version``; else raise ConflictError.

    The status is not changed here (see ``event_transition``). Returns the
    event as saved; when nothing differs it is returned untouched.
    """
    current = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    if current.version != expected_version:
        raise ConflictError(current)
    scalar, relations = _split(changes)
    changed = [name for name, value in scalar.items() if getattr(current, name) != value]
    changed += [name for name, values in relations.items() if _related_ids(current, name) != {v.pk for v in values}]
    if not changed:
        return current
    for name, value in scalar.items():
        setattr(current, name, value)
    current.full_clean()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    for name, values in relations.items():
        getattr(current, name).set(values)
    return current


@transaction.atomic
def event_transition(*, event: OutreachEvent, by: User, to_status: str, reason: str = "", figures: dict | None = None):
    """Move a planned event to delivered (with its figures) or cancelled.

    Locks the row, checks the move against ALLOWED_TRANSITIONS, refuses to
    deliver an event dated in the future, saves and writes the status-change row.
    """
    locked = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    _check_transition(locked, to_status, reason)
    from_status = locked.status
    for name, value in (figures or {}).items() if to_status == EventStatus.DELIVERED else ():
        setattr(locked, name, value)
    locked.status = to_status
    locked.full_clean()
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    OutreachEventStatusChange.objects.create(
        event=locked, from_status=from_status, to_status=to_status, by=by, reason=reason.strip()
    )
    return locked


def _check_transition(event: OutreachEvent, to_status: str, reason: str) -> None:
    if to_status not in ALLOWED_TRANSITIONS.get(event.status, frozenset()):
        target = EventStatus(to_status).label.lower() if to_status in EventStatus.values else repr(to_status)
        raise ValidationError(f"An event that is {event.get_status_display().lower()} cannot become {target}.")
    if to_status == EventStatus.DELIVERED and event.date > timezone.localdate():
        raise ValidationError(
            f"This event is dated {event.date:%-d %B %Y}, in the future: it can be marked delivered"
            " on or after that day. Change its date first if it took place earlier."
        )
    if to_status == EventStatus.CANCELLED and not reason.strip():
        raise ValidationError({"reason": "Say why the event was cancelled."})


def _split(fields: dict) -> tuple[dict, dict]:
    scalar = {name: value for name, value in fields.items() if name not in EVENT_RELATIONS}
    relations = {name: list(value) for name, value in fields.items() if name in EVENT_RELATIONS}
    return scalar, relations


def _related_ids(event: OutreachEvent, name: str) -> set[int]:
    return set(getattr(event, name).values_list("pk", flat=True))


# ------------------------------------------------------------------------------
# Campaigns, lessons, targets
# ------------------------------------------------------------------------------
def campaign_create(*, fields: dict) -> Campaign:
    campaign = Campaign(**fields)
    campaign.full_clean()
    campaign.save()
    return campaign


def lesson_create(*, by: User, fields: dict) -> LessonLearnt:
    lesson = LessonLearnt(**fields, recorded_by=by)
    lesson.full_clean()
    lesson.save()
    return lesson


@transaction.atomic
def lesson_update(*, lesson: LessonLearnt, expected_version: int, changes: dict) -> LessonLearnt:
    """Save ``changes`` with the same no-lost-update rule as events."""
    return _versioned_update(LessonLearnt, lesson, expected_version, changes)


def target_create(*, fields: dict) -> Target:
    _check_target_period(fields)
    target = Target(**fields)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_update(*, target: Target, expected_version: int, changes: dict) -> Target:
    _check_target_period(changes)
    return _versioned_update(Target, target, expected_version, changes)


def _check_target_period(fields: dict) -> None:
    """A target must name a real quarter: quarter 1 to 4 of a financial year in range."""
    try:
        year, quarter = int(fields["financial_year"]), int(fields["quarter"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError("Give the financial year and the quarter.") from error
    errors = {}
    for field, probe in (("financial_year", (year, 1)), ("quarter", (MIN_YEAR, quarter))):
        try:
            FinancialQuarter(*probe)
        except QuarterError as error:
            errors[field] = str(error)
    if errors:
        raise ValidationError(errors)


def _versioned_update(model: type[Model], instance, expected_version: int, changes: dict):
    current = model.objects.select_for_update().get(pk=instance.pk)
    if current.version != expected_version:
        raise ConflictError(current)
    if all(getattr(current, name) == value for name, value in changes.items()):
        return current
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    return current
