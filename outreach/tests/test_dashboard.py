"""Dashboard tiles: this quarter's events, attendees and sign-ups per force, against target."""

import pytest
from django.urls import reverse

from outreach.dashboard import outreach_tiles
from outreach.models import EventStatus, Measure, TargetScope
from outreach.quarters import FinancialQuarter
from outreach.tests.factories import OutreachEventFactory, TargetFactory

pytestmark = pytest.mark.django_db


def _quarter_day():
    quarter = FinancialQuarter.current()
    return quarter, quarter.start


def test_a_tile_per_force_with_this_quarters_figures_against_target(personas, force_a, force_b):
    quarter, day = _quarter_day()
    OutreachEventFactory(force=force_a, date=day, attendees=30, sign_ups=5)
    OutreachEventFactory(force=force_a, date=day, attendees=10, sign_ups=1)
    OutreachEventFactory(force=force_a, date=day, status=EventStatus.CANCELLED, attendees=99)
    OutreachEventFactory(force=force_a, date=quarter.previous().start, attendees=77)
    OutreachEventFactory(force=force_b, date=day, attendees=3)
    TargetFactory(force=force_a, financial_year=quarter.year, quarter=quarter.quarter, value=8)
    TargetFactory(
        force=force_a,
        financial_year=quarter.year,
        quarter=quarter.quarter,
        measure=Measure.ATTENDEES,
        scope=TargetScope.LOCAL,
        value=80,
    )

    tiles = {tile.force.code: tile for tile in outreach_tiles(personas["inspector"])}

    assert set(tiles) == {"WM", "ST", "WR", "WK"}
    wm = {figure.label: figure for figure in tiles["WM"].figures}
    assert (wm["Events delivered"].actual, wm["Events delivered"].target, wm["Events delivered"].percent) == (2, 8, 25)
    assert (wm["Attendees"].actual, wm["Attendees"].target, wm["Attendees"].scope) == (40, 80, "Local")
    assert (wm["Sign-ups"].actual, wm["Sign-ups"].target) == (6, None)
    assert tiles["ST"].figures[1].actual == 3


def test_an_officer_sees_their_own_force_only_and_a_system_admin_none(personas):
    assert [tile.force.code for tile in outreach_tiles(personas["officer_b"])] == ["ST"]
    assert outreach_tiles(personas["sysadmin"]) == []


def test_the_tiles_cost_three_queries_for_four_forces(personas, django_assert_num_queries):
    user = personas["analyst"]
    # 1 the user's force ids, 2 the forces, 3 event totals (grouped), 4 targets.
    with django_assert_num_queries(4):
        outreach_tiles(user)


def test_the_dashboard_shows_the_tiles(personas, client_for, force_a):
    _, day = _quarter_day()
    OutreachEventFactory(force=force_a, date=day, attendees=31)

    body = client_for(personas["sergeant"]).get(reverse("dashboard")).content.decode()

    assert "Outreach this quarter" in body
    assert "<strong>31</strong>" in body
