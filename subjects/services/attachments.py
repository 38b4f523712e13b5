"""Attachments: judging a file by its content, storing it privately, and handing it out through a logged view.

A file is never trusted by its name. Its type is read from its first bytes
(and, for DOCX, from the package's content types and relationships, see
``subjects.services.office``); the name the user gave is kept for
display only, cleaned of paths and control characters. The bytes are stored
under a generated name in ``default_storage`` (MEDIA_ROOT, which no URL serves).
"""

import hashlib
import os
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from audit.models import Operation
from audit.services import access_event_record, disclosure_record
from subjects.models import Attachment, Case, Subject
from subjects.selectors.access import subject_details_visible, subject_list_visible
from subjects.services.office import office_package_judge

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 150
_SNIFF_BYTES = 8
_UNSAFE_NAME_CHARACTERS = frozenset('<>:"/\\|?*')


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str
    # Other spellings of the extension that agree with this type.
    aliases: tuple[str, ...] = ()

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)


PDF = FileType("application/pdf", "pdf", "PDF")
PNG = FileType("image/png", "png", "PNG image")
JPEG = FileType("image/jpeg", "jpg", "JPEG image", aliases=("jpeg", "jpe"))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word document")
# What [Content_Types].xml declares for a Word document's main part (.docm, .dotx and the rest declare others).
DOCX_MAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ALLOWED_TYPES = (PDF, PNG, JPEG, DOCX)
_KNOWN_EXTENSIONS = frozenset(ext for file_type in ALLOWED_TYPES for ext in file_type.extensions)

NOT_ALLOWED_MESSAGE = "This type of file is not allowed. Upload a PDF, a PNG or JPEG image, or a Word document (.docx)."


def max_upload_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def size_label(size: int) -> str:
    """A size as people say it: 10485760 → "10 MB", 2048 → "2 KB", 300 → "300 bytes"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


# ------------------------------------------------------------------------------
# Judging a file by its content
# ------------------------------------------------------------------------------
def file_type_detect(upload) -> FileType | None:
    """The allowed type whose signature the file's content carries, or None.

    Reads from the start of ``upload`` and leaves it rewound. HTML, SVG,
    executables, spreadsheets, legacy .doc and anything else without one of the
    signatures give None, whatever the file is called. A Word document carrying
    macros, ActiveX, an embedded program or an outside fetch raises
    ``ValidationError`` saying which.
    """
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and office_package_judge(upload) == DOCX_MAIN_CONTENT_TYPE:
        return DOCX
    return None


def upload_check(upload) -> FileType:
    """The type of an acceptable upload; a ValidationError on ``file`` for an empty, too large or disallowed one."""
    limit = max_upload_bytes()
    if not upload.size:
        raise ValidationError({"file": "The file is empty."})
    if upload.size > limit:
        raise ValidationError({"file": f"The file is larger than {size_label(limit)}."})
    try:
        file_type = file_type_detect(upload)
    except ValidationError as refused:
        raise ValidationError({"file": refused.messages}) from refused
    if file_type is None:
        raise ValidationError({"file": NOT_ALLOWED_MESSAGE})
    return file_type


# ------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------
def filename_sanitise(name: str, file_type: FileType | None = None) -> str:
    """A file name safe to show and to offer on download; never used to store anything.

    Drops any path (``../../etc/passwd`` → ``passwd``), control and formatting
    characters (including right-to-left overrides), characters Windows refuses,
    and leading dots. With ``file_type``, the extension is made to agree with
    the content (``photo.pdf`` holding a PNG → ``photo.png``). At most 150 characters.
    """
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(" " if ch.isspace() else ch for ch in base if _is_safe_character(ch))
    cleaned = " ".join(cleaned.split()).lstrip(". ").rstrip(". ")
    stem, extension = _split_extension(cleaned or "attachment")
    if file_type is not None and extension.lower() not in file_type.extensions:
        if extension.lower() not in _KNOWN_EXTENSIONS:
            stem = f"{stem}.{extension}" if extension else stem
        extension = file_type.extension
    suffix = f".{extension}" if extension else ""
    return stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(". ") + suffix


def _is_safe_character(ch: str) -> bool:
    # Category C* covers control (Cc), format (Cf, e.g. U+202E), surrogate, private-use and unassigned characters.
    return ch not in _UNSAFE_NAME_CHARACTERS and (ch == " " or not unicodedata.category(ch).startswith("C"))


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot_extension = os.path.splitext(name)
    extension = dot_extension[1:]
    if not stem or len(extension) > 10:
        return name, ""
    return stem, extension


def storage_name_generate(file_type: FileType) -> str:
    """``attachments/<yyyy>/<mm>/<uuid4>.<ext>``: nothing the user typed reaches the file system."""
    today = timezone.localdate()
    return f"attachments/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{file_type.extension}"


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


# ------------------------------------------------------------------------------
# Services
# ------------------------------------------------------------------------------
def attachment_add(
    *,
    subject: Subject,
    by: User,
    upload,
    kind: str,
    description: str = "",
    case: Case | None = None,
    request=None,
) -> Attachment:
    """Check ``upload`` by its content, store it under a generated name and record it, logged as a collection.

    The file is written first and the rows in one transaction after it; if the
    transaction fails the stored file is removed again, so nothing is half-saved.
    """
    file_type = upload_check(upload)
    if case is not None and case.subject_id != subject.pk:
        raise ValidationError({"case": "Choose one of this subject's cases."})
    attachment = Attachment(
        subject=subject,
        case=case,
        kind=kind,
        description=description.strip(),
        original_name=filename_sanitise(upload.name, file_type),
        content_type=file_type.content_type,
        size=upload.size,
        sha256=_sha256(upload),
        uploaded_by=by,
    )
    attachment.full_clean(exclude=["file"])
    storage = Attachment._meta.get_field("file").storage
    stored_name = storage.save(storage_name_generate(file_type), File(upload))
    try:
        _attachment_record(attachment=attachment, stored_name=stored_name, by=by, request=request)
    except Exception:
        storage.delete(stored_name)
        raise
    return attachment


@transaction.atomic
def _attachment_record(*, attachment: Attachment, stored_name: str, by: User, request) -> None:
    attachment.file.name = stored_name
    attachment.save()
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.COLLECTION,
        object_type="attachment",
        object_id=attachment.pk,
        force=attachment.subject.force.code,
    )


def attachment_get_visible(user: User, pk: int) -> Attachment:
    """The attachment ``pk`` if the user may see its subject's details, else 404 (restricted included)."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("subject__force").filter(subject__in=subject_list_visible(user)), pk=pk
    )
    if not subject_details_visible(user, attachment.subject):
        raise Http404
    return attachment


def attachment_open_for_download(*, attachment: Attachment, user: User, request=None):
    """Open the stored file for ``user`` and log the download as a disclosure to them.

    The caller must have got ``attachment`` through ``attachment_get_visible``.
    A file missing from storage is a 404 and is not logged as disclosed.
    """
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    disclosure_record(
        request=request,
        actor=user,
        object_type="attachment",
        object_id=attachment.pk,
        force=attachment.subject.force.code,
        recipient=user.username,
    )
    return handle
