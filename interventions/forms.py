"""Forms for interventions, disposals and supervision.

Forms only parse and check input; the rules (which moves are allowed, who may
decide, what a submission needs) live in ``interventions.services``, whose
``ValidationError``s the views show at the field they name.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import force_ids_accessible, users_offered
from editing.forms import DateInput, VersionedModelForm
from subjects.models import Case
from subjects.services.cases import ASSIGNABLE_ROLES

from .models import (
    NDM_STAGES,
    Disposal,
    DisposalStatus,
    DisposalType,
    HomeOfficeOutcome,
    Intervention,
    InterventionStatus,
    InterventionType,
)
from .services import disposal_types_offered

# One short hint per National Decision Model stage, shown under its box.
NDM_HINTS = {
    "rationale_information": "What is known: the referral, intelligence, engagement so far, the person's "
    "circumstances.",
    "rationale_threat_risk": "The harm to the person and others, how likely it is, and what you are working towards.",
    "rationale_powers_policy": "The powers, legislation and force or national policy that apply (e.g. CMA, "
    "out-of-court resolution guidance).",
    "rationale_options": "The disposals you considered, why this one, and what happens if it does not work.",
    "rationale_action_review": "What will be done, by whom and when, and how the outcome will be reviewed.",
}
NDM_FIELDS = tuple(name for name, _ in NDM_STAGES)


def _dated(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")
    return value


# ------------------------------------------------------------------------------
# Interventions
# ------------------------------------------------------------------------------
class InterventionPlanForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ("type", "planned_start", "delivered_by", "notes")
        labels = {"type": "Intervention", "planned_start": "Planned start"}
        widgets = {"planned_start": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = InterventionType.objects.offered()

    def fields_for_service(self) -> dict:
        return dict(self.cleaned_data)


class InterventionEditForm(VersionedModelForm):
    class Meta:
        model = Intervention
        fields = ("type", "planned_start", "delivered_by", "attendance", "outcome", "notes")
        labels = {"type": "Intervention", "planned_start": "Planned start"}
        widgets = {
            "planned_start": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.instance.type if self.instance.type_id else None
        self.fields["type"].queryset = InterventionType.objects.offered(chosen)


# What each move of an intervention is called, and whether it is dated.
INTERVENTION_ACTIONS = {
    InterventionStatus.ACTIVE: "Start",
    InterventionStatus.COMPLETED: "Complete",
    InterventionStatus.WITHDRAWN: "Withdraw",
    InterventionStatus.DECLINED: "Record that the person declined",
}
DATED_MOVES = {
    InterventionStatus.ACTIVE: "Started on",
    InterventionStatus.COMPLETED: "Completed on",
    InterventionStatus.WITHDRAWN: "Withdrawn on",
}
REASON_NEEDED = {InterventionStatus.WITHDRAWN, InterventionStatus.DECLINED}


class InterventionTransitionForm(forms.Form):
    """The reason and date of a move to ``to_status``; whether the move is allowed is the service's call."""

    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    on = forms.DateField(required=False, widget=DateInput(), help_text="Leave empty for today.")

    def __init__(self, *args, to_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        if to_status in REASON_NEEDED:
            self.fields["reason"].label = "Why"
            self.fields["reason"].help_text = "Required."
        else:
            self.fields["reason"].label = "Note (optional)"
        if to_status in DATED_MOVES:
            self.fields["on"].label = DATED_MOVES[to_status]
            self.initial.setdefault("on", timezone.localdate())
        else:
            del self.fields["on"]

    def clean_on(self):
        return _dated(self.cleaned_data["on"])


# ------------------------------------------------------------------------------
# Disposals
# ------------------------------------------------------------------------------
class DisposalFieldsMixin:
    """Type limited to what the case may have; outcome defaults to the type's usual one; the NDM boxes."""

    def setup_disposal_fields(self, case: Case) -> None:
        self.fields["type"].queryset = disposal_types_offered(case=case).order_by("position", "label")
        self.fields["type"].label = "Disposal"
        current = self.instance.outcome if self.instance.outcome_id else None
        outcome = self.fields["outcome"]
        outcome.queryset = HomeOfficeOutcome.objects.offered(current)
        outcome.required = False
        outcome.empty_label = "The disposal's usual outcome"
        outcome.help_text = (
            "Leave this as the usual outcome unless your crime registrar has told you otherwise. "
            "No further action and referral for investigation have no usual outcome: choose one."
        )
        for name in NDM_FIELDS:
            field = self.fields[name]
            field.widget = forms.Textarea(attrs={"rows": 3})
            field.help_text = NDM_HINTS[name]

    def clean(self):
        cleaned = super().clean()
        disposal_type: DisposalType | None = cleaned.get("type")
        if disposal_type is not None and cleaned.get("outcome") is None:
            if disposal_type.default_outcome_id is None:
                message = f"{disposal_type.label} has no usual outcome: choose the Home Office outcome."
                self.add_error("outcome", message)
            else:
                cleaned["outcome"] = disposal_type.default_outcome
        return cleaned


DISPOSAL_FORM_FIELDS = ("type", "outcome", *NDM_FIELDS)


class DisposalProposeForm(DisposalFieldsMixin, forms.ModelForm):
    class Meta:
        model = Disposal
        fields = DISPOSAL_FORM_FIELDS

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_disposal_fields(case)

    def fields_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in DISPOSAL_FORM_FIELDS}


class DisposalEditForm(DisposalFieldsMixin, VersionedModelForm):
    class Meta:
        model = Disposal
        fields = DISPOSAL_FORM_FIELDS

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_disposal_fields(case)


DECISION_CHOICES = (
    (DisposalStatus.APPROVED, "Approve"),
    (DisposalStatus.RETURNED, "Return to the officer for changes"),
    (DisposalStatus.REJECTED, "Reject"),
)


class DisposalDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=DECISION_CHOICES, widget=forms.RadioSelect, label="Your decision")
    comment = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment",
        help_text="Required to return or reject: say what must change, or why.",
    )


# ------------------------------------------------------------------------------
# Supervision
# ------------------------------------------------------------------------------
class ReviewForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=10000, label="What you reviewed")
    actions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        label="Actions for the officer",
    )
    next_review_date = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Next review",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.SUPERVISORY_REVIEW_DAYS  # read per form: the setting is the one default
        self.fields["next_review_date"].help_text = f"Leave empty for {days} days from today."
        self.initial.setdefault("next_review_date", timezone.localdate() + timedelta(days=days))


def reassignment_targets(*, supervisor: User, exclude: User) -> QuerySet[User]:
    """Active officers and sergeants who share at least one force with ``supervisor``."""
    return users_offered(roles=ASSIGNABLE_ROLES, forces=force_ids_accessible(supervisor)).exclude(pk=exclude.pk)


class ReassignForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Cases to move",
        error_messages={"required": "Tick at least one case to move."},
    )
    to_officer = forms.ModelChoiceField(queryset=User.objects.none(), label="Move to", empty_label="Choose an officer")
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Reason",
        help_text="Required: it is kept in the access log.",
    )

    def __init__(self, *args, cases: QuerySet[Case], supervisor: User, officer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["to_officer"].queryset = reassignment_targets(supervisor=supervisor, exclude=officer)
        self.fields["to_officer"].label_from_instance = lambda user: f"{user} ({user.get_role_display().lower()})"
