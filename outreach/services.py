"""Outreach writes: the only place events, campaigns, lessons and targets are created, changed or moved."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from editing.status import Transitions, status_history_start, status_move
from editing.versions import versioned_update

from .models import (
    Campaign,
    EventStatus,
    LessonLearnt,
    OutreachEvent,
    Target,
)
from .quarters import MIN_YEAR, FinancialQuarter, QuarterError

EVENT_RELATIONS = ("presenters", "products")


# ------------------------------------------------------------------------------
# Events
# ------------------------------------------------------------------------------
EVENT_TRANSITIONS = Transitions(
    statuses=EventStatus,
    moves={
        EventStatus.PLANNED: frozenset({EventStatus.DELIVERED, EventStatus.CANCELLED}),
        EventStatus.DELIVERED: frozenset(),
        EventStatus.CANCELLED: frozenset(),
    },
    refusal="An event that is {current} cannot become {target}.",
)


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
    status_history_start(event, by=by, reason=reason)
    return event


@transaction.atomic
def event_update(*, event: OutreachEvent, by: User, expected_version: int, changes: dict) -> OutreachEvent:
    """Save ``changes`` if nobody saved the event since ``expected_version``; else raise ConflictError.

    The status is not changed here (see ``event_transition``). Returns the
    event as saved; when nothing differs it is returned untouched.
    """
    current = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    versioned_update(current, expected_version=expected_version, changes=changes, many_to_many=EVENT_RELATIONS)
    return current


@transaction.atomic
def event_transition(*, event: OutreachEvent, by: User, to_status: str, reason: str = "", figures: dict | None = None):
    """Move a planned event to delivered (with its figures) or cancelled.

    Locks the row, checks the move against EVENT_TRANSITIONS, refuses to
    deliver an event dated in the future, saves and writes the status-change row.
    """
    locked = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    return status_move(
        locked,
        transitions=EVENT_TRANSITIONS,
        to_status=to_status,
        by=by,
        reason=reason,
        apply=lambda moved: _event_move_rules(moved, reason, figures or {}),
    )


def _event_move_rules(event: OutreachEvent, reason: str, figures: dict) -> None:
    """The event's own rules for the move it is making, and the figures of a delivered one."""
    to_status = event.status
    if to_status == EventStatus.DELIVERED and event.date > timezone.localdate():
        raise ValidationError(
            f"This event is dated {event.date:%-d %B %Y}, in the future: it can be marked delivered"
            " on or after that day. Change its date first if it took place earlier."
        )
    if to_status == EventStatus.CANCELLED and not reason.strip():
        raise ValidationError({"reason": "Say why the event was cancelled."})
    for name, value in figures.items() if to_status == EventStatus.DELIVERED else ():
        setattr(event, name, value)
    event.full_clean()


def _split(fields: dict) -> tuple[dict, dict]:
    scalar = {name: value for name, value in fields.items() if name not in EVENT_RELATIONS}
    relations = {name: list(value) for name, value in fields.items() if name in EVENT_RELATIONS}
    return scalar, relations


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
    current = LessonLearnt.objects.select_for_update().get(pk=lesson.pk)
    versioned_update(current, expected_version=expected_version, changes=changes)
    return current


def target_create(*, fields: dict) -> Target:
    _check_target_period(fields)
    target = Target(**fields)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_update(*, target: Target, expected_version: int, changes: dict) -> Target:
    _check_target_period(changes)
    current = Target.objects.select_for_update().get(pk=target.pk)
    versioned_update(current, expected_version=expected_version, changes=changes)
    return current


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
