"""Forms of the follow-up pages: recording a result, and the reminder preference."""

from django import forms

from .models import FollowUp, ReoffendingResult


class FollowUpResultForm(forms.Form):
    result = forms.ChoiceField(
        label="Result of the check", choices=[("", "Choose…"), *ReoffendingResult.choices], required=False
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you checked. References only: no names or narrative.",
    )

    def __init__(self, *args, followup: FollowUp, **kwargs):
        super().__init__(*args, **kwargs)
        if not followup.is_reoffending_check:
            del self.fields["result"]
        else:
            self.fields["result"].required = True


class ReminderPreferenceForm(forms.Form):
    digest_enabled = forms.BooleanField(
        label="Send me the daily digest of follow-ups due and overdue",
        required=False,
        help_text="Escalations of overdue work reach you whatever you choose.",
    )
