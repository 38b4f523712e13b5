"""The rules of partner records, enforced by the services and the database: bad input saves nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AccessEvent, Operation
from editing.versions import ConflictError
from partners import services
from partners.models import AgreementStatus, DataSharingAgreement, Partner, PartnerType, Pathway, Sector

from .factories import DataSharingAgreementFactory, PartnerFactory, PathwayFactory, intervention_type, partner_in

pytestmark = pytest.mark.django_db

PARTNER_FIELDS = {"name": "Oakfield Academy", "sector": Sector.EDUCATION, "type": PartnerType.SCHOOL}


def _pathway_fields(**overrides):
    today = timezone.localdate()
    return {
        "intervention_type": intervention_type(),
        "name": "Code mentors",
        "description": "Weekly mentoring.",
        "age_min": 12,
        "age_max": 17,
        "delivery_mode": "online",
        "active_from": today,
        **overrides,
    }


# ------------------------------------------------------------------------------
# Partner names: unique within each force covered
# ------------------------------------------------------------------------------
def test_it_creates_a_partner_covering_its_forces_and_logs_the_collection(officer, force_a, force_b):
    partner = services.partner_create(by=officer, fields=PARTNER_FIELDS, forces=[force_a, force_b])

    assert set(partner.forces.values_list("code", flat=True)) == {"WM", "ST"}
    assert partner.name_key == "oakfield academy"
    logged = AccessEvent.objects.filter(operation=Operation.COLLECTION, object_type="partner", object_id=partner.pk)
    assert logged.exists()


@pytest.mark.parametrize("typed", ["Oakfield Academy", "  oakfield   ACADEMY ", "Oakfield Académy."])
def test_it_refuses_a_partner_name_already_used_in_the_same_force(typed, officer, force_a, partner_a):
    with pytest.raises(ValidationError) as refused:
        services.partner_create(by=officer, fields={**PARTNER_FIELDS, "name": typed}, forces=[force_a])

    assert "“Oakfield Academy” is already a partner in West Midlands Police" in refused.value.message_dict["name"][0]
    assert Partner.objects.count() == 1


def test_it_refuses_the_name_when_only_one_of_the_forces_is_shared(officer, force_a, force_b, partner_a):
    with pytest.raises(ValidationError):
        services.partner_create(by=officer, fields=PARTNER_FIELDS, forces=[force_b, force_a])

    assert Partner.objects.count() == 1


def test_the_same_name_is_allowed_in_a_force_the_other_partner_does_not_cover(officer, force_b, partner_a):
    other = services.partner_create(by=officer, fields=PARTNER_FIELDS, forces=[force_b])

    assert other.pk != partner_a.pk


def test_renaming_a_partner_to_a_name_taken_in_its_force_is_refused(officer, force_a, partner_a):
    other = partner_in(force_a, name="Greenway College")

    with pytest.raises(ValidationError) as refused:
        services.partner_update(
            partner=other, by=officer, expected_version=1, changes={"name": "OAKFIELD academy"}, forces=[force_a]
        )

    assert "name" in refused.value.message_dict
    other.refresh_from_db()
    assert (other.name, other.version) == ("Greenway College", 1)


def test_a_partner_must_cover_at_least_one_force(officer):
    with pytest.raises(ValidationError) as refused:
        services.partner_create(by=officer, fields=PARTNER_FIELDS, forces=[])

    assert "forces" in refused.value.message_dict
    assert not Partner.objects.exists()


def test_a_stale_edit_of_a_partner_is_refused_as_a_conflict(officer, force_a, partner_a):
    services.partner_update(
        partner=partner_a, by=officer, expected_version=1, changes={"notes": "First"}, forces=[force_a]
    )

    with pytest.raises(ConflictError):
        services.partner_update(
            partner=partner_a, by=officer, expected_version=1, changes={"notes": "Second"}, forces=[force_a]
        )

    partner_a.refresh_from_db()
    assert (partner_a.notes, partner_a.version) == ("First", 2)


def test_an_edit_logs_the_changed_field_names_only(officer, force_a, force_b, partner_a):
    services.partner_update(
        partner=partner_a,
        by=officer,
        expected_version=1,
        changes={"notes": "Secret-ish", "name": "Oakfield Academy"},
        forces=[force_a, force_b],
    )

    event = AccessEvent.objects.get(operation=Operation.ALTERATION, object_type="partner")
    assert event.changed_fields == ["forces", "notes"]


def test_a_force_a_pathway_still_serves_cannot_be_dropped_from_the_partner(officer, force_a, force_b):
    partner = PartnerFactory(forces=[force_a, force_b])
    PathwayFactory(partner=partner, name="Code mentors", forces=[force_b])

    with pytest.raises(ValidationError) as refused:
        services.partner_update(partner=partner, by=officer, expected_version=1, changes={}, forces=[force_a])

    assert "“Code mentors” still serves Staffordshire Police" in refused.value.message_dict["forces"][0]
    assert set(partner.forces.values_list("code", flat=True)) == {"WM", "ST"}


# ------------------------------------------------------------------------------
# Pathways
# ------------------------------------------------------------------------------
def test_an_upside_down_age_range_is_refused_at_the_oldest_age(officer, partner_a, force_a):
    with pytest.raises(ValidationError) as refused:
        services.pathway_add(
            partner=partner_a, by=officer, fields=_pathway_fields(age_min=16, age_max=12), forces=[force_a]
        )

    assert refused.value.message_dict["age_max"] == [
        "The oldest age (12) is below the youngest (16): the range is upside down."
    ]
    assert not Pathway.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("age_min", 4), ("age_max", 101)])
def test_ages_outside_5_to_100_are_refused(field, value, officer, partner_a, force_a):
    with pytest.raises(ValidationError) as refused:
        services.pathway_add(partner=partner_a, by=officer, fields=_pathway_fields(**{field: value}), forces=[force_a])

    assert field in refused.value.message_dict
    assert not Pathway.objects.exists()


def test_the_database_itself_refuses_an_upside_down_age_range(partner_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pathway.objects.create(partner=partner_a, **_pathway_fields(age_min=16, age_max=12))


def test_a_pathway_cannot_end_before_it_starts(officer, partner_a, force_a):
    today = timezone.localdate()
    fields = _pathway_fields(active_from=today, active_to=today - timedelta(days=1))

    with pytest.raises(ValidationError) as refused:
        services.pathway_add(partner=partner_a, by=officer, fields=fields, forces=[force_a])

    assert "active_to" in refused.value.message_dict
    assert not Pathway.objects.exists()


def test_a_pathway_serves_only_forces_its_partner_covers(officer, partner_a, force_b):
    with pytest.raises(ValidationError) as refused:
        services.pathway_add(partner=partner_a, by=officer, fields=_pathway_fields(), forces=[force_b])

    assert refused.value.message_dict["forces"] == [
        "Oakfield Academy does not cover Staffordshire Police: a pathway serves only the partner's forces."
    ]
    assert not Pathway.objects.exists()


def test_a_pathway_keeps_its_forces_when_edited(officer, partner_a, force_a):
    pathway = services.pathway_add(partner=partner_a, by=officer, fields=_pathway_fields(), forces=[force_a])

    updated = services.pathway_update(
        pathway=pathway, by=officer, expected_version=1, changes={"age_max": 18}, forces=[force_a]
    )

    assert (updated.age_max, updated.version) == (18, 2)
    assert list(updated.forces.all()) == [force_a]


# ------------------------------------------------------------------------------
# Data sharing agreements
# ------------------------------------------------------------------------------
def test_an_agreement_that_expires_before_it_is_signed_is_refused(officer, partner_a):
    today = timezone.localdate()
    fields = {"status": AgreementStatus.SIGNED, "signed_on": today, "expires_on": today - timedelta(days=1)}

    with pytest.raises(ValidationError) as refused:
        services.agreement_add(partner=partner_a, by=officer, fields=fields)

    assert refused.value.message_dict["expires_on"] == ["An agreement must expire after the day it is signed."]
    assert not DataSharingAgreement.objects.exists()


def test_a_signed_agreement_needs_its_dates(officer, partner_a):
    with pytest.raises(ValidationError) as refused:
        services.agreement_add(partner=partner_a, by=officer, fields={"status": AgreementStatus.SIGNED})

    assert set(refused.value.message_dict) == {"signed_on", "expires_on"}


def test_a_draft_agreement_needs_no_dates(officer, partner_a):
    agreement = services.agreement_add(partner=partner_a, by=officer, fields={"document_reference": "DSA-1"})

    assert agreement.status == AgreementStatus.DRAFT


def test_the_database_itself_refuses_an_agreement_expiring_on_the_day_it_is_signed(partner_a):
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        DataSharingAgreementFactory(partner=partner_a, signed_on=today, expires_on=today)


# ------------------------------------------------------------------------------
# Interactions
# ------------------------------------------------------------------------------
def test_an_interaction_in_the_future_is_refused(officer, partner_a):
    fields = {
        "date": timezone.localdate() + timedelta(days=1),
        "kind": "meeting",
        "summary": "Planned",
        "officer": officer,
    }

    with pytest.raises(ValidationError) as refused:
        services.interaction_add(partner=partner_a, by=officer, fields=fields)

    assert "date" in refused.value.message_dict
    assert not partner_a.interactions.exists()
