"""One partner's page: its records, expiring agreements, and what became of the people referred to its pathways."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AccessEvent, Operation
from interventions.models import InterventionStatus
from subjects.tests.factories import CaseFactory, SubjectFactory

from .factories import (
    DataSharingAgreementFactory,
    PartnerContactFactory,
    PartnerFactory,
    PartnerInteractionFactory,
    PathwayFactory,
    referral_of,
)

pytestmark = pytest.mark.django_db


def _url(partner) -> str:
    return reverse("partners:partner_detail", args=[partner.pk])


def test_the_page_shows_contacts_pathways_agreements_and_interactions(personas, client_for, partner_a):
    PartnerContactFactory(partner=partner_a, name="Amira Hartwell", email="amira@example.org")
    PathwayFactory(partner=partner_a, name="Oakfield coding club", age_min=11, age_max=16)
    DataSharingAgreementFactory(partner=partner_a, document_reference="DSA-OAK-1")
    PartnerInteractionFactory(partner=partner_a, summary="Met the head of computing.")

    body = client_for(personas["officer_a"]).get(_url(partner_a)).content.decode()

    for text in [
        "Amira Hartwell",
        "amira@example.org",
        "Oakfield coding club",
        "DSA-OAK-1",
        "head of computing",
    ]:
        assert text in body
    assert "11\N{EN DASH}16" in body


def test_an_agreement_expiring_within_60_days_has_an_expires_soon_badge(personas, client_for, partner_a):
    today = timezone.localdate()
    DataSharingAgreementFactory(partner=partner_a, expires_on=today + timedelta(days=60))

    response = client_for(personas["officer_a"]).get(_url(partner_a))

    assert response.context["agreements"][0][1] is True
    assert "Expires soon" in response.content.decode()


def test_an_agreement_expiring_later_has_no_badge(personas, client_for, partner_a):
    DataSharingAgreementFactory(partner=partner_a, expires_on=timezone.localdate() + timedelta(days=61))

    response = client_for(personas["officer_a"]).get(_url(partner_a))

    assert "Expires soon" not in response.content.decode()


def test_viewing_the_contacts_is_logged_as_a_consultation(personas, client_for, partner_a):
    PartnerContactFactory(partner=partner_a)

    client_for(personas["officer_a"]).get(_url(partner_a))

    event = AccessEvent.objects.get(operation=Operation.CONSULTATION, object_type="partner_contacts")
    assert (event.object_id, event.force, event.actor) == (str(partner_a.pk), "WM", personas["officer_a"])


def test_a_partner_with_no_contacts_is_not_logged(personas, client_for, partner_a):
    client_for(personas["officer_a"]).get(_url(partner_a))

    assert not AccessEvent.objects.filter(operation=Operation.CONSULTATION).exists()


def test_another_forces_partner_is_not_found(personas, client_for, partner_b):
    assert client_for(personas["officer_a"]).get(_url(partner_b)).status_code == 404


# ------------------------------------------------------------------------------
# Referrals and their outcomes
# ------------------------------------------------------------------------------
def test_referral_counts_by_status_are_shown_with_the_cases_the_viewer_can_open(personas, client_for, partner_a):
    officer = personas["officer_a"]
    pathway = PathwayFactory(partner=partner_a)
    done = referral_of(officer, pathway=pathway, status=InterventionStatus.COMPLETED)
    referral_of(officer, pathway=pathway, status=InterventionStatus.COMPLETED)
    referral_of(officer, pathway=pathway, status=InterventionStatus.DECLINED)

    response = client_for(officer).get(_url(partner_a))

    item = response.context["page"].pathways[0]
    assert item.total == 3
    assert item.count_rows() == [("Completed", 2), ("Declined by the subject", 1)]
    body = response.content.decode()
    assert "3 in all: 2 completed, 1 declined by the subject" in body
    assert done.case.reference in body
    assert escape(done.case.subject.last_name) in body  # Faker names may hold an apostrophe


def test_admin_support_sees_the_counts_but_no_case_or_name(personas, client_for, partner_a):
    pathway = PathwayFactory(partner=partner_a)
    referral = referral_of(personas["officer_a"], pathway=pathway, status=InterventionStatus.COMPLETED)

    response = client_for(personas["admin_support"]).get(_url(partner_a))

    item = response.context["page"].pathways[0]
    assert (item.total, item.visible) == (1, [])
    body = response.content.decode()
    assert referral.case.reference not in body
    assert escape(referral.case.subject.last_name) not in body


def test_a_restricted_subject_referred_is_counted_but_not_named(personas, client_for, partner_a):
    pathway = PathwayFactory(partner=partner_a)
    other_officer = personas["sergeant"]
    restricted = SubjectFactory(created_by=other_officer, restricted=True)
    referral = referral_of(other_officer, pathway=pathway, case=CaseFactory(subject=restricted, status="active"))

    response = client_for(personas["officer_a"]).get(_url(partner_a))

    item = response.context["page"].pathways[0]
    assert (item.total, item.visible) == (1, [])
    assert escape(referral.case.subject.last_name) not in response.content.decode()


def test_referrals_from_cases_in_forces_the_viewer_cannot_see_are_not_counted(personas, client_for, force_a, force_b):
    partner = PartnerFactory(forces=[force_a, force_b])
    pathway = PathwayFactory(partner=partner)
    referral_of(personas["officer_a"], pathway=pathway)
    referral_of(personas["officer_b"], pathway=pathway)

    officer_view = client_for(personas["officer_a"]).get(_url(partner)).context["page"].pathways[0]
    inspector_view = client_for(personas["inspector"]).get(_url(partner)).context["page"].pathways[0]

    assert (officer_view.total, len(officer_view.visible)) == (1, 1)
    assert (inspector_view.total, len(inspector_view.visible)) == (2, 2)


# ------------------------------------------------------------------------------
# Query count
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("how_many", [5, 50])
def test_the_page_costs_the_same_queries_for_5_or_50_rows(
    how_many, personas, client_for, force_a, django_assert_num_queries
):
    officer = personas["officer_a"]
    partner = PartnerFactory(forces=[force_a], relationship_owner=officer)
    pathways = PathwayFactory.create_batch(2, partner=partner)
    for index in range(how_many):
        PartnerContactFactory(partner=partner)
        PartnerInteractionFactory(partner=partner, officer=officer)
        DataSharingAgreementFactory(partner=partner)
        referral_of(officer, pathway=pathways[index % 2], status=InterventionStatus.COMPLETED)
    client = client_for(officer)
    client.get(_url(partner))

    # 1 session, 2 user, 3 MFA device, 4 the user's force ids, 5 the partner (with owner), 6 its forces,
    # 7 pathways (with type), 8 their forces, 9 referral counts by pathway and status, 10 referrals the viewer
    # may open (with case, subject and force), 11 contacts, 12 interactions (with officer), 13 agreements,
    # 14 the consultation of the contacts, 15 the consultation of the people referred (one insert for the
    # whole list: issue 20).
    with django_assert_num_queries(15):
        response = client.get(_url(partner))

    assert sum(item.total for item in response.context["page"].pathways) == how_many
