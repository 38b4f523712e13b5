"""Forms for editing a subject and adding what is known about them, and the no-lost-update conflict panel.

Forms only parse and check input; saving goes through ``subjects.services``
and ``subjects.relations``.
"""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.selectors import users_offered
from editing.forms import DateInput, VersionedModelForm
from subjects.models import (
    ContactRelationship,
    ContextKind,
    Platform,
    Relationship,
    Subject,
    VulnerabilityFlag,
    age_on,
)
from subjects.selectors.access import CASEWORK_ROLES, restricted_details_hidden_q, subject_list_visible
from subjects.services.cases import ASSIGNABLE_ROLES

MIN_AGE = 5
MAX_AGE = 100
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,30}$")


# ------------------------------------------------------------------------------
# Shared checks
# ------------------------------------------------------------------------------
def validate_date_of_birth(value: date | None) -> None:
    """Refuse a date of birth in the future, or one implying an age under 5 or over 100 today."""
    if value is None:
        return
    today = timezone.localdate()
    if value > today:
        raise ValidationError("The date of birth cannot be in the future.", code="future")
    age = age_on(value, today)
    if age < MIN_AGE:
        raise ValidationError(f"This date of birth makes the person under {MIN_AGE}. Check the year.", code="young")
    if age > MAX_AGE:
        raise ValidationError(f"This date of birth makes the person over {MAX_AGE}. Check the year.", code="old")


def postcode_district_clean(value: str) -> str:
    """The model field's rule (``PostcodeDistrictField``), applied before the 4-character limit can speak."""
    field = Subject._meta.get_field("postcode_district")
    value = field.to_python(value)
    if value:
        field.run_validators(value)
    return value


# ------------------------------------------------------------------------------
# Subject
# ------------------------------------------------------------------------------
SUPERVISOR_ONLY_FIELDS = ("restricted", "need_to_know", "restriction_contact")


class SubjectEditForm(VersionedModelForm):
    many_to_many = ("vulnerability_flags", "need_to_know")

    # Longer than the stored 4 characters, so a full postcode gets a message saying what to enter.
    postcode_district = forms.CharField(
        max_length=10,
        required=False,
        label="Postcode district",
        help_text="The first part of the postcode only, for example B15 (data minimisation).",
    )

    class Meta:
        model = Subject
        fields = (
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "gender_identity",
            "postcode_district",
            "school_or_employer",
            "category",
            "vulnerability_flags",
            "safeguarding_notes",
            "risk_level",
            "consent_subject",
            "consent_parent",
            "assigned_officer",
            "retention_review_date",
            "restricted",
            "need_to_know",
            "restriction_contact",
        )
        labels = {"first_name": "First name", "gender_identity": "Gender (as the person describes it)"}
        widgets = {
            "date_of_birth": DateInput(),
            "retention_review_date": DateInput(),
            "vulnerability_flags": forms.CheckboxSelectMultiple,
            "need_to_know": forms.CheckboxSelectMultiple,
            "safeguarding_notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "need_to_know": "Who may see this restricted record, besides supervisors and the assigned officer.",
        }

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        subject = self.instance
        self.fields["vulnerability_flags"].queryset = VulnerabilityFlag.objects.offered(
            subject.vulnerability_flags.all()
        )
        officer = self.fields["assigned_officer"]
        officer.queryset = users_offered(roles=ASSIGNABLE_ROLES, forces=subject.force_id, keep=subject.assigned_officer)
        officer.empty_label = "Not assigned"
        if not viewer.is_supervisor:
            for name in SUPERVISOR_ONLY_FIELDS:
                del self.fields[name]
            return
        self.fields["need_to_know"].queryset = users_offered(
            roles=CASEWORK_ROLES, forces=subject.force_id, keep=subject.need_to_know.all()
        )
        self.fields["restriction_contact"].queryset = users_offered(
            roles=CASEWORK_ROLES, forces=subject.force_id, keep=subject.restriction_contact
        )

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        validate_date_of_birth(value)
        return value

    def clean_postcode_district(self) -> str:
        return postcode_district_clean(self.cleaned_data["postcode_district"])

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("restricted")
            and "restriction_contact" in self.fields
            and not cleaned.get("restriction_contact")
        ):
            self.add_error("restriction_contact", "Say whom others should contact about this restricted record.")
        return cleaned


# ------------------------------------------------------------------------------
# Identifiers, contacts, associations
# ------------------------------------------------------------------------------
class IdentifierForm(forms.Form):
    platform = forms.ChoiceField(choices=Platform.choices)
    handle = forms.CharField(
        max_length=200,
        label="Handle, email, IP address or wallet",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    first_seen = forms.DateField(required=False, widget=DateInput())
    last_seen = forms.DateField(required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_seen"), cleaned.get("last_seen")
        if first and last and first > last:
            self.add_error("last_seen", "Last seen cannot be before first seen.")
        today = timezone.localdate()
        for name in ("first_seen", "last_seen"):
            if cleaned.get(name) and cleaned[name] > today:
                self.add_error(name, "This date is in the future.")
        return cleaned


class ContactForm(forms.Form):
    name = forms.CharField(max_length=150)
    relationship = forms.ChoiceField(choices=ContactRelationship.choices, label="Relationship to the person")
    phone = forms.CharField(max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(required=False)
    notes = forms.CharField(max_length=300, required=False, help_text="For example, best times to call.")
    is_primary = forms.BooleanField(required=False, label="Main contact")

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise ValidationError("Enter a phone number using digits, spaces and an optional leading +.")
        return phone


class AssociationTarget:
    PERSON = "person"
    CONTEXT = "context"
    CHOICES = ((PERSON, "Another person"), (CONTEXT, "A place they share: server, forum, community or school"))


class AssociationForm(forms.Form):
    target = forms.ChoiceField(choices=AssociationTarget.CHOICES, widget=forms.RadioSelect, label="Link to")
    relationship = forms.ChoiceField(
        choices=Relationship.choices,
        help_text="People: co-offender, sibling or associate. Places: member or associate.",
    )
    other_reference = forms.CharField(
        max_length=20,
        required=False,
        label="Reference of the other person",
        help_text="For example WM-2026-00042.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    context_kind = forms.ChoiceField(choices=[("", "---------"), *ContextKind.choices], required=False, label="Kind")
    context_name = forms.CharField(
        max_length=200, required=False, label="Name", help_text="For example the Discord server's name."
    )
    notes = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == AssociationTarget.PERSON:
            cleaned["other"] = self._other_subject(cleaned.get("other_reference", ""))
        elif cleaned.get("target") == AssociationTarget.CONTEXT:
            if not cleaned.get("context_kind"):
                self.add_error("context_kind", "Choose what kind of place this is.")
            if not cleaned.get("context_name", "").strip():
                self.add_error("context_name", "Enter the name of the server, forum, community or school.")
        return cleaned

    def _other_subject(self, reference: str) -> Subject | None:
        """The person with that reference, only among those whose details the viewer may see."""
        reference = reference.strip().upper()
        if not reference:
            self.add_error("other_reference", "Enter the reference of the other person.")
            return None
        other = (
            subject_list_visible(self.viewer)
            .exclude(restricted_details_hidden_q(self.viewer))
            .filter(reference=reference)
            .first()
        )
        if other is None:
            self.add_error("other_reference", f"No one you can see has the reference {reference}.")
        return other
