from django import forms

from outreach.quarters import QUARTER_HELP, FinancialQuarter

from .selectors import scopes_for_user


class ReturnChoiceForm(forms.Form):
    year = forms.IntegerField(
        label="Financial year (the year it starts)",
        min_value=2000,
        max_value=2099,
        help_text="For example 2026 for 2026/27.",
    )
    quarter = forms.TypedChoiceField(choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)], coerce=int, help_text=QUARTER_HELP)
    scope = forms.ChoiceField(label="Force or region")
    external = forms.BooleanField(
        label="External version (suppress small numbers for sharing outside policing)", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes_for_user(user)

    @property
    def period(self) -> FinancialQuarter:
        return FinancialQuarter(self.cleaned_data["year"], self.cleaned_data["quarter"])

    @classmethod
    def initial_for(cls) -> dict:
        previous = FinancialQuarter.current().previous()
        return {"year": previous.year, "quarter": previous.quarter}
