"""Quarterly returns, frozen: the figures as data and the files, each with its SHA-256.

A submitted return never changes: ``save()`` refuses to write a row whose
stored status is already ``submitted`` (the services refuse earlier, with a
message). Regenerating a quarter and scope makes a new version.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from accounts.models import Force
from outreach.quarters import MAX_YEAR, MIN_YEAR, FinancialQuarter

REGION = "region"


class ReturnStatus(models.TextChoices):
    GENERATING = "generating", "Generating"
    DRAFT = "draft", "Draft"
    FAILED = "failed", "Failed"
    SUBMITTED = "submitted", "Submitted"


class ReturnFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ReturnFrozen(ValidationError):
    """A submitted return was about to be changed."""


class QuarterlyReturn(models.Model):
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    # Null is the regional summary (every force).
    force = models.ForeignKey(Force, on_delete=models.PROTECT, null=True, blank=True, related_name="returns")
    external = models.BooleanField(
        default=False, help_text="For sharing outside policing: small numbers are suppressed."
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.GENERATING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done while generating.")
    figures = models.JSONField(default=dict, blank=True)
    pdf_file = models.CharField(max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    csv_file = models.CharField(max_length=255, blank=True)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_file = models.CharField(max_length=255, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # When a run last claimed the generation, and how many runs did: a run holds its claim for
    # RETURN_STUCK_MINUTES, after which the sweep starts another (reporting.services.returns_resume_stuck).
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-financial_year", "-quarter", "force__code", "external", "-version"]
        constraints = [
            # Two partial constraints rather than one with NULLS NOT DISTINCT, which SQLite lacks: a regional
            # return (no force) is unique per quarter, version and audience on both databases.
            models.UniqueConstraint(
                fields=["financial_year", "quarter", "force", "external", "version"],
                condition=Q(force__isnull=False),
                name="return_version_unique",
            ),
            models.UniqueConstraint(
                fields=["financial_year", "quarter", "external", "version"],
                condition=Q(force__isnull=True),
                name="return_region_version_unique",
            ),
            models.CheckConstraint(condition=Q(quarter__range=(1, 4)), name="return_quarter_1_to_4"),
            models.CheckConstraint(
                condition=Q(financial_year__range=(MIN_YEAR, MAX_YEAR)), name="return_year_in_range"
            ),
            models.CheckConstraint(condition=Q(status__in=ReturnStatus.values), name="return_status_valid"),
        ]

    def __str__(self) -> str:
        kind = "external" if self.external else "internal"
        return f"{self.period.label} {self.scope_label} ({kind}) v{self.version}"

    def save(self, *args, **kwargs) -> None:
        # The last line of defence; services check first and say why.
        if self.pk and QuarterlyReturn.objects.filter(pk=self.pk, status=ReturnStatus.SUBMITTED).exists():
            raise ReturnFrozen("A submitted return cannot be changed: generate a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if QuarterlyReturn.objects.filter(pk=self.pk, status=ReturnStatus.SUBMITTED).exists():
            raise ReturnFrozen("A submitted return cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def period(self) -> FinancialQuarter:
        return FinancialQuarter(self.financial_year, self.quarter)

    @property
    def scope_code(self) -> str:
        return self.force.code if self.force_id else REGION

    @property
    def scope_label(self) -> str:
        return self.force.name if self.force_id else "Regional summary"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReturnStatus.SUBMITTED

    def file_name(self, fmt: str) -> str:
        return getattr(self, f"{fmt}_file")

    def file_sha256(self, fmt: str) -> str:
        return getattr(self, f"{fmt}_sha256")

    def download_name(self, fmt: str) -> str:
        kind = "-external" if self.external else ""
        return f"return-{self.period.key}-{self.scope_code}{kind}-v{self.version}.{fmt}"
