"""Attachments: judged by content, stored under generated names, downloaded only through a checked, logged view."""

import hashlib
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from subjects.models import Attachment, BreakGlassAccess
from subjects.services import attachments, office
from subjects.services.attachments import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    attachment_add,
    file_type_detect,
    filename_sanitise,
    size_label,
    upload_check,
)
from subjects.tests import office_corpus
from subjects.tests.factories import CaseFactory, SubjectFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"
HTML_BYTES = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40
STORED_NAME = re.compile(r"^attachments/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|png|jpg|docx)$")


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX_BYTES = office_corpus.CLEAN_DOCX


def _upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    # The browser's content type is deliberately a lie in several tests: it is never trusted.
    return SimpleUploadedFile(name, content, content_type=content_type)


def _drain(response) -> bytes:
    """Read a streamed download to its end, which closes the file the way the test client expects.

    Calling ``response.close()`` directly would fire ``request_finished`` and
    close the test's database connection (on PostgreSQL).
    """
    return b"".join(response.streaming_content) if response.streaming else response.content


def _stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def subject(personas):
    return SubjectFactory(created_by=personas["officer_a"], first_name="Riley", last_name="Carter")


@pytest.fixture
def attachment(subject, personas):
    return attachment_add(
        subject=subject, by=personas["officer_a"], upload=_upload("consent form.pdf", PDF_BYTES), kind="consent_form"
    )


def _add_url(subject) -> str:
    return reverse("subjects:attachment_add", args=[subject.pk])


def _download_url(attachment) -> str:
    return reverse("subjects:attachment_download", args=[attachment.pk])


# ------------------------------------------------------------------------------
# Judging by content
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF_BYTES, PDF), (PNG_BYTES, PNG), (JPEG_BYTES, JPEG), (DOCX_BYTES, DOCX)],
    ids=["pdf", "png", "jpeg", "docx"],
)
def test_it_recognises_each_allowed_type_by_its_content(content, expected):
    assert file_type_detect(_upload("whatever.bin", content)) == expected


@pytest.mark.parametrize(
    "content",
    [
        HTML_BYTES,
        SVG_BYTES,
        EXE_BYTES,
        b"plain text that mentions %PDF- later on",
        _zip(["[Content_Types].xml", "xl/workbook.xml"]),
        _zip(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]),
        b"PK\x03\x04 not really a zip",
    ],
    ids=["html", "svg", "exe", "text", "xlsx", "word-folder-but-no-declared-main-document", "broken-zip"],
)
def test_it_refuses_anything_else_whatever_it_is_called(content):
    with pytest.raises(ValidationError) as refused:
        upload_check(_upload("innocent.pdf", content))

    assert refused.value.message_dict["file"] == [attachments.NOT_ALLOWED_MESSAGE]


# Office files are judged by what [Content_Types].xml and the relationships declare, never by part names.
@pytest.mark.parametrize("content", office_corpus.ACCEPTED.values(), ids=list(office_corpus.ACCEPTED))
def test_a_clean_word_document_is_accepted(content):
    assert upload_check(_upload("letter.docx", content)) == DOCX


@pytest.mark.parametrize(("content", "message"), office_corpus.REFUSED.values(), ids=list(office_corpus.REFUSED))
def test_an_office_file_with_active_content_or_of_another_kind_is_refused_saying_why(content, message):
    with pytest.raises(ValidationError) as refused:
        upload_check(_upload("letter.docx", content))

    assert refused.value.message_dict["file"] == [message]


def test_a_part_that_unpacks_past_the_limit_is_refused_unread(monkeypatch):
    monkeypatch.setattr(office, "MAX_PART_BYTES", 64)

    with pytest.raises(ValidationError) as refused:
        upload_check(_upload("letter.docx", DOCX_BYTES))

    assert refused.value.message_dict["file"] == [office.UNREADABLE_MESSAGE]


