"""Partner forms: input parsing and field-level messages only; the rules live in models and services.

Edit forms carry the version they started from (no lost updates). Forces the
editor may not see are never offered, and never dropped: they are kept as they
are and named under the field.
"""

import re

from django import forms
from django.db.models import QuerySet

from accounts.models import Force, Role, User
from accounts.selectors import force_ids_accessible, force_list_accessible, users_offered
from editing.forms import DateInput, VersionedModelForm
from interventions.models import InterventionType

from .models import (
    DataSharingAgreement,
    Partner,
    PartnerContact,
    PartnerInteraction,
    PartnerStatus,
    PartnerType,
    Pathway,
    Sector,
)
from .selectors import AGE_BANDS, AgeBand, PartnerFilters

_PHONE = re.compile(r"^\+?[0-9 ()-]{7,30}$")
OWNER_ROLES = (Role.OFFICER, Role.SERGEANT, Role.INSPECTOR)
# Long enough to say why in plain words, short enough that the summary stays on one page.
REASON_MAX_LENGTH = 1000
REASON_MAX_LINES = 12
DESCRIPTION_MAX_LENGTH = 800


class ForceChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ForcesKeptMixin:
    """A ``forces`` field offering the editor's forces only; the record's other forces are kept untouched."""

    def _limit_forces(self, user: User, saved: list[Force]) -> None:
        accessible = force_ids_accessible(user)
        self.fields["forces"].queryset = force_list_accessible(user)
        self.kept_forces = [force for force in saved if force.pk not in accessible]
        if self.kept_forces:
            names = ", ".join(force.name for force in self.kept_forces)
            self.fields["forces"].help_text = f"Also {names}, outside your forces: kept as it is."

    def forces_for_service(self) -> list[Force]:
        return [*self.cleaned_data["forces"], *self.kept_forces]


def _owner_choices(user: User, keep: User | None) -> QuerySet[User]:
    return users_offered(roles=OWNER_ROLES, forces=force_ids_accessible(user), keep=keep)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


