"""Protect and Prevent outreach: events delivered or planned, campaigns, targets and lessons learnt.

No subject's personal data lives here; the only people named are the unit's
own presenters.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import Force
from editing.reference import ReferenceQuerySet
from editing.status import StatusChange

from .quarters import MAX_YEAR, MIN_YEAR, QUARTER_HELP, FinancialQuarter, financial_year_label


class Strand(models.TextChoices):
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"


class EventType(models.TextChoices):
    # Taxonomy from the SEROCU internal guidance (domain notes §4); unconfirmed nationally.
    PRESENTATION = "presentation", "Presentation"
    WORKSHOP = "workshop", "Workshop"
    EXERCISE_IN_A_BOX = "exercise_in_a_box", "Exercise in a Box"
    DECISIONS_AND_DISRUPTIONS = "decisions_and_disruptions", "Decisions & Disruptions"
    TABLETOP_EXERCISE = "tabletop_exercise", "Tabletop exercise"
    WEBINAR = "webinar", "Webinar"
    STAND_AT_EVENT = "stand_at_event", "Stand at event"
    CYBER_CHOICES_TALK = "cyber_choices_talk", "Cyber Choices talk"
    VICTIM_CALLBACK = "victim_callback", "Victim callback"


class Audience(models.TextChoices):
    BUSINESS = "business", "Business"
    CHARITY = "charity", "Charity"
    SCHOOL_STAFF = "school_staff", "School staff"
    PUPILS = "pupils", "Pupils"
    PARENTS = "parents", "Parents"
    PUBLIC = "public", "Public"
    PUBLIC_SECTOR = "public_sector", "Public sector"
    OTHER = "other", "Other"


class EventStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class Product(models.Model):
    """A national product or service promoted at events. Retire one by clearing ``active``; never delete it."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True, help_text="Retired products stay on past events but are not offered.")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name if self.active else f"{self.name} (retired)"


class CampaignScope(models.TextChoices):
    NATIONAL = "national", "National"
    LOCAL = "local", "Local"


class Campaign(models.Model):
    name = models.CharField(max_length=150, unique=True)
    scope = models.CharField(max_length=10, choices=CampaignScope.choices, default=CampaignScope.NATIONAL)
    start_date = models.DateField()
    end_date = models.DateField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="outreach_campaign_end_not_before_start",
                violation_error_message="The campaign cannot end before it starts.",
            ),
            models.CheckConstraint(condition=models.Q(scope__in=CampaignScope.values), name="outreach_campaign_scope"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The campaign cannot end before it starts."})


class OutreachEvent(models.Model):
    date = models.DateField(db_index=True)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="outreach_events")
    status = models.CharField(max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED)
    strand = models.CharField(max_length=10, choices=Strand.choices, default=Strand.PROTECT)
    event_type = models.CharField("type", max_length=30, choices=EventType.choices)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    sector = models.CharField(max_length=100, blank=True, help_text="For example manufacturing, health, education.")
    host_organisation = models.CharField(max_length=200, blank=True)
    presenters = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="outreach_events")
    co_delivering_partners = models.CharField(
        "co-delivering partners", max_length=300, blank=True, help_text="Organisations that delivered with us."
    )
    attendees = models.PositiveIntegerField(default=0)
    products = models.ManyToManyField(Product, blank=True, related_name="events", verbose_name="products promoted")
    sign_ups = models.PositiveIntegerField(
        "sign-ups", default=0, help_text="Sign-ups and stated intent (Police CyberAlarm, Cyber Essentials…)."
    )
    survey_code = models.CharField(max_length=40, blank=True, help_text="The code set by Team Cyber Protect UK.")
    feedback_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 to 5."
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["force", "status", "date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=EventStatus.values), name="outreach_event_status"),
            models.CheckConstraint(condition=models.Q(strand__in=Strand.values), name="outreach_event_strand"),
            models.CheckConstraint(
                condition=models.Q(feedback_score__isnull=True) | models.Q(feedback_score__range=(1, 5)),
                name="outreach_event_feedback_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        where = f" at {self.host_organisation}" if self.host_organisation else ""
        return f"{self.get_event_type_display()}{where}, {self.date:%-d %b %Y}"

    def clean(self) -> None:
        if self.status == EventStatus.DELIVERED and self.date and self.date > timezone.localdate():
            raise ValidationError(
                {
                    "date": "A delivered event cannot be dated in the future. Plan it instead, and mark it"
                    " delivered on the day."
                }
            )

    @property
    def quarter(self) -> FinancialQuarter:
        return FinancialQuarter.containing(self.date)


class OutreachEventStatusChange(StatusChange):
    """One row per move of an event between statuses: who, from, to, why."""

    statuses = EventStatus

    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="status_changes")


class LessonStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SHARED = "shared", "Shared"
    ACTIONED = "actioned", "Actioned"


class LessonLearnt(models.Model):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="lessons_learnt")
    source_operation = models.CharField(max_length=150, help_text="Operation name or reference the lesson came from.")
    theme = models.CharField(max_length=150, help_text="For example booter services, account takeover, phishing.")
    finding = models.TextField()
    recommendation = models.TextField()
    shared_with = models.CharField(max_length=300, blank=True, help_text="Who it was shared with.")
    date_shared = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=LessonStatus.choices, default=LessonStatus.DRAFT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lesson learnt"
        verbose_name_plural = "lessons learnt"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=LessonStatus.values), name="outreach_lesson_status"),
        ]

    def __str__(self) -> str:
        return f"{self.theme} ({self.source_operation})"

    def clean(self) -> None:
        errors = {}
        if self.status != LessonStatus.DRAFT:
            if not self.date_shared:
                errors["date_shared"] = "Give the date the lesson was shared."
            if not self.shared_with.strip():
                errors["shared_with"] = "Say who the lesson was shared with."
        if self.date_shared and self.date_shared > timezone.localdate():
            errors["date_shared"] = "The date shared cannot be in the future."
        if errors:
            raise ValidationError(errors)


