"""Merging two subjects: choose the duplicate by reference, then confirm with a reason."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from subjects.models import Subject
from subjects.services.merging import merge_candidate_find


class MergeChooseForm(forms.Form):
    duplicate = forms.CharField(
        label="Reference of the duplicate record",
        max_length=20,
        help_text="The record that will be merged into this one, e.g. WM-2026-00042. It must be in a force you cover.",
    )

    def __init__(self, *args, user: User, keep: Subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.keep = keep
        self.duplicate_subject: Subject | None = None

    def clean_duplicate(self) -> str:
        reference = self.cleaned_data["duplicate"]
        try:
            self.duplicate_subject = merge_candidate_find(user=self.user, keep=self.keep, reference=reference)
        except ValidationError as error:
            raise ValidationError(error.message_dict["duplicate"]) from error
        return self.duplicate_subject.reference


class MergeConfirmForm(MergeChooseForm):
    reason = forms.CharField(
        label="Why these are the same person",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Recorded in the access log with both references.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].widget = forms.HiddenInput()

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Say why these two records are the same person.")
        return reason
