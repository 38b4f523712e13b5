"""Cases (one referral episode of a subject), their status history and engagements."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Force
from editing.status import StatusChange

from .people import ActivityType, Subject


class ReferralSource(models.TextChoices):
    NCA_OPERATION = "nca_operation", "NCA operation"
    FORCE_INVESTIGATION = "force_investigation", "Force investigation"
    SCHOOL = "school", "School"
    PARENT_CARER = "parent_carer", "Parent or carer"
    SOCIAL_CARE = "social_care", "Social care"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    CHANNEL_PREVENT = "channel_prevent", "Channel / Prevent"
    INDUSTRY = "industry", "Industry"
    SELF = "self", "Self-referral"
    OTHER_ROCU = "other_rocu", "Another ROCU"
    OTHER = "other", "Other"


class CmaSection(models.TextChoices):
    S1 = "s1", "s1 unauthorised access"
    S2 = "s2", "s2 access with intent"
    S3 = "s3", "s3 impairing operation"
    S3ZA = "s3ZA", "s3ZA serious damage"
    S3A = "s3A", "s3A making or supplying articles"


class CaseStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGE = "triage", "In triage"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
    DECLINED = "declined", "Declined"


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.TRIAGE, CaseStatus.ACTIVE)


class ClosureReason(models.TextChoices):
    DIVERSION_COMPLETED = "diversion_completed", "Diversion completed"
    DISENGAGED = "disengaged", "Subject disengaged"
    REFERRED_ON = "referred_on", "Referred to another agency"
    MOVED_AWAY = "moved_away", "Moved out of the region"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    OTHER = "other", "Other"


def first_contact_overdue_q(today: date, prefix: str = "") -> Q:
    """Open, never reached, and the first contact was due before ``today``: the one definition, for a
    queryset of cases or (with ``prefix``, e.g. ``"assigned_cases__"``) across a relation to them."""
    return Q(
        **{
            f"{prefix}status__in": OPEN_STATUSES,
            f"{prefix}first_contact_at__isnull": True,
            f"{prefix}first_contact_due__lt": today,
        }
    )


def review_overdue_q(today: date, prefix: str = "") -> Q:
    """Open, and the next supervisory review date has passed."""
    return Q(**{f"{prefix}status__in": OPEN_STATUSES, f"{prefix}next_review_date__lt": today})


class CaseQuerySet(models.QuerySet):
    """The case rules that lists filter on, defined once (``Case.first_contact_overdue`` says the same per row)."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def first_contact_owed(self, by: date):
        """Open cases not yet contacted whose first contact falls due on or before ``by``."""
        return self.open().filter(first_contact_at__isnull=True, first_contact_due__lte=by)

    def first_contact_overdue(self, today: date | None = None):
        """Open cases not yet contacted whose first contact was due before ``today``."""
        return self.filter(first_contact_overdue_q(today or timezone.localdate()))

    def review_overdue(self, today: date | None = None):
        """Open cases whose next supervisory review date has passed."""
        return self.filter(review_overdue_q(today or timezone.localdate()))


class Case(models.Model):
    """One referral episode of a subject."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="cases")
    # The force of the subject when referred; returns count by it.
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="cases")
    number = models.PositiveIntegerField(editable=False, help_text="1 for the subject's first case, and so on.")
    referral_date = models.DateField()
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    referrer = models.CharField(max_length=200, blank=True, help_text="Who referred, e.g. the school's DSL.")
    operation = models.CharField(max_length=100, blank=True, verbose_name="operation name or reference")
    activity_types = models.ManyToManyField(ActivityType, blank=True, related_name="cases")
    cma_sections = models.JSONField(default=list, blank=True, verbose_name="Computer Misuse Act sections")
    narrative = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.NEW, db_index=True)
    triage_rationale = models.TextField(blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_rationale = models.TextField(blank=True)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases"
    )
    first_contact_due = models.DateField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    last_engagement_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_review_date = models.DateField(null=True, blank=True, verbose_name="next supervisory review")
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-referral_date", "-id"]
        indexes = [
            models.Index(fields=["force", "status"]),
            models.Index(fields=["assigned_officer", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["subject", "number"], name="case_number_unique_per_subject"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.subject.reference}/{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def first_contact_owed(self, by: date) -> bool:
        """Still open, never reached, and the first contact falls due on or before ``by``."""
        waiting = self.is_open and self.first_contact_at is None and self.first_contact_due is not None
        return waiting and self.first_contact_due <= by

    def first_contact_overdue(self, today: date | None = None) -> bool:
        """Still open, never reached, and the first contact was due before ``today`` (as the queryset's rule)."""
        today = today or timezone.localdate()
        return self.first_contact_owed(today - timedelta(days=1))

    def review_overdue(self, today: date | None = None) -> bool:
        """Still open and the next supervisory review date has passed (as the queryset's rule)."""
        today = today or timezone.localdate()
        return self.is_open and self.next_review_date is not None and self.next_review_date < today


class CaseStatusChange(StatusChange):
    """Who moved a case from which status to which, when and why. Written only by ``status_move``."""

    statuses = CaseStatus

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")


class EngagementType(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    CEASE_AND_DESIST = "cease_and_desist_visit", "Cease-and-desist visit"
    PHONE = "phone", "Phone call"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    SCHOOL_MEETING = "school_meeting", "School meeting"
    VIDEO_CALL = "video_call", "Video call"
    JOINT_VISIT = "joint_visit", "Joint visit with partner"


IN_PERSON_TYPES = (EngagementType.HOME_VISIT, EngagementType.CEASE_AND_DESIST, EngagementType.JOINT_VISIT)


class EngagementOutcome(models.TextChoices):
    ENGAGED = "engaged", "Engaged"
    REFUSED = "refused", "Refused"
    NO_ANSWER = "no_answer", "No answer"
    RESCHEDULED = "rescheduled", "Rescheduled"


# Outcomes that count as reaching the subject: the first of them is the case's first contact.
REACHED_OUTCOMES = (EngagementOutcome.ENGAGED, EngagementOutcome.REFUSED)


class ParentPresent(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Engagement(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="engagements")
    occurred_at = models.DateTimeField(db_index=True)
    type = models.CharField(max_length=25, choices=EngagementType.choices)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="engagements")
    present = models.CharField(max_length=200, blank=True, verbose_name="who was present")
    parent_present = models.CharField(
        max_length=15,
        choices=ParentPresent.choices,
        default=ParentPresent.NOT_APPLICABLE,
        verbose_name="parent or carer present",
    )
    parent_absent_reason = models.CharField(
        max_length=200, blank=True, verbose_name="why no parent or carer was present"
    )
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=15, choices=EngagementOutcome.choices)
    narrative = models.TextField(blank=True)
    next_action_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.occurred_at:%Y-%m-%d}"
