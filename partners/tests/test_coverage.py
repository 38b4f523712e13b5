"""The coverage table: for each force and intervention type, the active pathways, so gaps show."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interventions.models import InterventionType
from partners.models import PartnerStatus
from partners.selectors import AGE_BANDS, coverage

from .factories import PartnerFactory, PathwayFactory, intervention_type, partner_in

pytestmark = pytest.mark.django_db

COVERAGE = reverse("partners:coverage")
UNDER_14 = next(band for band in AGE_BANDS if band.code == "under_14")


def _cell(table, force, code):
    return [p.name for p in table.cells.get((force.pk, intervention_type(code).pk), [])]


def test_a_force_with_no_mentoring_offer_for_under_14s_shows_a_gap_there(personas, force_a, force_b):
    PathwayFactory(partner=partner_in(force_a), name="Young mentors", age_min=10, age_max=15)
    PathwayFactory(partner=partner_in(force_b), name="Older mentors", age_min=14, age_max=18)
    table = coverage(personas["inspector"], band=UNDER_14)

    assert _cell(table, force_a, "mentoring") == ["Young mentors"]
    assert _cell(table, force_b, "mentoring") == []
    assert _cell(coverage(personas["inspector"]), force_b, "mentoring") == ["Older mentors"]


def test_a_pathway_counts_for_an_age_band_only_when_it_takes_every_age_in_it(personas, force_a):
    PathwayFactory(partner=partner_in(force_a), name="From 11", age_min=11, age_max=18)
    PathwayFactory(partner=partner_in(force_a), name="From 10", age_min=10, age_max=13)

    assert _cell(coverage(personas["officer_a"], band=UNDER_14), force_a, "mentoring") == ["From 10"]


def test_a_pathway_counts_in_each_force_it_serves_and_only_there(personas, force_a, force_b):
    partner = PartnerFactory(forces=[force_a, force_b])
    PathwayFactory(partner=partner, name="Both", forces=[force_a, force_b])
    PathwayFactory(partner=partner, name="B only", forces=[force_b])
    table = coverage(personas["inspector"])

    assert _cell(table, force_a, "mentoring") == ["Both"]
    assert _cell(table, force_b, "mentoring") == ["B only", "Both"]


def test_pathways_not_running_today_or_of_inactive_partners_do_not_count(personas, force_a):
    today = timezone.localdate()
    PathwayFactory(partner=partner_in(force_a), name="Ended", active_to=today - timedelta(days=1))
    PathwayFactory(partner=partner_in(force_a), name="Not yet", active_from=today + timedelta(days=1))
    PathwayFactory(partner=partner_in(force_a, status=PartnerStatus.DORMANT), name="Dormant partner")
    PathwayFactory(partner=partner_in(force_a), name="Ends today", active_to=today)

    assert _cell(coverage(personas["officer_a"]), force_a, "mentoring") == ["Ends today"]


def test_the_table_has_a_row_per_accessible_force_and_a_column_per_active_type(personas, force_a):
    InterventionType.objects.filter(code="warning_visit").update(active=False)
    table = coverage(personas["officer_a"])

    assert [force.code for force in table.forces] == ["WM"]
    codes = [t.code for t in table.types]
    assert "warning_visit" not in codes
    assert len(codes) == InterventionType.objects.filter(active=True).count()
    force, cells = table.rows()[0]
    assert (force, len(cells)) == (force_a, len(codes))


def test_an_officer_sees_no_row_for_another_forces_pathways(personas, force_b):
    PathwayFactory(partner=partner_in(force_b))

    table = coverage(personas["officer_a"])

    assert all(force_id != force_b.pk for force_id, _ in table.cells)


def test_the_page_shows_gaps_and_names_for_an_analyst(personas, client_for, force_a):
    PathwayFactory(partner=partner_in(force_a, name="Code Forward Trust"), name="Code Forward mentoring")

    response = client_for(personas["analyst"]).get(COVERAGE, {"band": "under_14"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Code Forward mentoring" not in body  # 12 to 18 does not take every under-14
    assert "gap" in body
    response = client_for(personas["analyst"]).get(COVERAGE)
    assert "Code Forward mentoring" in response.content.decode()


def test_an_unknown_age_band_is_refused_with_a_message_and_all_ages_shown(personas, client_for):
    response = client_for(personas["officer_a"]).get(COVERAGE, {"band": "toddlers"})

    assert response.status_code == 200
    assert response.context["band"] is None
    assert "band" in response.context["form"].errors


@pytest.mark.parametrize("how_many", [5, 50])
def test_the_coverage_costs_the_same_queries_for_5_or_50_pathways(
    how_many, personas, client_for, force_a, force_b, django_assert_num_queries
):
    partner = PartnerFactory(forces=[force_a, force_b])
    codes = ["mentoring", "coding_club", "cyberfirst"]
    for index in range(how_many):
        PathwayFactory(partner=partner, intervention_type=intervention_type(codes[index % 3]))
    client = client_for(personas["inspector"])
    client.get(COVERAGE)

    # 1 session, 2 user, 3 MFA device, 4 the user's force ids, 5 forces, 6 active intervention types,
    # 7 the pathways served in those forces (with their partners).
    with django_assert_num_queries(7):
        response = client.get(COVERAGE)

    assert sum(len(p) for _, cells in response.context["table"].rows() for p in cells) == 2 * how_many
