"""Protect figures (delivered outreach events) and lessons learnt shared."""

from django.db.models import Avg, Count, Q, Sum

from outreach.models import Audience, EventStatus, EventType, LessonLearnt, LessonStatus, OutreachEvent, Product

from ..figures import Cell, Kind, Scope, by_force, counts_by_force, labelled, measure, per_force, reference


def _delivered(scope: Scope):
    return OutreachEvent.objects.filter(
        force_id__in=scope.force_ids,
        status=EventStatus.DELIVERED,
        date__gte=scope.quarter.start,
        date__lte=scope.quarter.end,
    )


@measure(
    "events_by_type",
    "Events delivered, by type",
    "Protect",
    "Outreach events with status delivered dated in the quarter, by type of event.",
    additive=True,
)
def events_by_type(scope: Scope) -> dict[int, list[Cell]]:
    return counts_by_force(_delivered(scope), scope, "force_id", "event_type", EventType.choices)


@measure(
    "events_by_audience",
    "Events delivered, by audience",
    "Protect",
    "The same delivered events, by the audience they were for.",
    additive=True,
)
def events_by_audience(scope: Scope) -> dict[int, list[Cell]]:
    return counts_by_force(_delivered(scope), scope, "force_id", "audience", Audience.choices)


@measure(
    "attendees_by_audience",
    "Attendees, by audience",
    "Protect",
    "People attending the delivered events (the attendee count recorded on each event), by audience.",
    additive=True,
)
def attendees_by_audience(scope: Scope) -> dict[int, list[Cell]]:
    rows = _delivered(scope).order_by().values_list("force_id", "audience").annotate(n=Sum("attendees"))
    return {
        force_id: labelled({code: n or 0 for code, n in found.items()}, Audience.choices)
        for force_id, found in by_force(rows, scope).items()
    }


@measure(
    "products_promoted",
    "Products promoted",
    "Protect",
    """For each national product, the number of delivered events at which it
    was promoted. One event can promote several products, so there is no total.""",
    kind=Kind.SET,
    additive=True,
)
def products_promoted(scope: Scope) -> dict[int, list[Cell]]:
    labels = reference("products", lambda: list(Product.objects.order_by("name").values_list("code", "name")))
    promoted = _delivered(scope).filter(products__isnull=False)
    return counts_by_force(promoted, scope, "force_id", "products__code", labels, total=False)


@measure(
    "sign_ups_and_feedback",
    "Sign-ups and feedback",
    "Protect",
    """Sign-ups: the total recorded on delivered events. Average feedback: the
    mean feedback score (1 to 5) of the delivered events that recorded one,
    with the number of such events.""",
    kind=Kind.SET,
)
def sign_ups_and_feedback(scope: Scope) -> list[Cell]:
    found = _delivered(scope).aggregate(
        sign_ups=Sum("sign_ups"),
        scored=Count("pk", filter=Q(feedback_score__isnull=False)),
        average=Avg("feedback_score"),
    )
    average = round(float(found["average"]), 2) if found["average"] is not None else None
    return [
        Cell("Sign-ups", found["sign_ups"] or 0),
        Cell("Events with a feedback score", found["scored"]),
        Cell("Average feedback score", average),
    ]


@measure(
    "lessons_shared",
    "Lessons learnt shared",
    "Lessons learnt",
    "Lessons learnt (shared or actioned) whose date shared falls in the quarter.",
    kind=Kind.SET,
    additive=True,
)
def lessons_shared(scope: Scope) -> dict[int, list[Cell]]:
    shared = LessonLearnt.objects.filter(
        force_id__in=scope.force_ids,
        date_shared__gte=scope.quarter.start,
        date_shared__lte=scope.quarter.end,
    ).exclude(status=LessonStatus.DRAFT)
    counted = per_force(shared.order_by().values_list("force_id").annotate(n=Count("pk")), scope)
    return {force_id: [Cell("Lessons shared", n)] for force_id, n in counted.items()}