def test_the_page_refuses_a_renamed_macro_part_saying_why_and_stores_nothing(
    subject, personas, client_for, private_media
):
    content, message = office_corpus.REFUSED["macro renamed word/other.bin, content type vbaProject"]

    response = client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload("plan.docx", content), "kind": "other"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert not Attachment.objects.exists()
    assert _stored_files(private_media) == []


def test_it_leaves_the_upload_rewound_after_sniffing():
    upload = _upload("letter.docx", DOCX_BYTES)

    file_type_detect(upload)

    assert upload.read() == DOCX_BYTES


def test_the_default_limit_is_ten_megabytes_and_says_so():
    upload = _upload("big.pdf", PDF_BYTES)
    upload.size = 10 * 1024 * 1024 + 1

    with pytest.raises(ValidationError) as refused:
        upload_check(upload)

    assert refused.value.message_dict["file"] == ["The file is larger than 10 MB."]


def test_a_file_exactly_at_the_limit_is_accepted(settings):
    settings.ATTACHMENT_MAX_BYTES = len(PDF_BYTES)

    assert upload_check(_upload("letter.pdf", PDF_BYTES)) == PDF


def test_sizes_read_as_people_say_them():
    assert [size_label(n) for n in (10 * 1024 * 1024, 1536 * 1024, 2048, 300)] == [
        "10 MB",
        "1.5 MB",
        "2 KB",
        "300 bytes",
    ]


# ------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "file_type", "shown"),
    [
        ("../../etc/passwd", None, "passwd"),
        ("../../etc/passwd", PDF, "passwd.pdf"),
        ("C:\\Users\\dc\\Desktop\\letter.pdf", PDF, "letter.pdf"),
        ("evil\x00\x1b[31mname.pdf", PDF, "evil[31mname.pdf"),
        ("invoice\u202efdp.exe", PDF, "invoicefdp.exe.pdf"),
        ("photo.pdf", PNG, "photo.png"),
        ("Photo.JPEG", JPEG, "Photo.JPEG"),
        ("report.final", PDF, "report.final.pdf"),
        ('a "quoted" <name>.pdf', PDF, "a quoted name.pdf"),
        ("..", PDF, "attachment.pdf"),
        ("", None, "attachment"),
        ("  .hidden  file.pdf ", PDF, "hidden file.pdf"),
    ],
)
def test_the_shown_name_is_cleaned_and_never_a_path(given, file_type, shown):
    assert filename_sanitise(given, file_type) == shown


def test_a_very_long_name_is_cut_to_150_characters_keeping_its_extension():
    shown = filename_sanitise("x" * 400 + ".pdf", PDF)

    assert len(shown) == 150
    assert shown.endswith("x.pdf")


# ------------------------------------------------------------------------------
# Uploading
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("letter.pdf", PDF_BYTES, "application/pdf"),
        ("progress.png", PNG_BYTES, "image/png"),
        ("cert.jpg", JPEG_BYTES, "image/jpeg"),
    ],
    ids=["pdf", "png", "jpeg"],
)
def test_it_attaches_a_pdf_png_or_jpeg(name, content, content_type, subject, personas, client_for, private_media):
    response = client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload(name, content), "kind": "letter", "description": "Signed"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:detail", args=[subject.pk])
    attachment = Attachment.objects.get(subject=subject)
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert STORED_NAME.match(attachment.file.name)
    assert (private_media / attachment.file.name).read_bytes() == content
    assert AccessEvent.objects.filter(
        operation=Operation.COLLECTION, object_type="attachment", object_id=str(attachment.pk), force="WM"
    ).exists()


def test_it_attaches_a_word_document(subject, personas, client_for):
    client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload("plan.docx", DOCX_BYTES), "kind": "other"}
    )

    assert Attachment.objects.get(subject=subject).content_type == DOCX.content_type


