"""Follow-ups (dated checks owed on a case or an agreement) and what the reminder sweep records.

Rules in ``followups.services``; the sweep in ``followups.reminders``. The
tables keep the names they had when these models lived in ``interventions``
(``db_table``), so the move changed no row (see migrations/0001_initial.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from subjects.models import Case


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
    """A dated check owed on a case. Created and closed only by the rules in ``followups.services``."""

    # Null only for checks that belong to no case (data sharing agreement expiry).
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="followups")
    # Set only for a data sharing agreement's expiry (then ``case`` is null). A string reference: partners sits
    # above followups, which never imports it (the rule works from ``subjects.hooks.AgreementSaved``).
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
        db_table = "interventions_followup"
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
    # A string reference: interventions sits above followups and escalates its waiting approvals through
    # ``followups.hooks.approvals_escalate``.
    disposal = models.ForeignKey(
        "interventions.Disposal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    day = models.DateField()
    sweep_token = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "interventions_reminder"
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


class MailClaim(models.Model):
    """An e-mail a sweep owes: claimed (``sweep_token``, ``claimed_at``) before it is sent, ``sent_at`` once it went.

    A row unsent whose claim is older than ``REMINDER_MAIL_LEASE_MINUTES`` belongs to a sweep that died: a later
    sweep takes it over (``followups.mail``). No ``claimed_at``: free to take (its last send failed).
    """

    sweep_token = models.CharField(max_length=32)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class DigestSent(MailClaim):
    """One daily digest per user per day; the row is claimed before the mail is sent and marked sent after."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        db_table = "interventions_digestsent"
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_day")]
        # Only the few rows not yet sent: what a sweep looks for.
        indexes = [models.Index(fields=["day"], condition=Q(sent_at__isnull=True), name="digest_unsent_by_day")]

    def __str__(self) -> str:
        return f"Digest for {self.user_id} on {self.day}"


class EscalationMail(MailClaim):
    """The escalation e-mail one person is owed by one sweep, written in the transaction that escalated.

    ``items`` are the mail's lines (references, kinds, dates and links, as in ``hooks.Item``; never a name), so a
    later sweep can send it as it was meant whatever changed since.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    items = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["claimed_at"], condition=Q(sent_at__isnull=True), name="escalation_mail_unsent")
        ]

    def __str__(self) -> str:
        return f"Escalation mail to {self.recipient_id} ({len(self.items)} item(s))"


class ReminderPreference(models.Model):
    """A user's choice about the daily digest. No row means the digest is on; escalations always reach them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    digest_enabled = models.BooleanField("send me the daily digest", default=True)

    class Meta:
        db_table = "interventions_reminderpreference"

    def __str__(self) -> str:
        return f"{self.user_id}: digest {'on' if self.digest_enabled else 'off'}"
