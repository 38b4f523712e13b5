"""What is done with a young person, and the decision that ends police action on their case.

Statuses change only through ``interventions.services``, which locks the row,
checks the move against ``INTERVENTION_TRANSITIONS`` / ``DISPOSAL_TRANSITIONS`` and writes a
status-change row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Role
from editing.reference import ReferenceQuerySet
from editing.status import StatusChange
from subjects.models import Case, ReferenceData


class InterventionType(ReferenceData):
    """The configurable catalogue of interventions, with a local intensity ordinal (no national tiers exist)."""

    intensity = models.PositiveSmallIntegerField(default=1, help_text="1 = lightest touch; higher = more intensive.")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DECLINED = "declined", "Declined by the subject"


class Attendance(models.TextChoices):
    NOT_RECORDED = "", "Not recorded"
    FULL = "full", "Attended fully"
    PARTIAL = "partial", "Attended in part"
    NONE = "none", "Did not attend"


class Intervention(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interventions")
    type = models.ForeignKey(InterventionType, on_delete=models.PROTECT, related_name="interventions")
    status = models.CharField(max_length=10, choices=InterventionStatus.choices, default=InterventionStatus.PLANNED)
    planned_start = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    delivered_by = models.CharField(max_length=200, blank=True, help_text="Partner or officer delivering it.")
    pathway = models.ForeignKey(
        "partners.Pathway", on_delete=models.PROTECT, null=True, blank=True, related_name="interventions"
    )
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)
    outcome = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InterventionStatus.values), name="intervention_status_valid"),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(started_on__lte=models.F("ended_on")),
                name="intervention_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} ({self.get_status_display()})"


class InterventionStatusChange(StatusChange):
    statuses = InterventionStatus

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="status_changes")


class HomeOfficeOutcome(models.Model):
    """Home Office crime outcome codes: editable, to be confirmed with each force's crime registrar."""

    code = models.CharField(max_length=5, unique=True)
    label = models.CharField(max_length=150)
    active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Outcome {self.code}: {self.label}"


class DisposalType(ReferenceData):
    """A disposal and, by local policy, the role that approves it (default sergeant; cautions inspector)."""

    approver_role = models.CharField(
        max_length=20,
        choices=[(Role.SERGEANT, "Sergeant"), (Role.INSPECTOR, "Inspector")],
        default=Role.SERGEANT,
        help_text="Local policy: who may approve this disposal. An inspector may approve what a sergeant may.",
    )
    default_outcome = models.ForeignKey(HomeOfficeOutcome, on_delete=models.PROTECT, null=True, blank=True)
    two_tier = models.BooleanField(
        default=False, help_text="Part of the two-tier framework; offered only when TWO_TIER_CAUTIONS is on."
    )
    adults_only = models.BooleanField(default=False)
    youth_only = models.BooleanField(default=False)


class DisposalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting approval"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for changes"
    REJECTED = "rejected", "Rejected"


NDM_STAGES = (
    ("rationale_information", "Information and intelligence"),
    ("rationale_threat_risk", "Threat and risk, and the working strategy"),
    ("rationale_powers_policy", "Powers and policy"),
    ("rationale_options", "Options and contingencies"),
    ("rationale_action_review", "Action and review"),
)


class Disposal(models.Model):
    """The decision that ends police action on a case, with its National Decision Model rationale."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disposals")
    type = models.ForeignKey(DisposalType, on_delete=models.PROTECT, related_name="disposals")
    outcome = models.ForeignKey(
        HomeOfficeOutcome, on_delete=models.PROTECT, related_name="disposals", verbose_name="Home Office outcome"
    )
    rationale_information = models.TextField("Information and intelligence", blank=True)
    rationale_threat_risk = models.TextField("Threat and risk, and the working strategy", blank=True)
    rationale_powers_policy = models.TextField("Powers and policy", blank=True)
    rationale_options = models.TextField("Options and contingencies", blank=True)
    rationale_action_review = models.TextField("Action and review", blank=True)
    status = models.CharField(
        max_length=10, choices=DisposalStatus.choices, default=DisposalStatus.DRAFT, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposed_disposals"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="decided_disposals"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DisposalStatus.values), name="disposal_status_valid"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="disposal_not_self_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} ({self.get_status_display()})"


class DisposalStatusChange(StatusChange):
    statuses = DisposalStatus

    disposal = models.ForeignKey(Disposal, on_delete=models.CASCADE, related_name="status_changes")


class SupervisoryReview(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervisory_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    notes = models.TextField()
    actions = models.TextField(blank=True)
    next_review_date = models.DateField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.case_id} on {self.reviewed_at:%Y-%m-%d}"
