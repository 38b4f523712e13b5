"""The partner directory: visible partners only, filters, search, expiring agreements, and a fixed query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import AgreementStatus, PartnerStatus, PartnerType, Sector
from partners.selectors import agreements_expiring

from .factories import DataSharingAgreementFactory, PartnerFactory, PathwayFactory, intervention_type, partner_in

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("partners:directory")


def _names(response) -> list[str]:
    return [partner.name for partner in response.context["page"].object_list]


def test_an_officer_sees_the_partners_covering_their_forces_only(personas, client_for, force_a, force_b):
    partner_in(force_a, name="Oakfield Academy")
    partner_in(force_b, name="Trentside College")
    PartnerFactory(name="Westbridge University", forces=[force_a, force_b])

    response = client_for(personas["officer_a"]).get(DIRECTORY)

    assert _names(response) == ["Oakfield Academy", "Westbridge University"]


def test_a_partner_covering_two_of_the_viewers_forces_is_listed_once(personas, client_for, force_a, force_b):
    PartnerFactory(name="Westbridge University", forces=[force_a, force_b])

    response = client_for(personas["inspector"]).get(DIRECTORY)

    assert _names(response) == ["Westbridge University"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": Sector.PRIVATE}, ["Sentinel Grid Security Ltd"]),
        ({"type": PartnerType.FE_COLLEGE}, ["Greenway College"]),
        ({"status": PartnerStatus.DORMANT}, ["Lyndon Trust"]),
        ({"q": "  grid  "}, ["Sentinel Grid Security Ltd"]),
        ({"q": "COLLEGE"}, ["Greenway College"]),
    ],
)
def test_the_directory_filters_and_searches(params, expected, personas, client_for, force_a):
    partner_in(force_a, name="Greenway College", type=PartnerType.FE_COLLEGE)
    partner_in(force_a, name="Sentinel Grid Security Ltd", sector=Sector.PRIVATE, type=PartnerType.CYBER_SECURITY_FIRM)
    partner_in(force_a, name="Lyndon Trust", status=PartnerStatus.DORMANT)

    response = client_for(personas["officer_a"]).get(DIRECTORY, params)

    assert _names(response) == expected


def test_the_directory_filters_by_force_covered(personas, client_for, force_a, force_b):
    partner_in(force_a, name="Oakfield Academy")
    partner_in(force_b, name="Trentside College")

    response = client_for(personas["inspector"]).get(DIRECTORY, {"force": force_b.pk})

    assert _names(response) == ["Trentside College"]


def test_a_guessed_force_outside_the_viewers_is_refused_not_applied(personas, client_for, force_a, force_b):
    partner_in(force_a, name="Oakfield Academy")

    response = client_for(personas["officer_a"]).get(DIRECTORY, {"force": force_b.pk})

    assert "force" in response.context["form"].errors
    assert _names(response) == ["Oakfield Academy"]


def test_the_directory_filters_by_the_type_of_pathway_offered(personas, client_for, force_a):
    PathwayFactory(partner=partner_in(force_a, name="Code Forward Trust"), intervention_type=intervention_type())
    PathwayFactory(
        partner=partner_in(force_a, name="Pixel Forge Studios"), intervention_type=intervention_type("coding_club")
    )

    response = client_for(personas["officer_a"]).get(DIRECTORY, {"pathway_type": intervention_type().pk})

    assert _names(response) == ["Code Forward Trust"]


def test_the_directory_shows_each_partners_pathway_count(personas, client_for, force_a):
    partner = partner_in(force_a)
    PathwayFactory.create_batch(3, partner=partner)

    response = client_for(personas["officer_a"]).get(DIRECTORY)

    assert response.context["page"].object_list[0].pathway_count == 3


def test_the_directory_is_paginated(personas, client_for, force_a):
    for index in range(30):
        partner_in(force_a, name=f"School {index:02d}")

    response = client_for(personas["officer_a"]).get(DIRECTORY, {"page": 2})

    assert _names(response) == [f"School {index:02d}" for index in range(25, 30)]


def test_the_directory_lists_agreements_expiring_within_60_days(personas, client_for, force_a, force_b):
    today = timezone.localdate()
    soon = DataSharingAgreementFactory(partner=partner_in(force_a, name="Oakfield Academy"), document_reference="DSA-7")
    soon.expires_on = today + timedelta(days=59)
    soon.save()
    DataSharingAgreementFactory(partner=partner_in(force_a), expires_on=today + timedelta(days=61))
    DataSharingAgreementFactory(partner=partner_in(force_b), expires_on=today + timedelta(days=5))

    response = client_for(personas["officer_a"]).get(DIRECTORY)

    assert list(response.context["expiring"]) == [soon]
    assert "DSA-7" in response.content.decode()


# ------------------------------------------------------------------------------
# agreements_expiring: what the reminders rule will use
# ------------------------------------------------------------------------------
def test_agreements_expiring_finds_signed_agreements_expiring_between_today_and_the_limit(force_a, force_b):
    today = timezone.localdate()
    due = [
        DataSharingAgreementFactory(partner=partner_in(force_a), expires_on=today),
        DataSharingAgreementFactory(partner=partner_in(force_b), expires_on=today + timedelta(days=30)),
    ]
    DataSharingAgreementFactory(partner=partner_in(force_a), expires_on=today + timedelta(days=31))
    DataSharingAgreementFactory(partner=partner_in(force_a), expires_on=today - timedelta(days=1))
    DataSharingAgreementFactory(
        partner=partner_in(force_a), expires_on=today + timedelta(days=3), status=AgreementStatus.TERMINATED
    )

    assert list(agreements_expiring(30)) == due


def test_agreements_expiring_for_a_user_is_scoped_to_their_partners(personas, force_a, force_b):
    today = timezone.localdate()
    mine = DataSharingAgreementFactory(partner=partner_in(force_a), expires_on=today + timedelta(days=3))
    DataSharingAgreementFactory(partner=partner_in(force_b), expires_on=today + timedelta(days=3))

    assert list(agreements_expiring(10, user=personas["officer_a"])) == [mine]


# ------------------------------------------------------------------------------
# Query count
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("how_many", [5, 50])
def test_the_directory_costs_the_same_queries_for_5_or_50_partners(
    how_many, personas, client_for, force_a, force_b, django_assert_num_queries
):
    today = timezone.localdate()
    owner = personas["officer_a"]
    for _ in range(how_many):
        partner = PartnerFactory(forces=[force_a, force_b], relationship_owner=owner)
        PathwayFactory(partner=partner)
        DataSharingAgreementFactory(partner=partner, expires_on=today + timedelta(days=10))
    client = client_for(owner)
    client.get(DIRECTORY)

    # 1 session, 2 user, 3 MFA device, 4 the user's force ids, 5 count, 6 the page of partners (with owner and
    # pathway count), 7 their forces, 8 expiring agreements (with partner and owner), 9 the force filter's choices,
    # 10 the pathway-type filter's choices.
    with django_assert_num_queries(10):
        response = client.get(DIRECTORY)

    assert len(response.context["page"].object_list) == min(how_many, 25)
