"""Forms of the follow-up pages: recording a result, the reminder preference, handing follow-ups over."""

from django import forms

from accounts.models import User
from accounts.selectors import force_ids_accessible, users_offered
from subjects.services.cases import ASSIGNABLE_ROLES

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


class HandOverForm(forms.Form):
    to_user = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Hand over to", empty_label="Choose a colleague"
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Reason",
        help_text="Required: it is kept in the access log.",
    )

    def __init__(self, *args, supervisor: User, officer: User, **kwargs):
        super().__init__(*args, **kwargs)
        colleagues = users_offered(roles=ASSIGNABLE_ROLES, forces=force_ids_accessible(supervisor))
        self.fields["to_user"].queryset = colleagues.exclude(pk=officer.pk)
        self.fields["to_user"].label_from_instance = lambda user: f"{user} ({user.get_role_display().lower()})"