def test_it_shows_the_upload_form_with_the_subjects_cases(subject, personas, client_for):
    case = CaseFactory(subject=subject, number=1)

    response = client_for(personas["officer_a"]).get(_add_url(subject))

    assert response.status_code == 200
    assert f"{subject.reference}/1".encode() in response.content
    assert f'value="{case.pk}"'.encode() in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_it_refuses_html_renamed_pdf_at_the_field_and_saves_nothing(subject, personas, client_for, private_media):
    response = client_for(personas["officer_a"]).post(
        _add_url(subject),
        {"file": _upload("report.pdf", HTML_BYTES), "kind": "letter", "description": "Keep what I typed"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [attachments.NOT_ALLOWED_MESSAGE]
    assert b"There is a problem" in response.content
    assert b"Keep what I typed" in response.content
    assert not Attachment.objects.exists()
    assert _stored_files(private_media) == []
    assert not AccessEvent.objects.filter(object_type="attachment").exists()


def test_it_refuses_an_oversized_file_saying_the_limit(settings, subject, personas, client_for, private_media):
    settings.ATTACHMENT_MAX_BYTES = 1024

    response = client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload("big.pdf", PDF_BYTES + b"0" * 1024), "kind": "letter"}
    )

    assert response.context["form"].errors["file"] == ["The file is larger than 1 KB."]
    assert not Attachment.objects.exists()
    assert _stored_files(private_media) == []


def test_it_refuses_an_empty_file(subject, personas, client_for, private_media):
    response = client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload("empty.pdf", b""), "kind": "letter"}
    )

    assert response.context["form"].errors["file"] == ["The file is empty."]
    assert not Attachment.objects.exists()


def test_a_dot_dot_slash_name_is_stored_under_a_generated_name_and_shown_cleaned(
    subject, personas, client_for, private_media
):
    client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload("../../../etc/passwd.pdf", PDF_BYTES), "kind": "letter"}
    )

    attachment = Attachment.objects.get()
    assert attachment.original_name == "passwd.pdf"
    assert STORED_NAME.match(attachment.file.name)
    assert [path.relative_to(private_media).as_posix() for path in _stored_files(private_media)] == [
        attachment.file.name
    ]


def test_a_png_called_pdf_is_kept_as_a_png(subject, personas, client_for):
    client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload("photo.pdf", PNG_BYTES), "kind": "photo"}
    )

    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.original_name) == ("image/png", "photo.png")
    assert attachment.file.name.endswith(".png")


def test_it_attaches_to_one_of_the_subjects_cases(subject, personas, client_for):
    case = CaseFactory(subject=subject, number=1)

    client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload("letter.pdf", PDF_BYTES), "kind": "letter", "case": case.pk}
    )

    assert Attachment.objects.get().case == case


def test_it_refuses_another_subjects_case(subject, personas, client_for, private_media):
    other_case = CaseFactory(subject=SubjectFactory(created_by=personas["officer_a"]), number=1)

    response = client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload("letter.pdf", PDF_BYTES), "kind": "letter", "case": other_case.pk}
    )

    assert "case" in response.context["form"].errors
    assert not Attachment.objects.exists()
    assert _stored_files(private_media) == []


def test_the_service_refuses_another_subjects_case_too(subject, personas):
    other_case = CaseFactory(subject=SubjectFactory(created_by=personas["officer_a"]), number=1)

    with pytest.raises(ValidationError) as refused:
        attachment_add(
            subject=subject,
            by=personas["officer_a"],
            upload=_upload("a.pdf", PDF_BYTES),
            kind="letter",
            case=other_case,
        )

    assert "case" in refused.value.message_dict


