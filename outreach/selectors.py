"""Outreach reads: every queryset here is scoped to the viewer's forces and fixes its query shape."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Force, Role, User
from accounts.selectors import force_ids_accessible, scope_to_forces, users_offered

from .models import Campaign, LessonLearnt, OutreachEvent, Product, Target

PRESENTER_ROLES = (Role.OFFICER, Role.SERGEANT, Role.INSPECTOR)


@dataclass(frozen=True)
class EventFilters:
    """What the event list, calendar and CSV export may be narrowed by (empty means "any")."""

    force: Force | None = None
    strand: str = ""
    event_type: str = ""
    audience: str = ""
    status: str = ""
    campaign: Campaign | None = None
    officer: User | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_lookups(self) -> Q:
        lookups = {
            "force": self.force,
            "strand": self.strand,
            "event_type": self.event_type,
            "audience": self.audience,
            "status": self.status,
            "campaign": self.campaign,
            "date__gte": self.date_from,
            "date__lte": self.date_to,
        }
        query = Q(**{name: value for name, value in lookups.items() if value not in (None, "")})
        if self.officer is not None:
            # A subquery, not a join: an event with two presenters must not appear twice.
            query &= Q(
                pk__in=OutreachEvent.presenters.through.objects.filter(user=self.officer).values("outreachevent")
            )
        return query


# ------------------------------------------------------------------------------
# Events
# ------------------------------------------------------------------------------
def event_list_visible(user: User) -> QuerySet[OutreachEvent]:
    """Events of the viewer's forces, with what lists and the detail page show."""
    return (
        scope_to_forces(OutreachEvent.objects.all(), user)
        .select_related("force", "campaign")
        .prefetch_related(
            Prefetch("presenters", queryset=User.objects.order_by("last_name", "first_name")),
            Prefetch("products", queryset=Product.objects.order_by("name")),
        )
        .order_by("-date", "-id")
    )


def event_list_filtered(user: User, filters: EventFilters) -> QuerySet[OutreachEvent]:
    return event_list_visible(user).filter(filters.as_lookups())


def event_get_visible(user: User, pk: int) -> OutreachEvent:
    """The event, or 404 when it does not exist or belongs to a force the viewer may not see."""
    return get_object_or_404(event_list_visible(user).prefetch_related("status_changes__by"), pk=pk)


def event_list_in_month(user: User, filters: EventFilters, first: date, last: date) -> QuerySet[OutreachEvent]:
    """The month's events for the calendar: one query, no per-event lookups."""
    return (
        scope_to_forces(OutreachEvent.objects.all(), user)
        .filter(filters.as_lookups(), date__gte=first, date__lte=last)
        .select_related("force")
        .order_by("date", "force__code", "id")
    )


def presenter_choices(user: User, *, include: QuerySet | None = None) -> QuerySet[User]:
    """Colleagues who may present: active caseworkers with access to one of the viewer's forces."""
    return users_offered(roles=PRESENTER_ROLES, forces=force_ids_accessible(user), keep=include)


def product_choices(*, keep: QuerySet | None = None) -> QuerySet[Product]:
    """Active products, plus any retired ones already on the record being edited (so they are not lost)."""
    return Product.objects.offered(keep).order_by("name")


# ------------------------------------------------------------------------------
# Campaigns, lessons, targets
# ------------------------------------------------------------------------------
def campaign_list() -> QuerySet[Campaign]:
    """Campaigns are regional reference data (national or local themes), not force records."""
    return Campaign.objects.order_by("-start_date", "name")


def lesson_list_visible(user: User, *, status: str = "") -> QuerySet[LessonLearnt]:
    lessons = scope_to_forces(LessonLearnt.objects.all(), user).select_related("force", "recorded_by")
    if status:
        lessons = lessons.filter(status=status)
    return lessons.order_by("-created_at", "-id")


def lesson_get_visible(user: User, pk: int) -> LessonLearnt:
    return get_object_or_404(lesson_list_visible(user), pk=pk)


def target_list_visible(user: User, *, year: int | None = None, force: Force | None = None) -> QuerySet[Target]:
    targets = scope_to_forces(Target.objects.all(), user).select_related("force")
    if year is not None:
        targets = targets.filter(financial_year=year)
    if force is not None:
        targets = targets.filter(force=force)
    return targets.order_by("financial_year", "quarter", "force__name", "measure", "scope")


def target_get_visible(user: User, pk: int) -> Target:
    return get_object_or_404(target_list_visible(user), pk=pk)


def force_get_visible(user: User, pk) -> Force:
    """One of the viewer's forces, or 404 (a guessed or foreign id looks like a missing one)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    if pk not in force_ids_accessible(user):
        raise Http404("No such force.")
    return Force.objects.get(pk=pk)
