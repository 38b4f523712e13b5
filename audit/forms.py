from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from .models import Operation

# ------------------------------------------------------------------------------
# Dates in filters: one rule for every app's filter forms
# ------------------------------------------------------------------------------
# Every app's GET filters use this field. It lives here because ``audit`` is the
# lowest layer (STYLE.md habit 14): the access log's own filter needs it and may
# import nothing above it, while every other app may import ``audit``.
FILTER_DATE_MIN = date(1900, 1, 1)
FILTER_DATE_MAX = date(2100, 12, 31)
FILTER_DATE_MESSAGE = "Enter a date between 1 Jan 1900 and 31 Dec 2100."


def validate_filter_date(value: date) -> None:
    """Refuse a filter date outside 1900 to 2100, where day arithmetic and time zones would overflow."""
    if not FILTER_DATE_MIN <= value <= FILTER_DATE_MAX:
        raise ValidationError(FILTER_DATE_MESSAGE, code="filter_date_range")


class FilterDateField(forms.DateField):
    """An optional date in a GET filter: a browser date picker, and a clear message for a date out of range."""

    default_validators = [validate_filter_date]

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget) -> dict:
        return {**super().widget_attrs(widget), "min": FILTER_DATE_MIN.isoformat(), "max": FILTER_DATE_MAX.isoformat()}


class AccessEventFilterForm(forms.Form):
    """The event list's GET filters; every field is optional."""

    operation = forms.ChoiceField(
        choices=[("", "Any operation"), *Operation.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    actor = forms.CharField(
        label="Actor username contains",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    date_from = FilterDateField(
        label="From date", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    )
    date_to = FilterDateField(
        label="To date", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # Bootstrap's red outline; Django already sets aria-invalid
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "The end date must not be before the start date.")
        return cleaned

    def filters(self) -> dict:
        """The valid filters as keyword arguments for ``access_event_list_filtered``.

        An invalid field is left out (and shown with its error); the others still apply.
        """
        self.is_valid()
        data = self.cleaned_data
        return {
            "operation": data.get("operation", ""),
            "actor_contains": data.get("actor", ""),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
