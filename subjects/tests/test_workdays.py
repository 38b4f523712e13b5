"""Working days in England and Wales: the first-contact target skips weekends and bank holidays."""

from datetime import date

import pytest

from subjects.services.cases import FIRST_CONTACT_WORKING_DAYS
from subjects.workdays import add_working_days, is_working_day, working_days_between


def test_first_contact_due_across_christmas_skips_christmas_boxing_day_observed_and_new_year():
    # Wed 23 Dec 2026: Thu 24 (1); Fri 25 Christmas, Sat 26 Boxing Day, Sun 27, Mon 28 Boxing Day
    # (observed) skipped; Tue 29 (2), Wed 30 (3), Thu 31 (4); Fri 1 Jan New Year's Day skipped; Mon 4 Jan (5).
    assert add_working_days(date(2026, 12, 23), FIRST_CONTACT_WORKING_DAYS) == date(2027, 1, 4)


@pytest.mark.parametrize("holiday", [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)])
def test_christmas_day_boxing_day_observed_and_new_year_are_not_working_days(holiday):
    assert not is_working_day(holiday)


def test_christmas_eve_is_a_working_day():
    assert is_working_day(date(2026, 12, 24))


def test_first_contact_due_across_easter_2027_skips_good_friday_and_easter_monday():
    # Thu 25 Mar 2027: Fri 26 Good Friday, the weekend and Mon 29 Easter Monday skipped;
    # Tue 30 (1), Wed 31 (2), Thu 1 Apr (3), Fri 2 (4), Mon 5 (5).
    assert add_working_days(date(2027, 3, 25), FIRST_CONTACT_WORKING_DAYS) == date(2027, 4, 5)


@pytest.mark.parametrize("holiday", [date(2027, 3, 26), date(2027, 3, 29)])
def test_good_friday_and_easter_monday_2027_are_not_working_days(holiday):
    assert not is_working_day(holiday)


def test_first_contact_due_across_a_normal_weekend():
    # Fri 5 Jun 2026: Mon 8 to Fri 12 are the five working days.
    assert add_working_days(date(2026, 6, 5), FIRST_CONTACT_WORKING_DAYS) == date(2026, 6, 12)


def test_a_referral_on_a_saturday_counts_from_the_monday():
    assert add_working_days(date(2026, 6, 6), 1) == date(2026, 6, 8)


def test_zero_working_days_is_the_same_day():
    assert add_working_days(date(2026, 6, 6), 0) == date(2026, 6, 6)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 6, 5), date(2026, 6, 12), 5),  # across a normal weekend
        (date(2026, 12, 23), date(2027, 1, 4), 5),  # across Christmas and New Year
        (date(2027, 3, 25), date(2027, 4, 5), 5),  # across Easter
        (date(2026, 6, 6), date(2026, 6, 7), 0),  # a weekend only
        (date(2026, 6, 8), date(2026, 6, 8), 0),  # the same day
        (date(2026, 6, 12), date(2026, 6, 5), 0),  # end before start
    ],
)
def test_working_days_between(start, end, days):
    assert working_days_between(start, end) == days


def test_working_days_between_undoes_add_working_days():
    start = date(2026, 12, 23)
    for days in range(15):
        assert working_days_between(start, add_working_days(start, days)) == days
