"""Adding and editing partners and their records through the pages: clear messages at the field, nothing half-saved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, Operation
from partners.models import DataSharingAgreement, Partner, PartnerContact, PartnerInteraction, Pathway

from .factories import (
    DataSharingAgreementFactory,
    PartnerContactFactory,
    PartnerFactory,
    PartnerInteractionFactory,
    PathwayFactory,
    intervention_type,
)

pytestmark = pytest.mark.django_db


def _partner_data(force, **overrides) -> dict:
    return {
        "name": "Greenway College",
        "sector": "education",
        "type": "fe_college",
        "forces": [force.pk],
        "status": "active",
        "relationship_owner": "",
        "notes": "",
        **overrides,
    }


def _pathway_data(force, **overrides) -> dict:
    return {
        "name": "Ethical hacking taster",
        "intervention_type": intervention_type("ethical_hacking_course").pk,
        "description": "Six evenings in a safe lab.",
        "age_min": 16,
        "age_max": 19,
        "capacity": 15,
        "delivery_mode": "in_person",
        "forces": [force.pk],
        "active_from": timezone.localdate().isoformat(),
        "active_to": "",
        **overrides,
    }


# ------------------------------------------------------------------------------
# Partners
# ------------------------------------------------------------------------------
def test_admin_support_adds_a_partner_and_lands_on_its_page(personas, client_for, force_a, force_b):
    data = _partner_data(force_a, forces=[force_a.pk, force_b.pk])

    response = client_for(personas["admin_support"]).post(reverse("partners:partner_new"), data)

    partner = Partner.objects.get()
    assert response["Location"] == reverse("partners:partner_detail", args=[partner.pk])
    assert set(partner.forces.values_list("code", flat=True)) == {"WM", "ST"}


def test_the_new_partner_form_starts_with_the_officers_force_and_them_as_owner(personas, client_for, force_a):
    form = client_for(personas["officer_a"]).get(reverse("partners:partner_new")).context["form"]

    assert form.initial["forces"] == [force_a.pk]
    assert form.initial["relationship_owner"] == personas["officer_a"].pk
    assert list(form.fields["forces"].queryset) == [force_a]


def test_a_duplicate_name_in_the_same_force_is_refused_at_the_name_and_nothing_saved(
    personas, client_for, force_a, partner_a
):
    response = client_for(personas["officer_a"]).post(
        reverse("partners:partner_new"), _partner_data(force_a, name="oakfield  ACADEMY", notes="Kept")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "“Oakfield Academy” is already a partner in West Midlands Police. Open that record instead of adding it again."
    ]
    assert 'value="oakfield  ACADEMY"' in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert Partner.objects.count() == 1


def test_an_officer_cannot_make_a_partner_cover_a_force_they_cannot_see(personas, client_for, force_b):
    response = client_for(personas["officer_a"]).post(reverse("partners:partner_new"), _partner_data(force_b))

    assert "forces" in response.context["form"].errors
    assert not Partner.objects.exists()


def test_editing_keeps_the_forces_outside_the_editors_access(personas, client_for, force_a, force_b):
    partner = PartnerFactory(name="Westbridge University", forces=[force_a, force_b])
    url = reverse("partners:partner_edit", args=[partner.pk])
    client = client_for(personas["officer_a"])

    form = client.get(url).context["form"]
    assert "Staffordshire Police, outside your forces: kept as it is." in form.fields["forces"].help_text

    data = _partner_data(force_a, name="Westbridge University", notes="Computing school", version=1)
    client.post(url, data)

    partner.refresh_from_db()
    assert partner.notes == "Computing school"
    assert set(partner.forces.values_list("code", flat=True)) == {"WM", "ST"}


def test_a_stale_partner_edit_shows_both_versions_and_keeps_the_input(personas, client_for, force_a, partner_a):
    url = reverse("partners:partner_edit", args=[partner_a.pk])
    Partner.objects.filter(pk=partner_a.pk).update(version=2, notes="Theirs")

    response = client_for(personas["officer_a"]).post(
        url, _partner_data(force_a, name="Oakfield Academy", notes="Mine", version=1)
    )

    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert 'name="version" value="2"' in response.content.decode()
    assert "Mine" in response.content.decode()
    partner_a.refresh_from_db()
    assert partner_a.notes == "Theirs"


# ------------------------------------------------------------------------------
# Contacts
# ------------------------------------------------------------------------------
def test_a_contact_is_added_and_the_collection_logged(personas, client_for, partner_a):
    data = {"name": " Amira   Hartwell ", "role": "DSL", "email": "amira@example.org", "phone": "0121 496 0000"}

    client_for(personas["admin_support"]).post(reverse("partners:contact_add", args=[partner_a.pk]), data)

    contact = PartnerContact.objects.get()
    assert contact.name == "Amira Hartwell"
    assert AccessEvent.objects.filter(operation=Operation.COLLECTION, object_type="partner_contact").exists()


@pytest.mark.parametrize(("field", "value"), [("email", "not-an-email"), ("phone", "call me maybe"), ("name", "")])
def test_a_bad_contact_detail_is_refused_at_its_field(field, value, personas, client_for, partner_a):
    data = {"name": "Amira Hartwell", "role": "", "email": "", "phone": "", field: value}

    response = client_for(personas["officer_a"]).post(reverse("partners:contact_add", args=[partner_a.pk]), data)

    assert field in response.context["form"].errors
    assert not PartnerContact.objects.exists()


def test_opening_a_contact_to_edit_is_logged_as_a_consultation(personas, client_for, partner_a):
    contact = PartnerContactFactory(partner=partner_a)

    client_for(personas["officer_a"]).get(reverse("partners:contact_edit", args=[contact.pk]))

    event = AccessEvent.objects.get(operation=Operation.CONSULTATION)
    assert (event.object_type, event.object_id, event.force) == ("partner_contact", str(contact.pk), "WM")


def test_a_contact_edit_logs_the_changed_field_names(personas, client_for, partner_a):
    contact = PartnerContactFactory(partner=partner_a, name="Amira Hartwell", phone="0121 496 0000")
    data = {"name": "Amira Hartwell", "role": contact.role, "email": contact.email, "phone": "0121 496 0999"}

    client_for(personas["officer_a"]).post(reverse("partners:contact_edit", args=[contact.pk]), {**data, "version": 1})

    event = AccessEvent.objects.get(operation=Operation.ALTERATION)
    assert event.changed_fields == ["phone"]


# ------------------------------------------------------------------------------
# Interactions
# ------------------------------------------------------------------------------
def test_an_interaction_is_recorded_on_the_timeline(personas, client_for, partner_a):
    officer = personas["officer_a"]
    data = {
        "date": timezone.localdate().isoformat(),
        "kind": "call",
        "summary": "Agreed places.",
        "officer": officer.pk,
    }

    client_for(officer).post(reverse("partners:interaction_add", args=[partner_a.pk]), data)

    assert PartnerInteraction.objects.get().summary == "Agreed places."


def test_an_interaction_edit_saves_a_new_version(personas, client_for, partner_a):
    officer = personas["officer_a"]
    interaction = PartnerInteractionFactory(partner=partner_a, officer=officer)
    data = {"date": interaction.date.isoformat(), "kind": "email", "summary": "Fixed.", "officer": officer.pk}

    client_for(officer).post(reverse("partners:interaction_edit", args=[interaction.pk]), {**data, "version": 1})

    interaction.refresh_from_db()
    assert (interaction.kind, interaction.summary, interaction.version) == ("email", "Fixed.", 2)


# ------------------------------------------------------------------------------
# Pathways
# ------------------------------------------------------------------------------
def test_a_pathway_is_added_serving_the_partners_forces(personas, client_for, partner_a, force_a):
    client_for(personas["officer_a"]).post(reverse("partners:pathway_add", args=[partner_a.pk]), _pathway_data(force_a))

    pathway = Pathway.objects.get()
    assert (pathway.partner, pathway.age_min, pathway.age_max) == (partner_a, 16, 19)
    assert list(pathway.forces.all()) == [force_a]


def test_an_upside_down_age_range_is_refused_at_the_field_and_nothing_saved(personas, client_for, partner_a, force_a):
    response = client_for(personas["officer_a"]).post(
        reverse("partners:pathway_add", args=[partner_a.pk]), _pathway_data(force_a, age_min=18, age_max=14)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["age_max"] == [
        "The oldest age (14) is below the youngest (18): the range is upside down."
    ]
    assert 'value="Ethical hacking taster"' in response.content.decode()
    assert not Pathway.objects.exists()


def test_an_age_below_5_is_refused_with_a_plain_message(personas, client_for, partner_a, force_a):
    response = client_for(personas["officer_a"]).post(
        reverse("partners:pathway_add", args=[partner_a.pk]), _pathway_data(force_a, age_min=3)
    )

    assert response.context["form"].errors["age_min"] == ["The youngest age must be 5 or more."]


def test_a_pathway_form_offers_only_the_partners_forces(personas, client_for, partner_a):
    form = client_for(personas["inspector"]).get(reverse("partners:pathway_add", args=[partner_a.pk])).context["form"]

    assert [force.code for force in form.fields["forces"].queryset] == ["WM"]


def test_a_pathway_edit_with_dates_in_the_wrong_order_is_refused(personas, client_for, partner_a, force_a):
    pathway = PathwayFactory(partner=partner_a)
    today = timezone.localdate()
    data = _pathway_data(
        force_a, active_from=today.isoformat(), active_to=(today - timedelta(days=1)).isoformat(), version=1
    )

    response = client_for(personas["officer_a"]).post(reverse("partners:pathway_edit", args=[pathway.pk]), data)

    assert response.context["form"].errors["active_to"] == ["The pathway cannot end before it starts."]
    pathway.refresh_from_db()
    assert pathway.version == 1


# ------------------------------------------------------------------------------
# Agreements
# ------------------------------------------------------------------------------
def test_an_agreement_that_expires_before_it_is_signed_is_refused_at_the_expiry(personas, client_for, partner_a):
    today = timezone.localdate()
    data = {
        "status": "signed",
        "signed_on": today.isoformat(),
        "expires_on": (today - timedelta(days=10)).isoformat(),
        "document_reference": "DSA-OAK-1",
    }

    response = client_for(personas["admin_support"]).post(reverse("partners:agreement_add", args=[partner_a.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["expires_on"] == ["An agreement must expire after the day it is signed."]
    assert 'value="DSA-OAK-1"' in response.content.decode()
    assert not DataSharingAgreement.objects.exists()


def test_an_agreement_is_renewed_by_editing_it(personas, client_for, partner_a):
    agreement = DataSharingAgreementFactory(partner=partner_a)
    later = timezone.localdate() + timedelta(days=700)
    data = {
        "status": "signed",
        "signed_on": agreement.signed_on.isoformat(),
        "expires_on": later.isoformat(),
        "document_reference": agreement.document_reference,
        "version": 1,
    }

    client_for(personas["admin_support"]).post(reverse("partners:agreement_edit", args=[agreement.pk]), data)

    agreement.refresh_from_db()
    assert (agreement.expires_on, agreement.version) == (later, 2)
