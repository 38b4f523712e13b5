"""The organisations that make diversion possible, the pathways they offer, and the agreements that let us share.

A partner belongs to no single force: it is visible to a user when it covers at
least one force the user may access (``partners.selectors``). Its contacts are
personal data, scoped the same way and logged on every view. Writes go through
``partners.services``, which enforces the rules across rows (a name unique
within each force, a pathway's forces a subset of its partner's).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from accounts.models import Force

MIN_AGE = 5
MAX_AGE = 100


class Sector(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"
    EDUCATION = "education", "Education"
    THIRD_SECTOR = "third_sector", "Third sector"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"


class PartnerType(models.TextChoices):
    SCHOOL = "school", "School"
    FE_COLLEGE = "fe_college", "FE college"
    UNIVERSITY = "university", "University"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    SOCIAL_CARE = "social_care", "Social care"
    CHARITY = "charity", "Charity"
    CYBER_SECURITY_FIRM = "cyber_security_firm", "Cyber security firm"
    GAMES_COMPANY = "games_company", "Games company"
    OTHER = "other", "Other"


class PartnerStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    DORMANT = "dormant", "Dormant"


class Partner(models.Model):
    name = models.CharField(max_length=200)
    # Case-, accent-, punctuation- and space-folded name: what "the same name" means within a force.
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    type = models.CharField(max_length=20, choices=PartnerType.choices)
    forces = models.ManyToManyField(Force, related_name="partners", verbose_name="forces covered")
    status = models.CharField(max_length=10, choices=PartnerStatus.choices, default=PartnerStatus.PROSPECT)
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_partners",
        help_text="The officer who looks after the relationship.",
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(sector__in=Sector.values), name="partner_sector_valid"),
            models.CheckConstraint(condition=Q(type__in=PartnerType.values), name="partner_type_valid"),
            models.CheckConstraint(condition=Q(status__in=PartnerStatus.values), name="partner_status_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    """A named person at a partner: personal data, scoped like the partner and logged on every view."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, blank=True, help_text="Their job, e.g. designated safeguarding lead.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class InteractionKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    JOINT_EVENT = "joint_event", "Joint event"


class PartnerInteraction(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="interactions")
    date = models.DateField()
    kind = models.CharField(max_length=15, choices=InteractionKind.choices)
    summary = models.TextField()
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=InteractionKind.values), name="interaction_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%d %b %Y}"


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    BLENDED = "blended", "Blended"


class Pathway(models.Model):
    """A diversion offer a partner provides: who it is for (ages, forces), how, and when."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="pathways")
    intervention_type = models.ForeignKey(
        "interventions.InterventionType", on_delete=models.PROTECT, related_name="pathways"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(help_text="What the pathway is for, in plain words: the partner sees this.")
    age_min = models.PositiveSmallIntegerField(
        "youngest age", validators=[MinValueValidator(MIN_AGE), MaxValueValidator(MAX_AGE)]
    )
    age_max = models.PositiveSmallIntegerField(
        "oldest age", validators=[MinValueValidator(MIN_AGE), MaxValueValidator(MAX_AGE)]
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Places at a time; blank if not limited."
    )
    delivery_mode = models.CharField(max_length=10, choices=DeliveryMode.choices)
    forces = models.ManyToManyField(Force, related_name="pathways", verbose_name="forces served")
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True, help_text="Blank if it has no end date.")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__gte=MIN_AGE, age_max__lte=MAX_AGE, age_min__lte=F("age_max")),
                name="pathway_age_range_valid",
                violation_error_message="The age range must run from a youngest to an oldest age, within 5 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=F("active_from")),
                name="pathway_active_dates_in_order",
                violation_error_message="The pathway cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(delivery_mode__in=DeliveryMode.values), name="pathway_delivery_mode_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors["age_max"] = (
                f"The oldest age ({self.age_max}) is below the youngest ({self.age_min}): the range is upside down."
            )
        if self.active_from and self.active_to and self.active_to < self.active_from:
            errors["active_to"] = "The pathway cannot end before it starts."
        if errors:
            raise ValidationError(errors)

    @property
    def age_range(self) -> str:
        return f"{self.age_min}\N{EN DASH}{self.age_max}"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class DataSharingAgreement(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements")
    status = models.CharField(max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    signed_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, db_index=True)
    document_reference = models.CharField(
        max_length=100, blank=True, help_text="Where the signed document is kept, e.g. its records-system reference."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-expires_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AgreementStatus.values), name="agreement_status_valid"),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True) | Q(expires_on__isnull=True) | Q(expires_on__gt=F("signed_on")),
                name="agreement_expires_after_signing",
                violation_error_message="An agreement must expire after the day it is signed.",
            ),
        ]

    def __str__(self) -> str:
        return self.document_reference or f"Agreement {self.pk}"

    def clean(self) -> None:
        errors = {}
        if self.signed_on and self.expires_on and self.expires_on <= self.signed_on:
            errors["expires_on"] = "An agreement must expire after the day it is signed."
        if self.status == AgreementStatus.SIGNED and not self.signed_on:
            errors["signed_on"] = "A signed agreement needs the date it was signed."
        if self.status == AgreementStatus.SIGNED and not self.expires_on:
            errors["expires_on"] = "A signed agreement needs an expiry date, so it can be renewed in time."
        if errors:
            raise ValidationError(errors)
