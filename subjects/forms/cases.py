"""Forms for a case: editing its referral details, and moving it through the workflow."""

from django import forms
from django.utils import timezone

from accounts.selectors import users_offered
from editing.forms import DateInput, VersionedModelForm
from subjects.models import ActivityType, Case, CaseStatus, ClosureReason, CmaSection
from subjects.services.cases import ASSIGNABLE_ROLES, CASE_TRANSITIONS, RATIONALE_REQUIRED

# What the button for each move says, and what the reason box asks for.
TRANSITION_ACTIONS = {
    CaseStatus.TRIAGE: "Start triage",
    CaseStatus.ACTIVE: "Accept: make active",
    CaseStatus.DECLINED: "Decline",
    CaseStatus.CLOSED: "Close the case",
}
REASON_LABELS = {
    CaseStatus.TRIAGE: "Note (optional)",
    CaseStatus.ACTIVE: "Triage decision and rationale",
    CaseStatus.DECLINED: "Why the referral is declined",
    CaseStatus.CLOSED: "Closure rationale",
}


def transitions_available(case: Case) -> list[tuple[str, str]]:
    """The moves the workflow allows from the case's status, as (status, button text), in workflow order."""
    allowed = CASE_TRANSITIONS.allowed(case.status)
    return [(status, TRANSITION_ACTIONS[status]) for status in CaseStatus.values if status in allowed]


class CaseEditForm(VersionedModelForm):
    many_to_many = ("activity_types",)

    cma_sections = forms.MultipleChoiceField(
        choices=CmaSection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Computer Misuse Act sections",
    )

    class Meta:
        model = Case
        fields = (
            "referral_date",
            "source",
            "referrer",
            "operation",
            "activity_types",
            "cma_sections",
            "narrative",
            "assigned_officer",
            "next_review_date",
        )
        labels = {"source": "Referral source"}
        widgets = {
            "referral_date": DateInput(),
            "next_review_date": DateInput(),
            "activity_types": forms.CheckboxSelectMultiple,
            "narrative": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.instance
        self.fields["activity_types"].queryset = ActivityType.objects.offered(case.activity_types.all())
        officer = self.fields["assigned_officer"]
        officer.queryset = users_offered(roles=ASSIGNABLE_ROLES, forces=case.force_id, keep=case.assigned_officer)
        officer.empty_label = "Not assigned"

    def clean_referral_date(self):
        value = self.cleaned_data["referral_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The referral date cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        referred, review = cleaned.get("referral_date"), cleaned.get("next_review_date")
        if referred and review and review < referred:
            self.add_error("next_review_date", "The review cannot be before the referral date.")
        return cleaned


class CaseTransitionForm(forms.Form):
    """The reason for a move to ``to_status``; the workflow rules are checked by ``services.case_transition``.

    The target status travels in the URL (``?to=``) and a hidden input, not as a form field, so that an
    impossible move is refused by the service with its own message rather than as a bad choice.
    """

    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    closure_reason = forms.ChoiceField(
        choices=[("", "---------"), *ClosureReason.choices], required=False, label="Why the case is closing"
    )

    def __init__(self, *args, to_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = REASON_LABELS.get(to_status, "Reason")
        if to_status in RATIONALE_REQUIRED:
            self.fields["reason"].help_text = "Required: this decision is about a person and must say why."
        if to_status != CaseStatus.CLOSED:
            del self.fields["closure_reason"]