# ------------------------------------------------------------------------------
# Partners
# ------------------------------------------------------------------------------
class PartnerForm(ForcesKeptMixin, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ("name", "sector", "type", "forces", "status", "relationship_owner", "notes")
        labels = {"type": "Type of organisation", "relationship_owner": "Relationship owner"}
        field_classes = {"forces": ForceChoiceField, "relationship_owner": OwnerChoiceField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        existing = self.instance.pk is not None
        self._limit_forces(user, list(self.instance.forces.all()) if existing else [])
        owner = self.fields["relationship_owner"]
        owner.queryset = _owner_choices(user, self.instance.relationship_owner if existing else None)
        owner.empty_label = "No one yet"
        if not existing:
            if user.home_force_id in force_ids_accessible(user):
                self.initial.setdefault("forces", [user.home_force_id])
            if user.role in OWNER_ROLES:
                self.initial.setdefault("relationship_owner", user.pk)

    def fields_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in {"forces", "version"}}


class PartnerEditForm(VersionedModelForm, PartnerForm):
    many_to_many = ("forces",)


# ------------------------------------------------------------------------------
# Contacts and interactions
# ------------------------------------------------------------------------------
class ContactForm(forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ("name", "role", "email", "phone")
        help_texts = {"phone": "A work number, e.g. 0121 496 0000."}

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError("Enter a phone number of digits, spaces and brackets, e.g. 0121 496 0000.")
        return phone

    def fields_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ContactEditForm(VersionedModelForm, ContactForm):
    pass


class InteractionForm(forms.ModelForm):
    class Meta:
        model = PartnerInteraction
        fields = ("date", "kind", "summary", "officer")
        labels = {"kind": "Kind of interaction", "officer": "Officer"}
        field_classes = {"officer": OwnerChoiceField}
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"summary": "What was discussed or agreed. Name no young person here."}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.instance.officer if self.instance.pk else None
        self.fields["officer"].queryset = _owner_choices(user, keep)
        if self.instance.pk is None and user.role in OWNER_ROLES:
            self.initial.setdefault("officer", user.pk)

    def fields_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class InteractionEditForm(VersionedModelForm, InteractionForm):
    pass


# ------------------------------------------------------------------------------
# Pathways
# ------------------------------------------------------------------------------
class PathwayForm(ForcesKeptMixin, forms.ModelForm):
    description = forms.CharField(
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the pathway is for, in plain words: the partner's referral summary prints this.",
    )

    class Meta:
        model = Pathway
        fields = (
            "name",
            "intervention_type",
            "description",
            "age_min",
            "age_max",
            "capacity",
            "delivery_mode",
            "forces",
            "active_from",
            "active_to",
        )
        labels = {"intervention_type": "Intervention type", "age_min": "Youngest age", "age_max": "Oldest age"}
        field_classes = {"forces": ForceChoiceField}
        widgets = {
            "active_from": DateInput(),
            "active_to": DateInput(),
        }
        error_messages = {
            "age_min": {
                "min_value": "The youngest age must be 5 or more.",
                "max_value": "The youngest age must be 100 or less.",
            },
            "age_max": {
                "min_value": "The oldest age must be 5 or more.",
                "max_value": "The oldest age must be 100 or less.",
            },
        }

    def __init__(self, *args, user: User, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        existing = self.instance.pk is not None
        keep = self.instance.intervention_type if existing else None
        self.fields["intervention_type"].queryset = InterventionType.objects.offered(keep)
        self._limit_forces(user, list(self.instance.forces.all()) if existing else [])
        # Only the partner's forces are offered: a pathway serves where its partner works.
        self.fields["forces"].queryset = self.fields["forces"].queryset.filter(partners=partner)
        if not existing:
            self.initial.setdefault("forces", [f.pk for f in self.fields["forces"].queryset])

    def fields_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in {"forces", "version"}}


class PathwayEditForm(VersionedModelForm, PathwayForm):
    many_to_many = ("forces",)


# ------------------------------------------------------------------------------
# Data sharing agreements
# ------------------------------------------------------------------------------
class AgreementForm(forms.ModelForm):
    class Meta:
        model = DataSharingAgreement
        fields = ("status", "signed_on", "expires_on", "document_reference")
        labels = {"signed_on": "Signed on", "expires_on": "Expires on"}
        widgets = {"signed_on": DateInput(), "expires_on": DateInput()}

    def fields_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class AgreementEditForm(VersionedModelForm, AgreementForm):
    pass


# ------------------------------------------------------------------------------
# The directory and the coverage table
# ------------------------------------------------------------------------------
def _style_filters(form: forms.Form) -> None:
    """Bootstrap classes for GET filter forms, which are laid out by hand rather than by crispy."""
    for item in form.fields.values():
        css = "form-select form-select-sm" if isinstance(item.widget, forms.Select) else "form-control form-control-sm"
        item.widget.attrs["class"] = css


def _with_any(choices) -> list[tuple[str, str]]:
    return [("", "Any"), *choices]


class PartnerFilterForm(forms.Form):
    q = forms.CharField(label="Name contains", required=False, max_length=100)
    sector = forms.ChoiceField(choices=_with_any(Sector.choices), required=False)
    type = forms.ChoiceField(label="Type", choices=_with_any(PartnerType.choices), required=False)
    status = forms.ChoiceField(choices=_with_any(PartnerStatus.choices), required=False)
    force = forms.ModelChoiceField(queryset=Force.objects.none(), required=False, empty_label="Any")
    pathway_type = forms.ModelChoiceField(
        label="Offers a pathway of type", queryset=InterventionType.objects.none(), required=False, empty_label="Any"
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = force_list_accessible(user)
        self.fields["pathway_type"].queryset = InterventionType.objects.order_by("position", "label")
        _style_filters(self)

    def filters(self) -> PartnerFilters:
        """The valid filters; an invalid one (e.g. a guessed force id) is ignored and shown as an error."""
        if not self.is_bound:
            return PartnerFilters()
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        return PartnerFilters(
            search=data.get("q", ""),
            sector=data.get("sector", ""),
            type=data.get("type", ""),
            status=data.get("status", ""),
            force=data.get("force"),
            pathway_type=data.get("pathway_type"),
        )


class CoverageFilterForm(forms.Form):
    band = forms.ChoiceField(
        label="Age band",
        choices=[("", "All ages"), *[(band.code, band.label) for band in AGE_BANDS]],
        required=False,
        help_text="Counts only pathways open to every age in the band.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style_filters(self)

    def chosen_band(self) -> AgeBand | None:
        if not self.is_valid() or not self.cleaned_data["band"]:
            return None
        return next(band for band in AGE_BANDS if band.code == self.cleaned_data["band"])


# ------------------------------------------------------------------------------
# Referrals
# ------------------------------------------------------------------------------
class PathwayChoiceField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def label_from_instance(self, obj: Pathway) -> str:
        return (
            f"{obj.name} — {obj.partner.name} ({obj.intervention_type}; ages {obj.age_range}; "
            f"{obj.get_delivery_mode_display().lower()})"
        )


class ReferralForm(forms.Form):
    pathway = PathwayChoiceField(queryset=Pathway.objects.none(), empty_label=None)
    planned_start = forms.DateField(label="Planned start", required=False, widget=DateInput())
    notes = forms.CharField(
        label="Notes for the case file",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept on the intervention; never sent to the partner.",
    )

    def __init__(self, *args, pathways: QuerySet[Pathway], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pathway"].queryset = pathways
        self.fields["pathway"].error_messages["invalid_choice"] = (
            "Choose one of the pathways listed: that one is not open to this person."
        )

    def fields_for_service(self) -> dict:
        return {"planned_start": self.cleaned_data["planned_start"], "notes": self.cleaned_data["notes"]}


class ReferralSummaryForm(forms.Form):
    reason = forms.CharField(
        label="Why you are referring them (optional)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "In plain words the partner can act on. It is printed on the summary and not stored. "
            "Leave out offence details unless the partner needs them."
        ),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if reason.count("\n") >= REASON_MAX_LINES:
            raise forms.ValidationError(
                f"Keep it to {REASON_MAX_LINES} lines or fewer, so the summary fits on one page."
            )
        return reason
