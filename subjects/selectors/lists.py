"""Reads of people for the subject list (filters, search) and the subject page (its sections).

Both start from ``subjects.selectors`` and fix their query shape here, so the
number of queries does not grow with the rows shown.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models import Case as Conditional
from django.utils import timezone

from accounts.models import User
from accounts.selectors import scope_to_forces, users_offered
from subjects.matching import identifier_key, name_key
from subjects.models import (
    OPEN_STATUSES,
    Association,
    Case,
    CaseStatus,
    OnlineIdentifier,
    Platform,
    Subject,
    SubjectAlias,
    age_on,
)
from subjects.selectors.access import CASEWORK_ROLES, restricted_details_hidden_q, subject_list_visible


# ------------------------------------------------------------------------------
# Age bands: computed in the database as date-of-birth ranges
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgeBand:
    label: str
    youngest: int | None
    oldest: int | None


AGE_BANDS: dict[str, AgeBand] = {
    "under_10": AgeBand("Under 10", None, 9),
    "10_13": AgeBand("10 to 13", 10, 13),
    "14_17": AgeBand("14 to 17", 14, 17),
    "18_24": AgeBand("18 to 24", 18, 24),
    "25_plus": AgeBand("25 and over", 25, None),
}


def years_before(day: date, years: int) -> date:
    """``day`` moved back ``years`` years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_band_q(band: AgeBand, today: date) -> Q:
    """Born so that the age today is within the band (aged N on the day of the Nth birthday)."""
    q = Q(date_of_birth__isnull=False)
    if band.youngest is not None:
        q &= Q(date_of_birth__lte=years_before(today, band.youngest))
    if band.oldest is not None:
        q &= Q(date_of_birth__gt=years_before(today, band.oldest + 1))
    return q


# ------------------------------------------------------------------------------
# The subject list
# ------------------------------------------------------------------------------
# Filters that describe the person or their cases. A restricted record whose
# details the viewer may not see is never matched on them (that would reveal
# its details); it is still found by a search, which is how a colleague learns
# that a restricted record exists and whom to contact.
ATTRIBUTE_FILTERS = ("case_status", "officer", "risk_level", "age_band", "source", "activity_type", "vulnerability")