def test_if_the_database_write_fails_the_stored_file_is_removed(subject, personas, private_media, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(attachments, "access_event_record", broken)

    with pytest.raises(RuntimeError):
        attachment_add(subject=subject, by=personas["officer_a"], upload=_upload("a.pdf", PDF_BYTES), kind="letter")

    assert not Attachment.objects.exists()
    assert _stored_files(private_media) == []


def test_an_officer_of_another_force_cannot_upload(subject, personas, client_for, private_media):
    response = client_for(personas["officer_b"]).post(
        _add_url(subject), {"file": _upload("a.pdf", PDF_BYTES), "kind": "letter"}
    )

    assert response.status_code == 404
    assert _stored_files(private_media) == []


def test_nobody_can_upload_to_a_restricted_record_they_may_not_see(subject, personas, client_for, private_media):
    subject.restricted = True
    subject.assigned_officer = None
    subject.save()

    response = client_for(personas["officer_a"]).post(
        _add_url(subject), {"file": _upload("a.pdf", PDF_BYTES), "kind": "letter"}
    )

    assert response.status_code == 404
    assert _stored_files(private_media) == []


@pytest.mark.parametrize(("persona", "status"), [("analyst", 403), ("admin_support", 403), ("sysadmin", 403)])
def test_roles_without_case_access_cannot_upload(persona, status, subject, personas, client_for):
    assert client_for(personas[persona]).get(_add_url(subject)).status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_upload_page(subject, client):
    response = client.get(_add_url(subject))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# ------------------------------------------------------------------------------
# Downloading
# ------------------------------------------------------------------------------
def test_the_download_is_an_attachment_that_browsers_will_not_sniff_or_cache(attachment, personas, client_for):
    response = client_for(personas["officer_a"]).get(_download_url(attachment))

    assert response.status_code == 200
    assert _drain(response) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="consent form.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in [directive.strip() for directive in response["Cache-Control"].split(",")]
    _drain(response)


def test_every_download_is_logged_as_a_disclosure_to_the_user(attachment, personas, client_for):
    client = client_for(personas["sergeant"])

    for _ in range(2):
        _drain(client.get(_download_url(attachment)))

    events = AccessEvent.objects.filter(operation=Operation.DISCLOSURE, object_type="attachment")
    assert events.count() == 2
    assert {(e.object_id, e.recipient, e.actor_username, e.force) for e in events} == {
        (str(attachment.pk), "sergeant_a", "sergeant_a", "WM")
    }


def test_a_download_shows_the_cleaned_name_never_the_stored_one(subject, personas, client_for):
    attachment = attachment_add(
        subject=subject, by=personas["officer_a"], upload=_upload("../../etc/passwd.pdf", PDF_BYTES), kind="letter"
    )

    response = client_for(personas["officer_a"]).get(_download_url(attachment))

    assert response["Content-Disposition"] == 'attachment; filename="passwd.pdf"'
    _drain(response)


def test_an_officer_of_another_force_gets_404_on_a_download_guessed_ids_included(attachment, personas, client_for):
    client = client_for(personas["officer_b"])

    statuses = [
        client.get(reverse("subjects:attachment_download", args=[pk])).status_code
        for pk in (attachment.pk, attachment.pk + 1, 999999)
    ]

    assert statuses == [404, 404, 404]
    assert not AccessEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


def test_an_analyst_is_refused_a_download(attachment, personas, client_for):
    assert client_for(personas["analyst"]).get(_download_url(attachment)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in_from_a_download(attachment, client):
    response = client.get(_download_url(attachment))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_restricted_subjects_attachment_is_not_found_without_break_glass(attachment, subject, personas, client_for):
    colleague = UserFactory(role=Role.OFFICER, home_force=subject.force)
    subject.restricted = True
    subject.save()
    client = client_for(colleague)

    before = client.get(_download_url(attachment)).status_code
    BreakGlassAccess.objects.create(
        subject=subject,
        user=colleague,
        reason="Urgent safeguarding call",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    after = client.get(_download_url(attachment))

    assert (before, after.status_code) == (404, 200)
    _drain(after)


def test_a_file_missing_from_storage_is_not_found_and_not_logged(attachment, personas, client_for, private_media):
    (private_media / attachment.file.name).unlink()

    response = client_for(personas["officer_a"]).get(_download_url(attachment))

    assert response.status_code == 404
    assert not AccessEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


def test_a_download_answers_only_get(attachment, personas, client_for):
    assert client_for(personas["officer_a"]).post(_download_url(attachment)).status_code == 405
