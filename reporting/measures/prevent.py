"""Prevent figures: referrals, new subjects, cases, first contact, interventions, disposals, re-offending checks."""

from django.db.models import Case as DbCase
from django.db.models import Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, TruncDate

from followups.models import REOFFENDING_KINDS, FollowUp, FollowUpStatus, ReoffendingResult
from interventions.models import Disposal, DisposalStatus, Intervention, InterventionStatus, InterventionType
from outreach.quarters import LONDON
from subjects.models import Case, CaseStatus, CaseStatusChange, ReferralSource, Sex, VulnerabilityFlag

from ..figures import Cell, Kind, Scope, by_force, counts_by_force, measure, per_force, percent, reference, two_way

AGE_BANDS = ["Under 10", "10-13", "14-17", "18-24", "25 and over", "Age not known"]
SEX_LABELS = [label for _, label in Sex.choices]


def _cases(scope: Scope):
    return Case.objects.filter(force_id__in=scope.force_ids)


def _referred_in(scope: Scope):
    return _cases(scope).filter(referral_date__gte=scope.quarter.start, referral_date__lte=scope.quarter.end)


@measure(
    "referrals_by_source",
    "Referrals received, by source",
    "Prevent",
    """Cases whose referral date falls in the quarter, by who referred them. A
    person referred twice counts twice.""",
    suppressible=True,
    additive=True,
)
def referrals_by_source(scope: Scope) -> dict[int, list[Cell]]:
    return counts_by_force(_referred_in(scope), scope, "force_id", "source", ReferralSource.choices)


def _age_at_referral():
    """Whole years between date of birth and referral date, computed by the database."""
    before_birthday = DbCase(
        When(
            Q(ref_month__lt=F("dob_month")) | Q(ref_month=F("dob_month"), ref_day__lt=F("dob_day")),
            then=Value(1),
        ),
        default=Value(0),
    )
    return ExpressionWrapper(F("ref_year") - F("dob_year") - before_birthday, output_field=IntegerField())


def _age_band():
    return DbCase(
        When(subject__date_of_birth__isnull=True, then=Value("Age not known")),
        When(age__lt=10, then=Value("Under 10")),
        When(age__lt=14, then=Value("10-13")),
        When(age__lt=18, then=Value("14-17")),
        When(age__lt=25, then=Value("18-24")),
        default=Value("25 and over"),
    )


def _first_referrals(scope: Scope):
    # A subject's first case is their first referral; merged duplicates are not new people.
    return _referred_in(scope).filter(number=1, subject__merged_into__isnull=True)


@measure(
    "new_subjects_by_age_and_sex",
    "New subjects, by age at referral and sex",
    "Prevent",
    """People referred for the first time in the quarter (their first case's
    referral date is in it), by age in whole years on that date (under 10, 10-13,
    14-17, 18-24, 25 and over, or not known) and recorded sex.""",
    suppressible=True,
    two_way=True,
    additive=True,
)
def new_subjects_by_age_and_sex(scope: Scope) -> dict[int, list[Cell]]:
    rows = (
        _first_referrals(scope)
        .annotate(
            ref_year=ExtractYear("referral_date"),
            ref_month=ExtractMonth("referral_date"),
            ref_day=ExtractDay("referral_date"),
            dob_year=ExtractYear("subject__date_of_birth"),
            dob_month=ExtractMonth("subject__date_of_birth"),
            dob_day=ExtractDay("subject__date_of_birth"),
        )
        .annotate(age=_age_at_referral())
        .annotate(band=_age_band())
        .order_by()
        .values_list("force_id", "band", "subject__sex")
        .annotate(n=Count("subject_id", distinct=True))
    )
    sex_label = dict(Sex.choices)
    return {
        force_id: two_way(
            {(band, sex_label.get(sex, sex)): n for (band, sex), n in found.items()}, AGE_BANDS, SEX_LABELS
        )
        for force_id, found in by_force(rows, scope).items()
    }


@measure(
    "new_subjects_by_vulnerability",
    "New subjects with a vulnerability flag",
    "Prevent",
    """Of the people referred for the first time in the quarter, how many carry
    each vulnerability flag (autism diagnosed or suspected, and the others). A
    person with two flags counts under both, so the rows have no total.""",
    kind=Kind.SET,
    suppressible=True,
    additive=True,
)
def new_subjects_by_vulnerability(scope: Scope) -> dict[int, list[Cell]]:
    flagged = _first_referrals(scope).filter(subject__vulnerability_flags__isnull=False)
    labels = reference(
        "vulnerability_flags",
        lambda: list(VulnerabilityFlag.objects.order_by("position", "label").values_list("code", "label")),
    )
    return counts_by_force(flagged, scope, "force_id", "subject__vulnerability_flags__code", labels, total=False)


def _status_changes_in(scope: Scope, to_status: str):
    return CaseStatusChange.objects.filter(
        case__force_id__in=scope.force_ids, to_status=to_status, at__gte=scope.start, at__lt=scope.end
    )


