"""Who may use each partner page: the allowed role, a forbidden role (403), another force (404), anonymous (sign in).

Another force's partner-only records are absent, so every partner URL answers
404 for them, guessed ids included.
"""

import pytest
from django.urls import reverse

from interventions.tests.factories import active_case_of

from .factories import (
    DataSharingAgreementFactory,
    PartnerContactFactory,
    PartnerInteractionFactory,
    PathwayFactory,
    partner_in,
    referral_of,
)

pytestmark = pytest.mark.django_db


def _records_in(force, officer) -> dict:
    """One of everything in ``force``, keyed by URL name, as the URL's pk."""
    partner = partner_in(force)
    pathway = PathwayFactory(partner=partner)
    return {
        "partners:partner_detail": partner.pk,
        "partners:partner_edit": partner.pk,
        "partners:contact_add": partner.pk,
        "partners:contact_edit": PartnerContactFactory(partner=partner).pk,
        "partners:interaction_add": partner.pk,
        "partners:interaction_edit": PartnerInteractionFactory(partner=partner).pk,
        "partners:pathway_add": partner.pk,
        "partners:pathway_edit": pathway.pk,
        "partners:agreement_add": partner.pk,
        "partners:agreement_edit": DataSharingAgreementFactory(partner=partner).pk,
        "partners:pathway_refer": active_case_of(officer).pk,
        "partners:referral_summary": referral_of(officer, pathway=pathway).pk,
    }


SCOPED = [
    "partners:partner_detail",
    "partners:partner_edit",
    "partners:contact_add",
    "partners:contact_edit",
    "partners:interaction_add",
    "partners:interaction_edit",
    "partners:pathway_add",
    "partners:pathway_edit",
    "partners:agreement_add",
    "partners:agreement_edit",
    "partners:pathway_refer",
    "partners:referral_summary",
]
UNSCOPED = ["partners:directory", "partners:partner_new", "partners:coverage"]
CASEWORK_ONLY = {
    "partners:interaction_add",
    "partners:interaction_edit",
    "partners:pathway_add",
    "partners:pathway_edit",
    "partners:pathway_refer",
    "partners:referral_summary",
}


def _url(name, records=None) -> str:
    return reverse(name, args=[records[name]]) if records is not None else reverse(name)


@pytest.mark.parametrize("name", SCOPED)
def test_an_officer_uses_each_page_of_their_forces_records(name, personas, client_for, force_a):
    records = _records_in(force_a, personas["officer_a"])

    assert client_for(personas["officer_a"]).get(_url(name, records)).status_code == 200


@pytest.mark.parametrize("name", SCOPED)
def test_another_forces_records_are_not_found_on_every_partner_url(name, personas, client_for, force_b):
    records = _records_in(force_b, personas["officer_b"])
    client = client_for(personas["officer_a"])

    assert client.get(_url(name, records)).status_code == 404
    if name != "partners:partner_detail":  # the only page that takes no POST (405 before any lookup)
        assert client.post(_url(name, records), {}).status_code == 404


@pytest.mark.parametrize("name", SCOPED)
def test_a_guessed_id_is_not_found(name, personas, client_for):
    assert client_for(personas["officer_a"]).get(reverse(name, args=[999_999])).status_code == 404


@pytest.mark.parametrize("name", SCOPED)
def test_a_sergeant_of_force_a_cannot_reach_force_b_records(name, personas, client_for, force_b):
    records = _records_in(force_b, personas["officer_b"])

    assert client_for(personas["sergeant"]).get(_url(name, records)).status_code == 404


@pytest.mark.parametrize("name", SCOPED)
def test_admin_support_keeps_the_directory_but_makes_no_referrals(name, personas, client_for, force_a):
    records = _records_in(force_a, personas["officer_a"])

    status = client_for(personas["admin_support"]).get(_url(name, records)).status_code

    assert status == (403 if name in CASEWORK_ONLY else 200)


@pytest.mark.parametrize("persona", ["analyst", "sysadmin"])
@pytest.mark.parametrize("name", [*SCOPED, "partners:directory", "partners:partner_new"])
def test_analysts_and_system_admins_are_refused_every_partner_record(persona, name, personas, client_for, force_a):
    # The role is refused before any lookup, so a guessed id stands for a real record here.
    url = reverse(name, args=[1]) if name in SCOPED else reverse(name)

    assert client_for(personas[persona]).get(url).status_code == 403


@pytest.mark.parametrize(("persona", "status"), [("analyst", 200), ("admin_support", 200), ("sysadmin", 403)])
def test_the_coverage_is_for_analysts_and_admin_support_too_but_not_system_admins(
    persona, status, personas, client_for
):
    assert client_for(personas[persona]).get(reverse("partners:coverage")).status_code == status


@pytest.mark.parametrize("name", [*SCOPED, *UNSCOPED])
def test_an_anonymous_visitor_is_sent_to_sign_in(name, personas, client_for, force_a):
    records = _records_in(force_a, personas["officer_a"]) if name in SCOPED else None

    response = client_for(None).get(_url(name, records))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", UNSCOPED)
def test_caseworkers_use_the_directory_pages(name, personas, client_for):
    for persona in ["officer_a", "sergeant", "inspector"]:
        assert client_for(personas[persona]).get(reverse(name)).status_code == 200
