"""Financial-year quarters in Europe/London local dates."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from outreach.quarters import (
    LONDON,
    FinancialQuarter,
    QuarterError,
    financial_year_label,
    financial_year_of,
    local_date,
    quarters_of_year,
)


def test_it_names_the_quarters_as_the_returns_do():
    assert FinancialQuarter(2026, 1).label == "2026/27 Q1"
    assert FinancialQuarter(2099, 4).label == "2099/00 Q4"
    assert financial_year_label(2009) == "2009/10"


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2026, 4, 1), date(2026, 6, 30)),
        (2, date(2026, 7, 1), date(2026, 9, 30)),
        (3, date(2026, 10, 1), date(2026, 12, 31)),
        (4, date(2027, 1, 1), date(2027, 3, 31)),
    ],
)
def test_it_runs_q1_from_april_to_june_and_q4_into_the_next_calendar_year(quarter, start, end):
    assert (FinancialQuarter(2026, quarter).start, FinancialQuarter(2026, quarter).end) == (start, end)


def test_it_ends_q4_on_29_february_in_a_leap_year():
    assert FinancialQuarter(2027, 4).end == date(2028, 3, 31)
    assert FinancialQuarter(2027, 4).start == date(2028, 1, 1)
    assert date(2028, 2, 29) in FinancialQuarter(2027, 4)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 31), (2025, 4)),  # the last day of a financial year
        (date(2026, 4, 1), (2026, 1)),  # the first day of the next
        (date(2026, 6, 30), (2026, 1)),
        (date(2026, 7, 1), (2026, 2)),
        (date(2026, 12, 31), (2026, 3)),
        (date(2027, 1, 1), (2026, 4)),
    ],
)
def test_it_finds_the_quarter_containing_a_day(day, expected):
    quarter = FinancialQuarter.containing(day)

    assert (quarter.year, quarter.quarter) == expected
    assert financial_year_of(day) == expected[0]


@pytest.mark.parametrize(
    ("utc", "expected_local_date", "expected_quarter"),
    [
        # The last second of June in BST (UTC+1) is 22:59:59 UTC; a second later it is July.
        (datetime(2026, 6, 30, 22, 59, 59, tzinfo=UTC), date(2026, 6, 30), "2026/27 Q1"),
        (datetime(2026, 6, 30, 23, 0, 0, tzinfo=UTC), date(2026, 7, 1), "2026/27 Q2"),
        # Clocks go back at 01:00 UTC on 25 October 2026 (BST → GMT).
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25), "2026/27 Q3"),
        (datetime(2026, 10, 25, 0, 59, 59, tzinfo=UTC), date(2026, 10, 25), "2026/27 Q3"),
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25), "2026/27 Q3"),  # GMT now: still the 25th
        # Clocks go forward at 01:00 UTC on 28 March 2027 (GMT → BST).
        (datetime(2027, 3, 27, 23, 30, tzinfo=UTC), date(2027, 3, 27), "2026/27 Q4"),  # GMT: not yet the 28th
        (datetime(2027, 3, 28, 23, 30, tzinfo=UTC), date(2027, 3, 29), "2026/27 Q4"),  # BST: already the 29th
        # The financial-year turn, in BST: 23:00 UTC on 31 March is midnight on 1 April.
        (datetime(2027, 3, 31, 22, 59, 59, tzinfo=UTC), date(2027, 3, 31), "2026/27 Q4"),
        (datetime(2027, 3, 31, 23, 0, 0, tzinfo=UTC), date(2027, 4, 1), "2027/28 Q1"),
        # In a year whose clocks change after the turn (29 March 2026), the same holds.
        (datetime(2026, 3, 31, 23, 0, 0, tzinfo=UTC), date(2026, 4, 1), "2026/27 Q1"),
    ],
)
def test_it_takes_the_london_date_of_a_moment_across_clock_changes_and_quarter_turns(
    utc, expected_local_date, expected_quarter
):
    assert local_date(utc) == expected_local_date
    assert FinancialQuarter.current(now=utc).label == expected_quarter


def test_it_refuses_a_naive_datetime_rather_than_guess_its_zone():
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2026, 6, 30, 23, 0))  # noqa: DTZ001


def test_its_datetime_range_starts_at_local_midnight_whatever_the_season():
    q1_start, q1_end = FinancialQuarter(2026, 1).datetime_range()
    q3_start, q3_end = FinancialQuarter(2026, 3).datetime_range()

    assert q1_start == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)  # 00:00 BST on 1 April
    assert q1_end == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)  # 00:00 BST on 1 July
    assert q3_start == datetime(2026, 9, 30, 23, 0, tzinfo=UTC)  # 00:00 BST on 1 October
    assert q3_end == datetime(2027, 1, 1, 0, 0, tzinfo=UTC)  # 00:00 GMT on 1 January
    assert q1_start.tzinfo == UTC
    assert q1_start.astimezone(LONDON).hour == 0


def test_its_datetime_ranges_lose_an_hour_in_q4_and_gain_one_in_q3():
    q3_start, q3_end = FinancialQuarter(2026, 3).datetime_range()
    q4_start, q4_end = FinancialQuarter(2026, 4).datetime_range()

    assert q3_end - q3_start == timedelta(days=92, hours=1)
    assert q4_end - q4_start == timedelta(days=90, hours=-1)


def test_its_datetime_ranges_meet_without_a_gap_or_an_overlap():
    quarters = [*quarters_of_year(2026), FinancialQuarter(2027, 1)]

    for earlier, later in pairwise(quarters):
        assert earlier.datetime_range()[1] == later.datetime_range()[0]


@pytest.mark.parametrize(("year", "quarter"), [(2026, 5), (2026, 0), (1999, 1), (2100, 1)])
def test_it_refuses_a_quarter_that_does_not_exist(year, quarter):
    with pytest.raises(QuarterError):
        FinancialQuarter(year, quarter)


def test_it_parses_and_prints_its_key_and_steps_between_years():
    quarter = FinancialQuarter.parse("2026-Q4")

    assert quarter.key == "2026-Q4"
    assert quarter.next() == FinancialQuarter(2027, 1)
    assert FinancialQuarter(2027, 1).previous() == quarter
    with pytest.raises(QuarterError):
        FinancialQuarter.parse("2026-Q5")
    with pytest.raises(QuarterError):
        FinancialQuarter.parse("last quarter")
