"""The referral form: the person, their online identities, the referral, and the possible-match decision."""

import hashlib
import json

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.selectors import force_list_accessible
from subjects.forms.people_edit import postcode_district_clean
from subjects.matching import Match, identifier_key, name_key
from subjects.models import (
    ActivityType,
    CmaSection,
    PersonCategory,
    Platform,
    ReferralSource,
    RiskLevel,
    Sex,
    VulnerabilityFlag,
)
from subjects.services.intake import referral_dates_validate

IDENTIFIER_ROWS = 4
CREATE_NEW = "new"

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "force",
    "postcode_district",
    "school_or_employer",
    "category",
    "vulnerability_flags",
    "risk_level",
)
REFERRAL_FIELDS = (
    "referral_date",
    "source",
    "referrer",
    "operation",
    "activity_types",
    "cma_sections",
    "narrative",
)
SUBJECT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "force",
    "postcode_district",
    "school_or_employer",
    "category",
    "risk_level",
)
CASE_FIELDS = ("referral_date", "source", "referrer", "operation", "cma_sections", "narrative")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReferralForm(forms.Form):
    # The person
    first_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    last_name = forms.CharField(
        label="Family name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    date_of_birth = forms.DateField(widget=DateInput(), help_text="The person must be 5 to 100 at referral.")
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.NOT_KNOWN)
    force = forms.ModelChoiceField(label="Force area", queryset=None, empty_label=None)
    postcode_district = forms.CharField(
        label="Postcode district",
        max_length=8,
        required=False,
        help_text="The first part of the postcode only, for example B15 or WS1.",
    )
    school_or_employer = forms.CharField(label="School, college or employer", max_length=150, required=False)
    category = forms.ChoiceField(
        label="Category of person", choices=PersonCategory.choices, initial=PersonCategory.AT_RISK
    )
    vulnerability_flags = forms.ModelMultipleChoiceField(
        queryset=VulnerabilityFlag.objects.offered(), widget=forms.CheckboxSelectMultiple, required=False
    )
    risk_level = forms.ChoiceField(choices=RiskLevel.choices, initial=RiskLevel.LOW)
    # Other names
    aliases = forms.CharField(
        label="Aliases and other names",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: nicknames, other spellings, previous names.",
    )
    # The referral
    referral_date = forms.DateField(initial=timezone.localdate, widget=DateInput())
    source = forms.ChoiceField(label="Referral source", choices=[("", "Choose a source"), *ReferralSource.choices])
    referrer = forms.CharField(max_length=200, required=False, help_text="Who referred, e.g. the school's DSL.")
    operation = forms.CharField(label="Operation name or reference", max_length=100, required=False)
    activity_types = forms.ModelMultipleChoiceField(
        queryset=ActivityType.objects.offered(), widget=forms.CheckboxSelectMultiple, required=False
    )
    cma_sections = forms.MultipleChoiceField(
        label="Computer Misuse Act sections",
        choices=CmaSection.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    narrative = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    # The possible-match step: which matches the officer saw, and what they chose.
    match_check = forms.CharField(required=False, widget=forms.HiddenInput)
    link_to = forms.CharField(label="Possible matches", required=False, max_length=20)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        forces = force_list_accessible(user)
        self.fields["force"].queryset = forces
        if user.home_force_id:
            self.fields["force"].initial = user.home_force_id
        for row in range(1, IDENTIFIER_ROWS + 1):
            self.fields[f"platform_{row}"] = forms.ChoiceField(
                label=f"Platform {row}", choices=[("", "No platform"), *Platform.choices], required=False
            )
            self.fields[f"handle_{row}"] = forms.CharField(
                label=f"Handle, address or wallet {row}",
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )

    # ------------------------------------------------------------------ layout
    def person_fields(self) -> list:
        return [self[name] for name in PERSON_FIELDS]

    def referral_fields(self) -> list:
        return [self[name] for name in REFERRAL_FIELDS]

    def identifier_rows(self) -> list:
        return [(self[f"platform_{row}"], self[f"handle_{row}"]) for row in range(1, IDENTIFIER_ROWS + 1)]

    # -------------------------------------------------------------- validation
    def clean_first_name(self) -> str:
        return self._clean_name("first_name", "Enter the first name using letters.")

    def clean_last_name(self) -> str:
        return self._clean_name("last_name", "Enter the family name using letters.")

    def _clean_name(self, name: str, message: str) -> str:
        value = self.cleaned_data[name]
        if not name_key(value):
            raise ValidationError(message)
        return value

    def clean_postcode_district(self) -> str:
        return postcode_district_clean(self.cleaned_data["postcode_district"])

    def clean_aliases(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["aliases"].splitlines()]
        aliases = [line for line in lines if line]
        if any(len(alias) > 200 for alias in aliases):
            raise ValidationError("Each alias can be at most 200 characters.")
        return aliases

    def clean(self) -> dict:
        cleaned = super().clean()
        for row in range(1, IDENTIFIER_ROWS + 1):
            self._clean_identifier_row(row)
        try:
            referral_dates_validate(
                date_of_birth=cleaned.get("date_of_birth"), referral_date=cleaned.get("referral_date")
            )
        except ValidationError as error:
            self.add_service_error(error)
        return cleaned

    def _clean_identifier_row(self, row: int) -> None:
        platform = self.cleaned_data.get(f"platform_{row}", "")
        handle = self.cleaned_data.get(f"handle_{row}", "")
        if handle and not platform:
            self.add_error(f"platform_{row}", "Choose the platform of this handle.")
        elif platform and not identifier_key(platform, handle):
            self.add_error(f"handle_{row}", "Enter the handle, address or wallet, or choose “No platform”.")

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError at the fields it names (others at the top of the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields and name != NON_FIELD_ERRORS else None, messages)

    # ------------------------------------------------------- for the services
    def identifiers(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        rows = [(data[f"platform_{row}"], data[f"handle_{row}"]) for row in range(1, IDENTIFIER_ROWS + 1)]
        return [(platform, handle) for platform, handle in rows if platform and handle]

    def match_criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "identifiers": self.identifiers(),
            "aliases": data["aliases"],
        }

    def match_fingerprint(self) -> str:
        """A digest of what matching looked at: if the officer changes it, the matches are shown again."""
        criteria = self.match_criteria()
        summary = [
            name_key(criteria["first_name"]),
            name_key(criteria["last_name"]),
            criteria["date_of_birth"].isoformat(),
            sorted(f"{platform}:{identifier_key(platform, handle)}" for platform, handle in criteria["identifiers"]),
            sorted(name_key(alias) for alias in criteria["aliases"]),
        ]
        return hashlib.sha256(json.dumps(summary).encode()).hexdigest()[:32]

    def match_choice(self, matches: list[Match]) -> int | str | None:
        """The officer's decision: a subject id to link, ``"new"``, or None while they still have to choose.

        A subject id is accepted only if it is one of ``matches`` the officer
        may open, so a crafted id of someone else's subject is refused.
        """
        choice = self.cleaned_data.get("link_to", "").strip()
        if choice and choice != CREATE_NEW:
            linkable = {str(match.subject.pk): match.subject.pk for match in matches if match.details_visible}
            if choice in linkable:
                return linkable[choice]
            self.add_error("link_to", "That person is not one of the possible matches. Choose one of those listed.")
            return None
        if not matches:
            return CREATE_NEW
        if self.cleaned_data.get("match_check") != self.match_fingerprint():
            return None  # the matches are new to the officer: show them first
        if choice == CREATE_NEW:
            return CREATE_NEW
        self.add_error("link_to", "Choose the person to link this referral to, or “None of these”.")
        return None

    def referral_data(self, choice: int | str) -> dict:
        """Keyword arguments for ``subjects.intake.referral_record``."""
        data = self.cleaned_data
        linking = choice != CREATE_NEW
        return {
            "subject": choice if linking else None,
            "new_subject": None if linking else {name: data[name] for name in SUBJECT_FIELDS},
            "case_fields": {name: data[name] for name in CASE_FIELDS},
            "activity_types": list(data["activity_types"]),
            "identifiers": self.identifiers(),
            "aliases": data["aliases"],
            "vulnerability_flags": list(data["vulnerability_flags"]),
        }
