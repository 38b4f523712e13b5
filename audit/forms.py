from django import forms

from .models import Operation


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
    date_from = forms.DateField(
        label="From date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    date_to = forms.DateField(
        label="To date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
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