@measure(
    "cases",
    "Cases opened, active at quarter end, and closed",
    "Prevent",
    """Opened: cases that became active in the quarter (a status change to active,
    local time). Active at quarter end: cases whose last status change before
    midnight at the end of the quarter left them active. Closed: cases closed in
    the quarter. Each case counts once per row.""",
    kind=Kind.SET,
    suppressible=True,
    additive=True,
)
def cases(scope: Scope) -> dict[int, list[Cell]]:
    last_status = (
        CaseStatusChange.objects.filter(case=OuterRef("pk"), at__lt=scope.end)
        .order_by("-at", "-pk")
        .values("to_status")
    )
    active = _cases(scope).annotate(status_then=Subquery(last_status[:1])).filter(status_then=CaseStatus.ACTIVE)
    opened = per_force(_moved_in(scope, CaseStatus.ACTIVE), scope)
    active_then = per_force(active.order_by().values_list("force_id").annotate(n=Count("pk")), scope)
    closed = per_force(_moved_in(scope, CaseStatus.CLOSED), scope)
    return {
        force_id: [
            Cell("Opened", opened[force_id]),
            Cell("Active at quarter end", active_then[force_id]),
            Cell("Closed", closed[force_id]),
        ]
        for force_id in scope.force_ids
    }


def _moved_in(scope: Scope, to_status: str):
    """(force id, cases moved to ``to_status`` in the quarter) rows."""
    changes = _status_changes_in(scope, to_status).order_by()
    return changes.values_list("case__force_id").annotate(n=Count("case_id", distinct=True))


@measure(
    "first_contact",
    "First contact within 5 working days",
    "Prevent",
    """Cases whose first contact was due in the quarter (due = 5 working days,
    England and Wales, after the referral), how many were contacted on or before
    the due date (the London date of first contact), and that as a percentage.""",
    kind=Kind.SET,
    suppressible=True,
)
def first_contact(scope: Scope) -> list[Cell]:
    due = _cases(scope).filter(first_contact_due__gte=scope.quarter.start, first_contact_due__lte=scope.quarter.end)
    counts = due.annotate(contact_day=TruncDate("first_contact_at", tzinfo=LONDON)).aggregate(
        due=Count("pk"), on_time=Count("pk", filter=Q(contact_day__lte=F("first_contact_due")))
    )
    return [
        Cell("Due in the quarter", counts["due"]),
        Cell("Made within 5 working days", counts["on_time"]),
        Cell("Percent within 5 working days", percent(counts["on_time"], counts["due"])),
    ]


def intervention_type_labels() -> list[tuple[str, str]]:
    return reference(
        "intervention_types",
        lambda: list(InterventionType.objects.order_by("position", "label").values_list("code", "label")),
    )


def _interventions(scope: Scope):
    return Intervention.objects.filter(case__force_id__in=scope.force_ids)


@measure(
    "interventions_started",
    "Interventions started, by type",
    "Prevent",
    "Interventions whose start date falls in the quarter, by type.",
    suppressible=True,
    additive=True,
)
def interventions_started(scope: Scope) -> dict[int, list[Cell]]:
    started = _interventions(scope).filter(started_on__gte=scope.quarter.start, started_on__lte=scope.quarter.end)
    return counts_by_force(started, scope, "case__force_id", "type__code", intervention_type_labels())


@measure(
    "interventions_completed",
    "Interventions completed, by type",
    "Prevent",
    "Interventions completed (status completed) whose end date falls in the quarter, by type.",
    suppressible=True,
    additive=True,
)
def interventions_completed(scope: Scope) -> dict[int, list[Cell]]:
    completed = _interventions(scope).filter(
        status=InterventionStatus.COMPLETED, ended_on__gte=scope.quarter.start, ended_on__lte=scope.quarter.end
    )
    return counts_by_force(completed, scope, "case__force_id", "type__code", intervention_type_labels())


@measure(
    "disposals_approved",
    "Disposals approved, by type and Home Office outcome",
    "Prevent",
    """Disposals approved with the decision made in the quarter (London time), by
    disposal type and the Home Office outcome code recorded on them.""",
    suppressible=True,
)
def disposals_approved(scope: Scope) -> list[Cell]:
    rows = (
        Disposal.objects.filter(
            case__force_id__in=scope.force_ids,
            status=DisposalStatus.APPROVED,
            decided_at__gte=scope.start,
            decided_at__lt=scope.end,
        )
        .order_by("type__position", "type__label", "outcome__code")
        .values_list("type__label", "outcome__code")
        .annotate(n=Count("pk"))
    )
    cells = [Cell(f"{label} / outcome {code or 'none'}", n) for label, code, n in rows]
    return [*cells, Cell("Total", sum(cell.value for cell in cells))]


@measure(
    "reoffending_checks",
    "Re-offending checks completed, by result",
    "Prevent",
    """Re-offending checks (at 3, 6 and 12 months after closure) completed in the
    quarter (London time), by result.""",
    suppressible=True,
    additive=True,
)
def reoffending_checks(scope: Scope) -> dict[int, list[Cell]]:
    done = FollowUp.objects.filter(
        case__force_id__in=scope.force_ids,
        kind__in=REOFFENDING_KINDS,
        status=FollowUpStatus.DONE,
        completed_at__gte=scope.start,
        completed_at__lt=scope.end,
    )
    return counts_by_force(done, scope, "case__force_id", "result", ReoffendingResult.choices)
