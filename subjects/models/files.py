"""Files attached to a subject or a case."""

from django.conf import settings
from django.db import models

from .cases import Case
from .people import Subject


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
