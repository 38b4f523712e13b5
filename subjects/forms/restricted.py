"""The break-glass form: the reason for opening a restricted record."""

from django import forms
from django.core.exceptions import ValidationError

from subjects.services.restricted import MIN_REASON_LENGTH, break_glass_reason_check


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why you need to see this record now",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        strip=True,
        help_text=f"At least {MIN_REASON_LENGTH} characters. Recorded in the access log and shown to your sergeant.",
    )

    def clean_reason(self) -> str:
        try:
            return break_glass_reason_check(self.cleaned_data["reason"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["reason"]) from error
