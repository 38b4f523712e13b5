"""Progress against targets: figures computed from the records, across every kind of quarter boundary."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from outreach import progress
from outreach.models import EventStatus, Measure, OutreachEvent, TargetScope
from outreach.progress import progress_for_force
from outreach.quarters import FinancialQuarter, local_date
from outreach.tests.factories import OutreachEventFactory, TargetFactory

pytestmark = pytest.mark.django_db

PROGRESS = reverse("outreach:progress")

# Moments an event took place, as a system stamping UTC would record them. Each is
# dated by its Europe/London local date, as the unit reports.
BOUNDARY_MOMENTS = [
    datetime(2025, 6, 30, 22, 59, 59, tzinfo=UTC),  # 23:59:59 BST, 30 June: the last second of Q1
    datetime(2025, 6, 30, 23, 0, 0, tzinfo=UTC),  # 00:00:00 BST, 1 July: Q2
    datetime(2025, 10, 26, 0, 30, tzinfo=UTC),  # 01:30 BST, 26 October, before the clocks go back: Q3
    datetime(2025, 10, 26, 1, 30, tzinfo=UTC),  # 01:30 GMT, the same morning after they go back: Q3
    datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),  # 23:59:59 GMT, 31 December: the last second of Q3
    datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC),  # 00:00 GMT, 1 January: Q4
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # 00:30 GMT, 29 March, before the clocks go forward: Q4
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 02:30 BST, the same morning after: Q4
    datetime(2026, 3, 31, 22, 59, 59, tzinfo=UTC),  # 23:59:59 BST, 31 March: the last second of 2025/26
    datetime(2026, 3, 31, 23, 0, 0, tzinfo=UTC),  # 00:00 BST, 1 April: 2026/27 Q1
]
# The same quarters written out by hand, not computed by outreach.quarters.
QUARTER_DATES = {
    (2025, 1): (date(2025, 4, 1), date(2025, 6, 30)),
    (2025, 2): (date(2025, 7, 1), date(2025, 9, 30)),
    (2025, 3): (date(2025, 10, 1), date(2025, 12, 31)),
    (2025, 4): (date(2026, 1, 1), date(2026, 3, 31)),
    (2026, 1): (date(2026, 4, 1), date(2026, 6, 30)),
}


@pytest.fixture
def boundary_events(force_a, force_b):
    events = []
    for index, moment in enumerate(BOUNDARY_MOMENTS):
        day = local_date(moment)
        events.append(OutreachEventFactory(force=force_a, date=day, attendees=10 * (index + 1), sign_ups=index + 1))
        # Noise that must never count: not delivered, or another force.
        OutreachEventFactory(force=force_a, date=day, status=EventStatus.CANCELLED, attendees=999)
        OutreachEventFactory(force=force_a, date=day, status=EventStatus.PLANNED, attendees=0)
        OutreachEventFactory(force=force_b, date=day, attendees=555)
    return events


def _independent_count(force, first: date, last: date) -> dict[str, int]:
    delivered = [
        e for e in OutreachEvent.objects.filter(force=force) if e.status == "delivered" and first <= e.date <= last
    ]
    return {
        Measure.EVENTS: len(delivered),
        Measure.ATTENDEES: sum(e.attendees for e in delivered),
        Measure.SIGN_UPS: sum(e.sign_ups for e in delivered),
    }


def _actuals(rows) -> dict[str, int]:
    return {row.measure: row.actual for row in rows if row.scope == TargetScope.NATIONAL and row.measured}


@pytest.mark.parametrize("quarter_key", list(QUARTER_DATES))
def test_progress_figures_equal_independently_counted_records_across_quarter_boundaries(
    quarter_key, boundary_events, force_a
):
    quarter = FinancialQuarter(*quarter_key)

    computed = _actuals(progress_for_force(force=force_a, quarter=quarter))

    assert computed == _independent_count(force_a, *QUARTER_DATES[quarter_key])


def test_the_boundary_events_land_in_the_quarters_a_person_in_london_would_expect(boundary_events, force_a):
    events_per_quarter = {
        key: _actuals(progress_for_force(force=force_a, quarter=FinancialQuarter(*key)))[Measure.EVENTS]
        for key in QUARTER_DATES
    }

    assert events_per_quarter == {(2025, 1): 1, (2025, 2): 1, (2025, 3): 3, (2025, 4): 4, (2026, 1): 1}


def test_progress_sets_actual_against_each_target_and_leaves_other_measures_unmeasured(force_a):
    OutreachEventFactory(force=force_a, date=date(2026, 5, 5), attendees=30, sign_ups=4)
    OutreachEventFactory(force=force_a, date=date(2026, 6, 5), attendees=20, sign_ups=1)
    TargetFactory(force=force_a, financial_year=2026, quarter=1, measure=Measure.EVENTS, value=4)
    TargetFactory(force=force_a, financial_year=2026, quarter=1, measure=Measure.ATTENDEES, value=40)
    TargetFactory(force=force_a, financial_year=2026, quarter=1, measure=Measure.EVENTS, scope="local", value=5)
    TargetFactory(force=force_a, financial_year=2026, quarter=1, measure=Measure.REFERRALS_RECEIVED, value=9)

    rows = {(r.measure, r.scope): r for r in progress_for_force(force=force_a, quarter=FinancialQuarter(2026, 1))}

    assert (rows[("events", "national")].actual, rows[("events", "national")].target) == (2, 4)
    assert rows[("events", "national")].percent == 50
    assert rows[("events", "local")].percent == 40
    assert rows[("attendees", "national")].percent == 125
    assert rows[("sign_ups", "national")].target is None
    assert rows[("sign_ups", "national")].actual == 5
    assert rows[("referrals_received", "national")].measured is False
    assert rows[("referrals_received", "national")].target == 9
    assert rows[("interventions_completed", "local")].measured is False


def test_another_app_can_add_a_measure_it_counts(force_a, monkeypatch):
    monkeypatch.setitem(progress.EXTRA_ACTUALS, Measure.REFERRALS_RECEIVED, lambda ids, quarter: {force_a.pk: 7})

    rows = progress_for_force(force=force_a, quarter=FinancialQuarter(2026, 1))

    assert {r.actual for r in rows if r.measure == Measure.REFERRALS_RECEIVED} == {7}


# ------------------------------------------------------------------------------
# The progress view
# ------------------------------------------------------------------------------
def test_the_progress_view_shows_the_figures_in_a_chart_and_a_table(personas, client_for, force_a):
    OutreachEventFactory(force=force_a, date=date(2025, 11, 3), attendees=12)
    TargetFactory(force=force_a, financial_year=2025, quarter=3, measure=Measure.EVENTS, value=4)

    response = client_for(personas["analyst"]).get(PROGRESS, {"force": force_a.pk, "year": 2025, "quarter": 3})

    body = response.content.decode()
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart" role="img"' in body
    assert "Events delivered (national): 1 of a target of 4, 25%." in body
    assert "2025/26 Q3 (October to December 2025)" in body
    assert "Not yet measured" in body
    assert "No target set" in body


def test_the_progress_view_defaults_to_the_users_home_force_and_this_quarter(personas, client_for, force_a):
    response = client_for(personas["sergeant"]).get(PROGRESS)

    assert response.context["force"] == force_a
    assert response.context["quarter"] == FinancialQuarter.current()


def test_the_progress_view_answers_another_forces_id_with_404(personas, client_for, force_a):
    client = client_for(personas["officer_b"])

    assert client.get(PROGRESS, {"force": force_a.pk}).status_code == 404
    assert client.get(PROGRESS, {"force": "abc"}).status_code == 404


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"year": 2026, "quarter": 5}, "quarter", "There is no quarter 5: a financial year has quarters 1 to 4."),
        ({"year": 1999, "quarter": 1}, "year", "1999 is out of range"),
        ({"year": "twenty", "quarter": 1}, "year", "Enter the year as four digits"),
    ],
)
def test_a_quarter_that_does_not_exist_gets_a_message_at_the_field(personas, client_for, params, field, message):
    response = client_for(personas["officer_a"]).get(PROGRESS, params)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert response.context["form"][field].value() == str(params[field])  # the input is kept


@pytest.mark.parametrize("how_many", [5, 50])
def test_the_progress_view_costs_the_same_queries_for_5_or_50_events(
    how_many, personas, client_for, force_a, django_assert_num_queries, cold_cache
):
    quarter = FinancialQuarter.current()
    for _ in range(how_many):
        OutreachEventFactory(force=force_a, date=quarter.start)
    TargetFactory(force=force_a, financial_year=quarter.year, quarter=quarter.quarter, value=10)
    client = client_for(personas["officer_a"])

    # 1 session, 2 user, 3 MFA device, 4 the user's force ids, 5 the force, 6 the form's check of it,
    # 7 event totals (one grouped query), 8 targets, 9 and 10 forces (the select asks for its first choice,
    # then renders them all), 11 the unread-notification count (navigation), 12 to 14 the session's
    # activity stamp.
    with django_assert_num_queries(14):
        response = client.get(PROGRESS)

    rows = {(r.measure, r.scope): r for r in response.context["rows"]}
    assert rows[("events", "national")].actual == min(how_many, 50)
