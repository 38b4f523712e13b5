"""Interventions, disposal decisions and supervisory reviews on a subject's timeline.

Sources for ``subjects.timeline``: each runs one query whatever the number of
rows, returns at most ``SOURCE_LIMIT`` newest entries, and puts reasons and
notes in ``detail`` only where the viewer may see the person's details.
Registered from ``InterventionsConfig.ready()`` by ``register_timeline_sources``.
"""

from django.urls import reverse
from django.utils.text import Truncator

from accounts.models import User
from subjects.models import Subject
from subjects.timeline import (
    DETAIL_CHARS,
    SOURCE_LIMIT,
    TimelineEntry,
    details_visible,
    person_name,
    register_timeline_source,
)

from .models import (
    DisposalStatus,
    DisposalStatusChange,
    InterventionStatus,
    InterventionStatusChange,
    SupervisoryReview,
)


def _case_reference(subject: Subject, case) -> str:
    # From the subject in hand: no query per row.
    return f"{subject.reference}/{case.number}"


def short_detail(text: str) -> str:
    return Truncator(text.strip()).chars(DETAIL_CHARS)


def _label(choices, value: str) -> str:
    return choices(value).label.lower() if value in choices.values else value


def intervention_entries(subject: Subject, viewer: User) -> list[TimelineEntry]:
    """Each intervention planned, started, completed, withdrawn or declined. One query."""
    changes = (
        InterventionStatusChange.objects.filter(intervention__case__subject=subject)
        .select_related("intervention__type", "intervention__case", "by")
        .order_by("-at", "-id")[:SOURCE_LIMIT]
    )
    visible = details_visible(subject, viewer)
    return [
        TimelineEntry(
            at=change.at,
            kind="intervention",
            title=_intervention_title(change),
            detail=short_detail(change.reason) if visible and change.from_status else "",
            case_reference=_case_reference(subject, change.intervention.case),
            url=reverse("interventions:intervention_detail", args=[change.intervention_id]),
            actor=person_name(change.by),
        )
        for change in changes
    ]


def _intervention_title(change: InterventionStatusChange) -> str:
    name = change.intervention.type.label
    if not change.from_status:
        return f"Intervention planned: {name}"
    moved = f"{_label(InterventionStatus, change.from_status)} → {_label(InterventionStatus, change.to_status)}"
    return f"Intervention {name}: {moved}"


def disposal_entries(subject: Subject, viewer: User) -> list[TimelineEntry]:
    """Each disposal proposed, submitted, approved, returned or rejected. One query."""
    changes = (
        DisposalStatusChange.objects.filter(disposal__case__subject=subject)
        .select_related("disposal__type", "disposal__case", "by")
        .order_by("-at", "-id")[:SOURCE_LIMIT]
    )
    visible = details_visible(subject, viewer)
    return [
        TimelineEntry(
            at=change.at,
            kind="disposal",
            title=_disposal_title(change),
            detail=short_detail(change.reason) if visible else "",
            case_reference=_case_reference(subject, change.disposal.case),
            url=reverse("interventions:disposal_detail", args=[change.disposal_id]),
            actor=person_name(change.by),
        )
        for change in changes
    ]


DISPOSAL_VERBS = {
    DisposalStatus.DRAFT: "proposed",
    DisposalStatus.SUBMITTED: "submitted for approval",
    DisposalStatus.APPROVED: "approved",
    DisposalStatus.RETURNED: "returned for changes",
    DisposalStatus.REJECTED: "rejected",
}


def _disposal_title(change: DisposalStatusChange) -> str:
    verb = DISPOSAL_VERBS.get(change.to_status, change.to_status)
    if change.to_status == DisposalStatus.SUBMITTED and change.from_status == DisposalStatus.APPROVED:
        verb = "changed after approval and resubmitted"
    return f"Disposal {verb}: {change.disposal.type.label}"


def review_entries(subject: Subject, viewer: User) -> list[TimelineEntry]:
    """Supervisory reviews of the person's cases. One query."""
    reviews = (
        SupervisoryReview.objects.filter(case__subject=subject)
        .select_related("case", "reviewer")
        .order_by("-reviewed_at", "-id")[:SOURCE_LIMIT]
    )
    visible = details_visible(subject, viewer)
    return [
        TimelineEntry(
            at=review.reviewed_at,
            kind="supervisory_review",
            title=f"Supervisory review: next by {review.next_review_date:%d %b %Y}",
            detail=short_detail(review.notes) if visible else "",
            case_reference=_case_reference(subject, review.case),
            url=reverse("subjects:case_detail", args=[review.case_id]),
            actor=person_name(review.reviewer),
        )
        for review in reviews
    ]


SOURCES = (intervention_entries, disposal_entries, review_entries)


def register_timeline_sources() -> None:
    """Called from ``InterventionsConfig.ready()``."""
    for source in SOURCES:
        register_timeline_source(source)
