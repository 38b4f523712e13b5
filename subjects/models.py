"""People ("nominals"), their online identities and contexts, and their cases.

Names are the contract of DESIGN.md. Status changes happen only in
``subjects.services``; reads that return people or cases go through
``subjects.selectors`` (force access and restriction in one place).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Force
from editing.reference import ReferenceQuerySet
from editing.status import StatusChange

# A subject under this age is a child: parents are involved, and partners see less.
ADULT_AGE = 18


def age_on(date_of_birth: date | None, day: date) -> int | None:
    """Age in whole years on ``day``; ``None`` when the date of birth is not known."""
    if date_of_birth is None:
        return None
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


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
    postcode_district = models.CharField(
        max_length=4, blank=True, help_text="The outward part only, e.g. B15 (data minimisation)."
    )
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


class CaseQuerySet(models.QuerySet):
    """The case rules that lists filter on, defined once (``Case.first_contact_overdue`` says the same per row)."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def first_contact_owed(self, by: date):
        """Open cases not yet contacted whose first contact falls due on or before ``by``."""
        return self.open().filter(first_contact_at__isnull=True, first_contact_due__lte=by)

    def first_contact_overdue(self, today: date | None = None):
        """Open cases not yet contacted whose first contact was due before ``today``."""
        today = today or timezone.localdate()
        return self.open().filter(first_contact_at__isnull=True, first_contact_due__lt=today)

    def review_overdue(self, today: date | None = None):
        """Open cases whose next supervisory review date has passed."""
        today = today or timezone.localdate()
        return self.open().filter(next_review_date__lt=today)


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

    def first_contact_overdue(self, today: date | None = None) -> bool:
        """Still open, never reached, and the first contact was due before ``today`` (as the queryset's rule)."""
        today = today or timezone.localdate()
        waiting = self.is_open and self.first_contact_at is None and self.first_contact_due is not None
        return waiting and self.first_contact_due < today

    def review_overdue(self, today: date | None = None) -> bool:
        """Still open and the next supervisory review date has passed (as the queryset's rule)."""
        today = today or timezone.localdate()
        return self.is_open and self.next_review_date is not None and self.next_review_date < today


class CaseStatusChange(StatusChange):
    """Who moved a case from which status to which, when and why. Written only by ``status_move``."""

    statuses = CaseStatus

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChange.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.case_id}: {super().__str__()}"


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


class AttachmentKind(models.TextChoices):
    CONSENT_FORM = "consent_form", "Consent form"
    LETTER = "letter", "Letter"
    PHOTO = "photo", "Photo of progress"
    CERTIFICATE = "certificate", "Certificate"
    OTHER = "other", "Other"


class Attachment(models.Model):
    """A file kept privately; downloaded only through a permission-checked, logged view."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="attachments")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments")
    kind = models.CharField(max_length=15, choices=AttachmentKind.choices)
    description = models.CharField(max_length=200, blank=True)
    # Stored under a generated name; the original name is kept for display only.
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


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