class Measure(models.TextChoices):
    EVENTS = "events", "Events delivered"
    ATTENDEES = "attendees", "Attendees"
    SIGN_UPS = "sign_ups", "Sign-ups"
    REFERRALS_RECEIVED = "referrals_received", "Referrals received"
    INTERVENTIONS_COMPLETED = "interventions_completed", "Interventions completed"


class TargetScope(models.TextChoices):
    NATIONAL = "national", "National"
    LOCAL = "local", "Local"


QUARTER_CHOICES = [(number, f"Q{number}") for number in (1, 2, 3, 4)]


class Target(models.Model):
    """What a force is to achieve on one measure in one financial-year quarter."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="outreach_targets")
    financial_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
        help_text="The year it starts: 2026 for 2026/27.",
    )
    quarter = models.PositiveSmallIntegerField(choices=QUARTER_CHOICES, help_text=QUARTER_HELP)
    measure = models.CharField(max_length=30, choices=Measure.choices)
    scope = models.CharField(max_length=10, choices=TargetScope.choices, default=TargetScope.NATIONAL)
    value = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["financial_year", "quarter", "force__name", "measure", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "financial_year", "quarter", "measure", "scope"],
                name="outreach_target_unique",
                violation_error_message="This force already has a target for that measure, scope and quarter:"
                " change that one instead.",
            ),
            models.CheckConstraint(condition=models.Q(quarter__range=(1, 4)), name="outreach_target_quarter_1_to_4"),
            models.CheckConstraint(
                condition=models.Q(financial_year__range=(MIN_YEAR, MAX_YEAR)), name="outreach_target_year_range"
            ),
            models.CheckConstraint(condition=models.Q(measure__in=Measure.values), name="outreach_target_measure"),
            models.CheckConstraint(condition=models.Q(scope__in=TargetScope.values), name="outreach_target_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.force.code} {self.period_label} {self.get_measure_display()} ({self.get_scope_display()})"

    @property
    def period_label(self) -> str:
        return f"{financial_year_label(self.financial_year)} Q{self.quarter}"

    @property
    def financial_quarter(self) -> FinancialQuarter:
        return FinancialQuarter(self.financial_year, self.quarter)
