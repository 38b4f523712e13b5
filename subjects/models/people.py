"""People ("nominals"): reference data, subjects, their aliases, online identities, contexts, contacts and
associations; the counter their references come from, and break-glass access to restricted records."""

from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from accounts.models import Force
from editing.reference import ReferenceQuerySet

# A subject under this age is a child: parents are involved, and partners see less.
ADULT_AGE = 18


def age_on(date_of_birth: date | None, day: date) -> int | None:
    """Age in whole years on ``day``; ``None`` when the date of birth is not known."""
    if date_of_birth is None:
        return None
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


class PostcodeDistrictField(models.CharField):
    """The outward part of a UK postcode only (B15, WS1, DY10, SW1A): data minimisation, on every writer.

    Stored upper-case without spaces; anything else is refused by ``full_clean()`` with a message that says
    what to enter, whichever form, import or service wrote it.
    """

    default_validators = [
        RegexValidator(
            r"^[A-Z]{1,2}[0-9][A-Z0-9]?$", "Enter the first part of the postcode only, for example B15 or WS1."
        )
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 4)
        kwargs.setdefault("help_text", "The outward part only, e.g. B15 (data minimisation).")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(value.split()).upper() if value else value

    def get_prep_value(self, value):
        return self.to_python(super().get_prep_value(value))


class ReferenceData(models.Model):
    """An editable vocabulary value (unconfirmed vocabularies live in data, not code)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class VulnerabilityFlag(ReferenceData):
    pass


class ActivityType(ReferenceData):
    pass


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class PersonCategory(models.TextChoices):
    # DPA 2018 s.38: categories of data subject.
    SUSPECT = "suspect", "Suspect"
    AT_RISK = "at_risk", "At risk"
    VICTIM = "victim", "Victim"
    WITNESS = "witness", "Witness"
    OTHER = "other", "Other"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class Consent(models.TextChoices):
    NOT_ASKED = "not_asked", "Not asked yet"
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Subject(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="subjects", verbose_name="force area")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, verbose_name="family name")
    # Case-, accent- and space-folded "first last", for search and duplicate matching.
    name_key = models.CharField(max_length=220, db_index=True, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender_identity = models.CharField(max_length=60, blank=True)
    postcode_district = PostcodeDistrictField(blank=True)
    school_or_employer = models.CharField(max_length=150, blank=True, verbose_name="school, college or employer")
    category = models.CharField(
        max_length=10, choices=PersonCategory.choices, default=PersonCategory.AT_RISK, verbose_name="category of person"
    )
    vulnerability_flags = models.ManyToManyField(VulnerabilityFlag, blank=True, related_name="subjects")
    safeguarding_notes = models.TextField(blank=True)
    risk_level = models.CharField(max_length=6, choices=RiskLevel.choices, default=RiskLevel.LOW)
    consent_subject = models.CharField(
        max_length=15, choices=Consent.choices, default=Consent.NOT_ASKED, verbose_name="consent (subject)"
    )
    consent_parent = models.CharField(
        max_length=15, choices=Consent.choices, default=Consent.NOT_ASKED, verbose_name="consent (parent or carer)"
    )
    restricted = models.BooleanField(default=False)
    need_to_know = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="need_to_know_subjects")
    restriction_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whom others should contact about this restricted record.",
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_subjects"
    )
    retention_review_date = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["force", "last_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(risk_level__in=RiskLevel.values), name="subject_risk_level_valid"),
            models.CheckConstraint(condition=Q(category__in=PersonCategory.values), name="subject_category_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SubjectAlias(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=220, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "subject aliases"

    def __str__(self) -> str:
        return self.name


class Platform(models.TextChoices):
    DISCORD = "discord", "Discord"
    STEAM = "steam", "Steam"
    XBOX = "xbox", "Xbox"
    PLAYSTATION = "playstation", "PlayStation"
    MINECRAFT = "minecraft", "Minecraft"
    ROBLOX = "roblox", "Roblox"
    TELEGRAM = "telegram", "Telegram"
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    X = "x", "X (Twitter)"
    GITHUB = "github", "GitHub"
    HACKING_FORUM = "hacking_forum", "Hacking forum"
    EMAIL = "email", "Email address"
    GMAIL = "gmail", "Gmail address"
    IP = "ip", "IP address"
    WALLET = "wallet", "Crypto wallet"
    OTHER = "other", "Other"


class OnlineIdentifier(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="identifiers")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=200, help_text="Handle, email, IP address or wallet.")
    # Normalised for matching: see subjects.matching.identifier_key.
    handle_key = models.CharField(max_length=200, db_index=True, editable=False)
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["platform", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "platform", "handle_key"], name="identifier_unique_per_subject"),
            models.CheckConstraint(
                condition=Q(first_seen__isnull=True)
                | Q(last_seen__isnull=True)
                | Q(first_seen__lte=models.F("last_seen")),
                name="identifier_seen_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.handle}"


class ContextKind(models.TextChoices):
    DISCORD_SERVER = "discord_server", "Discord server"
    FORUM = "forum", "Forum"
    GAME_COMMUNITY = "game_community", "Game community"
    SCHOOL = "school", "School or college"
    OTHER = "other", "Other"


class Context(models.Model):
    """A place people share (a Discord server, a forum, a school), so strangers who share one can be seen together."""

    kind = models.CharField(max_length=20, choices=ContextKind.choices)
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=220, db_index=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name_key"], name="context_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Relationship(models.TextChoices):
    CO_OFFENDER = "co_offender", "Co-offender"
    SIBLING = "sibling", "Sibling"
    ASSOCIATE = "associate", "Associate"
    MEMBER = "member", "Member of"


class Association(models.Model):
    """Subject ↔ subject, or subject ↔ context: exactly one of the two targets is set."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="associations")
    other_subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, null=True, blank=True, related_name="associated_from"
    )
    context = models.ForeignKey(Context, on_delete=models.PROTECT, null=True, blank=True, related_name="associations")
    relationship = models.CharField(max_length=15, choices=Relationship.choices)
    notes = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(other_subject__isnull=False) & Q(context__isnull=True))
                | (Q(other_subject__isnull=True) & Q(context__isnull=False)),
                name="association_one_target",
            ),
            models.CheckConstraint(condition=~Q(other_subject=models.F("subject")), name="association_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.relationship} {self.other_subject_id or self.context_id}"


class ContactRelationship(models.TextChoices):
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    GUARDIAN = "guardian", "Guardian"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER = "other", "Other"


class Contact(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=15, choices=ContactRelationship.choices)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    notes = models.CharField(max_length=300, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class ReferenceCounter(models.Model):
    """The last number handed out per (force, year); locked while allocating a reference."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["force", "year"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"{self.force_id}-{self.year}: {self.last_number}"


class BreakGlassAccess(models.Model):
    """A user opened a restricted record they are not on the need-to-know list for, stating why."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="break_glass_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.subject_id} at {self.at:%Y-%m-%d %H:%M}"
