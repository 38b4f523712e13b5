"""Forms of the subject list (filters) and of the subject page (logging an engagement)."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone

from accounts.models import User
from accounts.selectors import force_list_accessible
from subjects.models import (
    ADULT_AGE,
    ActivityType,
    Case,
    CaseStatus,
    EngagementOutcome,
    EngagementType,
    ParentPresent,
    ReferralSource,
    RiskLevel,
    VulnerabilityFlag,
    age_on,
)
from subjects.selectors.lists import AGE_BANDS, officer_list_for_filter

ANY = [("", "Any")]
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# A browser clock a little ahead of the server's is not "the future".
CLOCK_TOLERANCE = timedelta(minutes=2)
MAX_DURATION_MINUTES = 600


class BootstrapBoundField(BoundField):
    """Bootstrap's classes on every widget. Django itself points ``aria-describedby`` at ``<id>_error``."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        css = "form-select" if isinstance(widget or self.field.widget, forms.Select) else "form-control"
        attrs["class"] = f"{css} is-invalid" if self.errors else css
        return attrs


class SubjectFilterForm(forms.Form):
    """The subject list's filters and search box (posted: see ``subjects.views.people``); every field optional."""

    bound_field_class = BootstrapBoundField

    q = forms.CharField(
        label="Name, alias, online handle or reference",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    force = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any")
    case_status = forms.ChoiceField(label="Case status", choices=ANY + CaseStatus.choices, required=False)
    officer = forms.ModelChoiceField(label="Assigned officer", queryset=None, required=False, empty_label="Any")
    risk_level = forms.ChoiceField(label="Risk", choices=ANY + RiskLevel.choices, required=False)
    age_band = forms.ChoiceField(
        label="Age", choices=ANY + [(code, band.label) for code, band in AGE_BANDS.items()], required=False
    )
    source = forms.ChoiceField(label="Referral source", choices=ANY + ReferralSource.choices, required=False)
    activity_type = forms.ModelChoiceField(
        label="Activity type", queryset=ActivityType.objects.filter(active=True), required=False, empty_label="Any"
    )
    vulnerability = forms.ModelChoiceField(
        label="Vulnerability",
        queryset=VulnerabilityFlag.objects.filter(active=True),
        required=False,
        empty_label="Any",
    )

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = force_list_accessible(viewer)
        self.fields["officer"].queryset = officer_list_for_filter(viewer)

    def filters(self) -> dict:
        """The valid filters (a bad value in one field does not drop the others)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class EngagementForm(forms.Form):
    """Log a contact with the subject on one case. Prefixed per case: several appear on the subject page."""

    bound_field_class = BootstrapBoundField
    # Shown for under-18s (and unknown ages); engagement_log enforces them for in-person visits.
    PARENT_FIELDS = ("parent_present", "parent_absent_reason")

    occurred_at = forms.DateTimeField(
        label="When",
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    type = forms.ChoiceField(label="Type", choices=[("", "Choose…"), *EngagementType.choices])
    outcome = forms.ChoiceField(label="Outcome", choices=[("", "Choose…"), *EngagementOutcome.choices])
    present = forms.CharField(label="Who was present", required=False, max_length=200)
    parent_present = forms.ChoiceField(label="Parent or carer present", choices=ParentPresent.choices, required=False)
    parent_absent_reason = forms.CharField(label="If not, why not", required=False, max_length=200)
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", required=False, min_value=1, max_value=MAX_DURATION_MINUTES
    )
    narrative = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_action_date = forms.DateField(
        label="Next action by", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    officers = forms.TypedMultipleChoiceField(
        label="Other officers present", coerce=int, required=False, widget=forms.SelectMultiple(attrs={"size": 3})
    )

    def __init__(self, *args, case: Case, officer_choices=(), **kwargs):
        kwargs.setdefault("prefix", f"case{case.pk}")
        super().__init__(*args, **kwargs)
        self.case = case
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["occurred_at"].initial = now
        self.fields["occurred_at"].widget.attrs["max"] = now.strftime(DATETIME_LOCAL)
        self.fields["parent_present"].initial = ParentPresent.NOT_APPLICABLE
        # Plain choices (not a queryset), so one officer list serves every form on the page.
        self.fields["officers"].choices = list(officer_choices)
        age = age_on(case.subject.date_of_birth, timezone.localdate())
        self.show_parent_fields = age is None or age < ADULT_AGE

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + CLOCK_TOLERANCE:
            raise ValidationError("The time of the engagement cannot be in the future.")
        return occurred_at

    def clean_parent_present(self):
        return self.cleaned_data["parent_present"] or ParentPresent.NOT_APPLICABLE

    def engagement_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields.pop("officers")
        return fields

    def officer_ids(self) -> list[int]:
        return self.cleaned_data["officers"]

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError at the fields it names; anything else at the top of the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)

    def focus_first(self) -> None:
        """Ask the browser to focus the first field with an error, or the first field (after an htmx swap)."""
        name = next((name for name in self.fields if name in self.errors), next(iter(self.fields)))
        self.fields[name].widget.attrs["autofocus"] = True
