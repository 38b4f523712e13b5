"""One chronological timeline of everything about a person, built from registered sources.

Each app adds its own event types by registering a *source*: a callable
``source(subject, viewer) -> Iterable[TimelineEntry]``. A source must:

- run a fixed number of queries whatever the number of rows (``select_related``
  / ``prefetch_related``), so the subject page's query count stays pinned;
- return at most its newest ``SOURCE_LIMIT`` entries;
- put narratives in ``detail`` only where ``details_visible(subject, viewer)``.

Precondition: the caller already scoped ``subject`` to ``viewer`` through
``subjects.selectors.subject_get_visible``; sources do not check force access.

Register from the app's ``AppConfig.ready()``::

    from subjects.timeline import register_timeline_source
    register_timeline_source(intervention_entries)
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.text import Truncator

from accounts.models import User
from subjects import hooks
from subjects.selectors.access import subject_details_visible

from .models import Attachment, Case, CaseStatus, CaseStatusChange, Engagement, Subject

# A source returns no more than this many of its newest entries; the merged
# timeline is therefore exact for any ``limit`` up to it.
SOURCE_LIMIT = 200
DETAIL_CHARS = 300


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # aware
    kind: str  # a slug, e.g. "engagement"; the template shows it as a badge
    title: str
    detail: str = ""
    case_reference: str | None = None
    url: str | None = None
    actor: str = ""

    @property
    def kind_label(self) -> str:
        return self.kind.replace("_", " ").capitalize()


TimelineSource = Callable[[Subject, User], Iterable[TimelineEntry]]


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    """Add ``source`` to every subject's timeline (idempotent; usable as a decorator)."""
    return hooks.timeline_sources.register(source)


def timeline_sources() -> tuple[TimelineSource, ...]:
    return hooks.timeline_sources.receivers


def subject_timeline(subject: Subject, viewer: User, limit: int = SOURCE_LIMIT) -> list[TimelineEntry]:
    """Everything about ``subject`` from every registered source, newest first."""
    entries = [entry for found in hooks.timeline_sources.send(subject, viewer) for entry in found]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def details_visible(subject: Subject, viewer: User) -> bool:
    """``subject_details_visible``, remembered on the subject so every source asks the database once."""
    cache = subject.__dict__.setdefault("_details_visible_for", {})
    if viewer.pk not in cache:
        cache[viewer.pk] = subject_details_visible(viewer, subject)
    return cache[viewer.pk]


def person_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _case_reference(subject: Subject, case: Case) -> str:
    # Built from the subject already in hand, so no query per case.
    return f"{subject.reference}/{case.number}"


def _short(text: str) -> str:
    return Truncator(text.strip()).chars(DETAIL_CHARS)


# ------------------------------------------------------------------------------
# The subjects app's own sources
# ------------------------------------------------------------------------------
def case_opened_entries(subject: Subject, viewer: User) -> list[TimelineEntry]:
    """One entry per referral (a case opened). One query."""
    cases = Case.objects.filter(subject=subject).select_related("created_by").order_by("-created_at")[:SOURCE_LIMIT]
    return [
        TimelineEntry(
            at=case.created_at,
            kind="case_opened",
            title=f"Case opened: referral from {case.get_source_display().lower()}",
            detail=f"Referred on {case.referral_date:%d %b %Y}." if details_visible(subject, viewer) else "",
            case_reference=_case_reference(subject, case),
            url=reverse("subjects:case_detail", args=[case.pk]),
            actor=person_name(case.created_by),
        )
        for case in cases
    ]


def case_status_entries(subject: Subject, viewer: User) -> list[TimelineEntry]:
    """Status changes after the referral (the first row is the opening, shown above). One query."""
    changes = (
        CaseStatusChange.objects.filter(case__subject=subject)
        .exclude(from_status="")
        .select_related("case", "by")
        .order_by("-at", "-id")[:SOURCE_LIMIT]
    )
    return [
        TimelineEntry(
            at=change.at,
            kind="status_change",
            title=f"Case status: {_status_label(change.from_status)} → {_status_label(change.to_status)}",
            detail=_short(change.reason) if details_visible(subject, viewer) else "",
            case_reference=_case_reference(subject, change.case),
            url=reverse("subjects:case_detail", args=[change.case_id]),
            actor=person_name(change.by),
        )
        for change in changes
    ]


def _status_label(status: str) -> str:
    return CaseStatus(status).label.lower() if status in CaseStatus.values else status


def engagement_entries(subject: Subject, viewer: User) -> list[TimelineEntry]:
    """Every contact with the person: type, outcome, officers. Two queries (engagements, their officers)."""
    engagements = (
        Engagement.objects.filter(case__subject=subject)
        .select_related("case")
        .prefetch_related("officers")
        .order_by("-occurred_at", "-id")[:SOURCE_LIMIT]
    )
    visible = details_visible(subject, viewer)
    return [
        TimelineEntry(
            at=engagement.occurred_at,
            kind="engagement",
            title=_engagement_title(engagement),
            detail=_engagement_detail(engagement) if visible else "",
            case_reference=_case_reference(subject, engagement.case),
            url=reverse("subjects:case_detail", args=[engagement.case_id]),
            actor=", ".join(person_name(officer) for officer in engagement.officers.all()),
        )
        for engagement in engagements
    ]


def _engagement_title(engagement: Engagement) -> str:
    title = f"{engagement.get_type_display()}: {engagement.get_outcome_display().lower()}"
    return f"{title} ({engagement.duration_minutes} min)" if engagement.duration_minutes else title


def _engagement_detail(engagement: Engagement) -> str:
    facts = []
    if engagement.present:
        facts.append(f"Present: {engagement.present}.")
    if engagement.parent_present != "not_applicable":
        facts.append(f"Parent or carer present: {engagement.get_parent_present_display().lower()}.")
    if engagement.parent_absent_reason:
        facts.append(f"Why not: {engagement.parent_absent_reason}.")
    if engagement.narrative:
        facts.append(engagement.narrative)
    if engagement.next_action_date:
        facts.append(f"Next action by {engagement.next_action_date:%d %b %Y}.")
    return _short(" ".join(facts))


def attachment_entries(subject: Subject, viewer: User) -> list[TimelineEntry]:
    """Files uploaded about the person. One query."""
    attachments = (
        Attachment.objects.filter(subject=subject)
        .select_related("case", "uploaded_by")
        .order_by("-uploaded_at", "-id")[:SOURCE_LIMIT]
    )
    visible = details_visible(subject, viewer)
    return [
        TimelineEntry(
            at=attachment.uploaded_at,
            kind="attachment",
            title=f"{attachment.get_kind_display()} uploaded: {attachment.original_name}",
            detail=_short(attachment.description) if visible else "",
            case_reference=_case_reference(subject, attachment.case) if attachment.case else None,
            url=reverse("subjects:attachment_download", args=[attachment.pk]),
            actor=person_name(attachment.uploaded_by),
        )
        for attachment in attachments
    ]


def register_subject_sources() -> None:
    """Called from ``SubjectsConfig.ready()``."""
    for source in (case_opened_entries, case_status_entries, engagement_entries, attachment_entries):
        register_timeline_source(source)