def subject_list_filtered(viewer: User, filters: dict) -> QuerySet[Subject]:
    """The subjects ``viewer`` may see, narrowed by ``filters`` (cleaned values of the list's filter form).

    Each row carries ``details_hidden`` (show the reference and whom to contact
    only) and ``open_case_status``. Related-row filters use ``Exists`` so a
    person matching through several rows is listed once.
    """
    hidden = restricted_details_hidden_q(viewer)
    subjects = (
        subject_list_visible(viewer)
        .select_related("force", "assigned_officer", "restriction_contact")
        .annotate(
            details_hidden=Conditional(
                When(hidden, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .annotate(open_case_status=Subquery(_open_case(OuterRef("pk")).values("status")[:1]))
    )
    if filters.get("force"):
        subjects = subjects.filter(force=filters["force"])
    if filters.get("q"):
        subjects = subjects.filter(search_q(filters["q"]))
    if any(filters.get(name) for name in ATTRIBUTE_FILTERS):
        subjects = subjects.filter(details_hidden=False).filter(_attribute_q(filters))
    return subjects.order_by(*_masked_last_ordering())


def subject_rows(subjects, today: date) -> list[Subject]:
    """The rows of one list page, with ``age`` and ``open_case_status_label`` worked out (no queries)."""
    rows = list(subjects)
    for subject in rows:
        subject.age = age_on(subject.date_of_birth, today)
        subject.open_case_status_label = CaseStatus(subject.open_case_status).label if subject.open_case_status else ""
    return rows


def _open_case(subject_ref) -> QuerySet[Case]:
    return Case.objects.filter(subject=subject_ref, status__in=OPEN_STATUSES).order_by("-referral_date", "-id")


def _masked_last_ordering() -> list:
    # Restricted rows shown as "restricted record" sort by reference, not by the
    # hidden name, so their position in the list reveals nothing about it.
    def by_name(field: str):
        return Conditional(When(details_hidden=True, then=Value("")), default=F(field), output_field=CharField())

    return ["details_hidden", by_name("last_name"), by_name("first_name"), "reference", "id"]


def search_q(text: str) -> Q:
    """Name, alias, online handle or reference; case-insensitive, partial, accent-folded."""
    text = text.strip()
    folded = name_key(text)
    handle = identifier_key(Platform.OTHER, text)
    reference = text.split("/", 1)[0].strip()  # a case reference "WM-2026-00042/2" finds its person
    q = Q(reference__icontains=reference) if reference else Q(pk__in=[])
    if folded:
        q |= Q(name_key__contains=folded)
        q |= Q(Exists(SubjectAlias.objects.filter(subject=OuterRef("pk"), name_key__contains=folded)))
    if handle:
        q |= Q(Exists(OnlineIdentifier.objects.filter(subject=OuterRef("pk"), handle_key__contains=handle)))
    return q


def _attribute_q(filters: dict) -> Q:
    q = Q()
    if filters.get("risk_level"):
        q &= Q(risk_level=filters["risk_level"])
    if filters.get("age_band"):
        q &= age_band_q(AGE_BANDS[filters["age_band"]], timezone.localdate())
    if filters.get("vulnerability"):
        flags = Subject.vulnerability_flags.through.objects.filter(
            subject=OuterRef("pk"), vulnerabilityflag=filters["vulnerability"]
        )
        q &= Q(Exists(flags))
    if filters.get("officer"):
        officer = filters["officer"]
        q &= Q(assigned_officer=officer) | Q(Exists(_open_case(OuterRef("pk")).filter(assigned_officer=officer)))
    case_filters = _case_filters(filters)
    if case_filters:
        # One Exists, so status, source and activity type are those of the same case.
        q &= Q(Exists(Case.objects.filter(subject=OuterRef("pk"), **case_filters)))
    return q


def _case_filters(filters: dict) -> dict:
    lookups = {}
    if filters.get("case_status"):
        lookups["status"] = filters["case_status"]
    if filters.get("source"):
        lookups["source"] = filters["source"]
    if filters.get("activity_type"):
        lookups["activity_types"] = filters["activity_type"]
    return lookups


def officer_list_for_filter(viewer: User) -> QuerySet[User]:
    """Caseworkers of the viewer's forces, for the "assigned officer" filter."""
    active = User.objects.filter(is_active=True, role__in=CASEWORK_ROLES)
    return scope_to_forces(active, viewer, field="home_force").order_by("last_name", "first_name", "username")


# ------------------------------------------------------------------------------
# The subject page
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssociationRow:
    relationship: str
    other: Subject | None
    other_hidden: bool
    context: object | None
    notes: str


def subject_profile(subject: Subject, viewer: User) -> dict:
    """The sections of the subject page, a fixed number of queries whatever their size.

    Precondition: ``subject`` came from ``subject_get_visible`` and its details
    are visible to ``viewer``.
    """
    return {
        "vulnerability_flags": list(subject.vulnerability_flags.all()),
        "cases": list(subject.cases.select_related("assigned_officer").order_by("-referral_date", "-number")),
        "identifiers": list(subject.identifiers.all()),
        "aliases": list(subject.aliases.all()),
        "contacts": list(subject.contacts.all()),
        "associations": association_rows(subject, viewer),
        "attachments": list(subject.attachments.select_related("case", "uploaded_by")),
    }


def association_rows(subject: Subject, viewer: User) -> list[AssociationRow]:
    """Links to contexts and to people, both directions; people outside the viewer's forces are left out."""
    visible = subject_list_visible(viewer)
    hidden = visible.filter(restricted_details_hidden_q(viewer))
    rows = (
        Association.objects.filter(
            Q(subject=subject, other_subject__isnull=True)
            | Q(subject=subject, other_subject__in=visible)
            | Q(other_subject=subject, subject__in=visible)
        )
        .select_related("subject", "other_subject", "context")
        .annotate(
            other_hidden=Conditional(
                When(Q(subject=subject, other_subject__in=hidden), then=Value(True)),
                When(Q(other_subject=subject, subject__in=hidden), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("relationship", "id")
    )
    return [
        AssociationRow(
            relationship=row.get_relationship_display(),
            other=row.subject if row.other_subject_id == subject.pk else row.other_subject,
            other_hidden=row.other_hidden,
            context=row.context,
            notes=row.notes,
        )
        for row in rows
    ]


def officer_list_for_force(force_id: int) -> QuerySet[User]:
    """Active caseworkers who may see ``force_id``: who can be named on an engagement there."""
    return users_offered(roles=CASEWORK_ROLES, forces=force_id)
