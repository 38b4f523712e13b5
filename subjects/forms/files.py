"""The attachment upload form: the file is judged by its content (subjects.attachments), never by its name."""

from django import forms
from django.core.exceptions import ValidationError

from subjects.models import AttachmentKind, Case, Subject
from subjects.services.attachments import max_upload_bytes, size_label, upload_check


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="File",
        allow_empty_file=True,  # an empty file gets our own message from upload_check
        help_text="",
    )
    kind = forms.ChoiceField(label="What it is", choices=AttachmentKind.choices)
    description = forms.CharField(label="Description (optional)", max_length=200, required=False)
    case = forms.ModelChoiceField(
        label="Case (optional)", queryset=Case.objects.none(), required=False, empty_label="Not about one case"
    )

    def __init__(self, *args, subject: Subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.fields["file"].help_text = (
            f"PDF, PNG, JPEG or Word (.docx), up to {size_label(max_upload_bytes())}. "
            "The type is checked from the file's content; Word documents with macros, ActiveX controls "
            "or embedded programs are refused."
        )
        self.fields["file"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.docx"
        case_field = self.fields["case"]
        case_field.queryset = subject.cases.order_by("number")
        case_field.label_from_instance = lambda case: (
            f"{subject.reference}/{case.number}, referred {case.referral_date:%d/%m/%Y} ({case.get_status_display()})"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            upload_check(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from error
        return upload
