"""Outreach forms: input parsing and field-level messages only; the rules live in models and services."""

from datetime import date

from django import forms
from django.utils import timezone

from accounts.models import User
from accounts.selectors import force_ids_accessible, force_list_accessible
from audit.forms import FilterDateField

from . import selectors
from .models import (
    Audience,
    Campaign,
    EventStatus,
    EventType,
    LessonLearnt,
    LessonStatus,
    OutreachEvent,
    Strand,
    Target,
)
from .quarters import MAX_YEAR, MIN_YEAR, QUARTER_HELP, FinancialQuarter, QuarterError

FEEDBACK_CHOICES = [("", "Not collected"), *[(n, str(n)) for n in range(1, 6)]]


class BootstrapMixin:
    """Marks fields in error so Bootstrap outlines them (Django already sets aria-invalid)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def style_filter_fields(form: forms.Form) -> None:
    """Bootstrap classes for GET filter forms, which are laid out by hand rather than by crispy."""
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs["class"] = css


class PresenterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


# ------------------------------------------------------------------------------
# Events
# ------------------------------------------------------------------------------
class EventForm(BootstrapMixin, forms.ModelForm):
    """All of an event's details. Subclasses decide which figures are asked for."""

    feedback_score = forms.TypedChoiceField(
        label="Feedback score",
        choices=FEEDBACK_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Average score from the survey, 1 (poor) to 5 (excellent).",
    )

    class Meta:
        model = OutreachEvent
        fields = [
            "date",
            "force",
            "strand",
            "event_type",
            "audience",
            "sector",
            "host_organisation",
            "presenters",
            "co_delivering_partners",
            "attendees",
            "sign_ups",
            "products",
            "feedback_score",
            "survey_code",
            "campaign",
            "notes",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "presenters": forms.CheckboxSelectMultiple,
            "products": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"presenters": PresenterChoiceField}
        error_messages = {
            "attendees": {"min_value": "Attendees cannot be negative: enter 0 or more."},
            "sign_ups": {"min_value": "Sign-ups cannot be negative: enter 0 or more."},
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        existing = self.instance.pk is not None
        self.fields["force"].queryset = force_list_accessible(user)
        self.fields["force"].empty_label = None
        self.fields["presenters"].queryset = selectors.presenter_choices(
            user, include=self.instance.presenters.all() if existing else None
        )
        self.fields["products"].queryset = selectors.product_choices(
            keep=self.instance.products.all() if existing else None
        )
        self.fields["campaign"].queryset = selectors.campaign_list()
        self.fields["campaign"].empty_label = "No campaign"
        if not existing and user.home_force_id in force_ids_accessible(user):
            self.initial.setdefault("force", user.home_force_id)
        if not existing and user.role in selectors.PRESENTER_ROLES:
            self.initial.setdefault("presenters", [user.pk])

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class EventLogForm(EventForm):
    """The quick form for an event that has taken place."""

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                "A delivered event cannot be dated in the future. Plan it instead, and mark it delivered on the day."
            )
        return day


class EventPlanForm(EventForm):
    """An event to come: the figures are recorded when it is marked delivered."""

    feedback_score = None

    class Meta(EventForm.Meta):
        fields = [f for f in EventForm.Meta.fields if f not in {"attendees", "sign_ups", "feedback_score"}]

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise forms.ValidationError("A planned event cannot be in the past. Log it as delivered instead.")
        return day


class EventEditForm(EventForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)
        if self.instance.status != EventStatus.DELIVERED:
            for name in ("attendees", "sign_ups", "feedback_score"):
                self.fields.pop(name)


class EventDeliverForm(BootstrapMixin, forms.Form):
    """The figures asked for when a planned event is marked delivered."""

    attendees = forms.IntegerField(
        min_value=0,
        error_messages={
            "required": "Enter the number of attendees (0 or more).",
            "min_value": "Attendees cannot be negative: enter 0 or more.",
        },
    )
    sign_ups = forms.IntegerField(
        label="Sign-ups",
        min_value=0,
        initial=0,
        error_messages={
            "required": "Enter the number of sign-ups (0 or more).",
            "min_value": "Sign-ups cannot be negative: enter 0 or more.",
        },
    )
    feedback_score = forms.TypedChoiceField(
        label="Feedback score", choices=FEEDBACK_CHOICES, coerce=int, empty_value=None, required=False
    )
    survey_code = forms.CharField(max_length=40, required=False)


class EventCancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="Why was it cancelled?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the event was cancelled."},
    )


