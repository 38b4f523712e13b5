"""What is done with a young person, and the decision that ends police action on their case.

Statuses change only through ``interventions.services``, which locks the row,
checks the move against ``ALLOWED_TRANSITIONS`` and writes a status-change row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Role
from subjects.models import Case


class InterventionType(models.Model):
    """The configurable catalogue of interventions, with a local intensity ordinal (no national tiers exist)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    intensity = models.PositiveSmallIntegerField(default=1, help_text="1 = lightest touch; higher = more intensive.")
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


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


class InterventionStatusChange(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=InterventionStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=InterventionStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.intervention_id}: {self.from_status or '-'} → {self.to_status}"


class HomeOfficeOutcome(models.Model):
    """Home Office crime outcome codes: editable, to be confirmed with each force's crime registrar."""

    code = models.CharField(max_length=5, unique=True)
    label = models.CharField(max_length=150)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Outcome {self.code}: {self.label}"


class DisposalType(models.Model):
    """A disposal and, by local policy, the role that approves it (default sergeant; cautions inspector)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
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
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


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


class DisposalStatusChange(models.Model):
    disposal = models.ForeignKey(Disposal, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=DisposalStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=DisposalStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.disposal_id}: {self.from_status or '-'} → {self.to_status}"


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


# ------------------------------------------------------------------------------
# Follow-ups and reminders (rules in interventions.followups, sweep in interventions.reminders)
# ------------------------------------------------------------------------------
class FollowUpKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", "First contact"
    REOFFENDING_3M = "reoffending_3m", "Re-offending check (3 months)"
    REOFFENDING_6M = "reoffending_6m", "Re-offending check (6 months)"
    REOFFENDING_12M = "reoffending_12m", "Re-offending check (12 months)"
    SUPERVISORY_REVIEW = "supervisory_review", "Supervisory review"
    INTERVENTION_REVIEW = "intervention_review", "Intervention review"
    AGREEMENT_EXPIRY = "agreement_expiry", "Data sharing agreement expiry"


REOFFENDING_KINDS = (FollowUpKind.REOFFENDING_3M, FollowUpKind.REOFFENDING_6M, FollowUpKind.REOFFENDING_12M)


class FollowUpStatus(models.TextChoices):
    DUE = "due", "Due"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ReoffendingResult(models.TextChoices):
    NO_FURTHER_CONCERN = "no_further_concern", "No further concern"
    NEW_INTELLIGENCE = "new_intelligence", "New intelligence"
    REOFFENDED = "reoffended", "Re-offended"
    NOT_CHECKED = "not_checked", "Not checked"


class FollowUp(models.Model):
    """A dated check owed on a case. Created and closed only by the rules in ``interventions.followups``."""

    # Null only for checks that belong to no case (data sharing agreement expiry).
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="followups")
    # Set only for a data sharing agreement's expiry (then ``case`` is null).
    agreement = models.ForeignKey(
        "partners.DataSharingAgreement", on_delete=models.CASCADE, null=True, blank=True, related_name="followups"
    )
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    due_date = models.DateField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="followups"
    )
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.DUE)
    result = models.CharField(max_length=20, choices=ReoffendingResult.choices, blank=True)
    notes = models.TextField(blank=True, help_text="What was checked; no narrative beyond what the check needs.")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["assignee", "status", "due_date"]),
        ]
        constraints = [
            # A rule run twice cannot owe the same check twice.
            models.UniqueConstraint(fields=["case", "kind", "due_date"], name="followup_once_per_case_kind_due"),
            models.UniqueConstraint(
                fields=["agreement", "kind", "due_date"],
                condition=Q(agreement__isnull=False),
                name="followup_once_per_agreement_kind_due",
            ),
            models.CheckConstraint(condition=Q(status__in=FollowUpStatus.values), name="followup_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=FollowUpKind.values), name="followup_kind_valid"),
            models.CheckConstraint(
                condition=Q(result="") | Q(result__in=ReoffendingResult.values), name="followup_result_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_date}"

    @property
    def is_reoffending_check(self) -> bool:
        return self.kind in REOFFENDING_KINDS


class ReminderKind(models.TextChoices):
    DUE = "due", "Due"
    ESCALATION = "escalation", "Escalated to the sergeant"
    APPROVAL_ESCALATION = "approval_escalation", "Approval escalated to the inspector"


class Reminder(models.Model):
    """That the sweep reminded about one follow-up (or a waiting approval), of one kind, for one day.

    The unique constraints make "once" a database fact: a sweep inserts with
    ``ignore_conflicts`` and notifies only the rows carrying its own token.
    """

    # No index of their own: the unique constraints below lead with these columns and serve their lookups,
    # and each index less is one write less for every reminder a sweep inserts.
    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", db_index=False
    )
    disposal = models.ForeignKey(
        Disposal, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", db_index=False
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    day = models.DateField()
    sweep_token = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Partial: a row (about a follow-up or a disposal, never both) is written into one of these indexes only.
            models.UniqueConstraint(
                fields=["followup", "kind", "day"],
                condition=Q(followup__isnull=False),
                name="reminder_once_per_followup_kind_day",
            ),
            models.UniqueConstraint(
                fields=["disposal", "kind", "day"],
                condition=Q(disposal__isnull=False),
                name="reminder_once_per_disposal_kind_day",
            ),
            models.CheckConstraint(
                condition=Q(followup__isnull=False, disposal__isnull=True)
                | Q(followup__isnull=True, disposal__isnull=False),
                name="reminder_has_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder on {self.day}"


class DigestSent(models.Model):
    """One daily digest per user per day; the row is claimed before the mail is sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sweep_token = models.CharField(max_length=32, db_index=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_day")]

    def __str__(self) -> str:
        return f"Digest for {self.user_id} on {self.day}"


class ReminderPreference(models.Model):
    """A user's choice about the daily digest. No row means the digest is on; escalations always reach them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    digest_enabled = models.BooleanField("send me the daily digest", default=True)

    def __str__(self) -> str:
        return f"{self.user_id}: digest {'on' if self.digest_enabled else 'off'}"