class EventFilterForm(BootstrapMixin, forms.Form):
    """The event list's, calendar's and export's GET filters; every field is optional."""

    force = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any force")
    strand = forms.ChoiceField(choices=[("", "Any strand"), *Strand.choices], required=False)
    event_type = forms.ChoiceField(label="Type", choices=[("", "Any type"), *EventType.choices], required=False)
    audience = forms.ChoiceField(choices=[("", "Any audience"), *Audience.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *EventStatus.choices], required=False)
    campaign = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any campaign")
    officer = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any officer", label="Presenter")
    date_from = FilterDateField(label="From date")
    date_to = FilterDateField(label="To date")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = force_list_accessible(user)
        self.fields["campaign"].queryset = selectors.campaign_list()
        self.fields["officer"].queryset = selectors.presenter_choices(user)
        self.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.username
        style_filter_fields(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "The end date must not be before the start date.")
        return cleaned

    def filters(self) -> selectors.EventFilters:
        """The valid filters; an invalid field is left out (and shown with its error)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return selectors.EventFilters(**data)


class EventExportForm(BootstrapMixin, forms.Form):
    """Who the CSV export is for: every export is a disclosure, and the access log names its recipient."""

    recipient = forms.CharField(
        label="Who is this export for?",
        max_length=200,
        help_text="The person, team or organisation that will receive the file, for example "
        "“Home Office Prevent team”. It is recorded in the access log.",
        error_messages={"required": "Say who the export is for: it is recorded in the access log."},
    )


class CalendarFilterForm(EventFilterForm):
    """The calendar's filters: the month itself sets the dates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["date_from"], self.fields["date_to"]


# ------------------------------------------------------------------------------
# Campaigns and lessons
# ------------------------------------------------------------------------------
class CampaignForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "scope", "start_date", "end_date", "description"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class LessonForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = LessonLearnt
        fields = [
            "force",
            "source_operation",
            "theme",
            "finding",
            "recommendation",
            "status",
            "shared_with",
            "date_shared",
        ]
        widgets = {
            "finding": forms.Textarea(attrs={"rows": 4}),
            "recommendation": forms.Textarea(attrs={"rows": 4}),
            "date_shared": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = force_list_accessible(user)
        self.fields["force"].empty_label = None
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=self.instance.version)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class LessonFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *LessonStatus.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_filter_fields(self)


# ------------------------------------------------------------------------------
# Targets and progress
# ------------------------------------------------------------------------------
def _check_year(value) -> int:
    try:
        FinancialQuarter(value, 1)
    except QuarterError as error:
        raise forms.ValidationError(str(error)) from error
    return value


def _check_quarter(value) -> int:
    try:
        FinancialQuarter(MIN_YEAR, value)
    except QuarterError as error:
        raise forms.ValidationError(str(error)) from error
    return value


class YearField(forms.IntegerField):
    """A financial year by the calendar year it starts in; out of range → a clear message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Financial year")
        kwargs.setdefault("help_text", "The year it starts: 2026 for 2026/27.")
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}))
        kwargs.setdefault("error_messages", {"invalid": "Enter the year as four digits, e.g. 2026 for 2026/27."})
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None:
            _check_year(value)


class QuarterField(forms.IntegerField):
    """A quarter number, 1 to 4 (posted values outside that are answered in words, not 'invalid choice')."""

    widget = forms.Select(choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)])

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": "Choose a quarter from Q1 to Q4."})
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None:
            _check_quarter(value)


class TargetForm(BootstrapMixin, forms.ModelForm):
    financial_year = YearField()
    quarter = QuarterField(help_text=QUARTER_HELP)

    class Meta:
        model = Target
        fields = ["force", "financial_year", "quarter", "measure", "scope", "value"]
        error_messages = {"value": {"min_value": "A target cannot be negative: enter 0 or more."}}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = force_list_accessible(user)
        self.fields["force"].empty_label = None
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=self.instance.version)
        else:
            self.initial.setdefault("financial_year", FinancialQuarter.current().year)
            self.initial.setdefault("quarter", FinancialQuarter.current().quarter)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TargetFilterForm(BootstrapMixin, forms.Form):
    year = YearField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_filter_fields(self)


class ProgressForm(BootstrapMixin, forms.Form):
    """Which force and quarter the progress view shows (GET)."""

    force = forms.ModelChoiceField(queryset=None, empty_label=None, required=False)
    year = YearField(required=False)
    quarter = QuarterField(required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = force_list_accessible(user)
        style_filter_fields(self)
