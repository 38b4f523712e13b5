"""Out-of-range dates in any filter give a clear message on the page, never a 500 (issue 20, point 14).

Every GET filter page is fetched with its date (or month, or year) parameters
set to the far ends of what a date can hold. ``/audit/events/?date_to=9999-12-31``
once answered 500: adding a day to the last representable date overflowed.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.forms import FILTER_DATE_MESSAGE, validate_filter_date

pytestmark = pytest.mark.django_db

EXTREME_DATES = ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"]
# Filter pages with date fields: their name and date parameters.
DATE_FILTER_PAGES = [
    ("audit:event_list", ("date_from", "date_to")),
    ("outreach:event_list", ("date_from", "date_to")),
    ("outreach:event_export", ("date_from", "date_to")),
]
# Filter pages whose "dates" are a month or a financial year, with the message each gives.
PERIOD_FILTER_PAGES = [
    ("outreach:calendar", {"month": "9999-12"}, "is not a month"),
    ("outreach:calendar", {"month": "0001-01"}, "is not a month"),
    ("outreach:target_list", {"year": "9999"}, "enter a financial year from 2000 to 2099"),
    ("outreach:progress", {"year": "0001", "quarter": "1"}, "enter a financial year from 2000 to 2099"),
    ("reporting:index", {"year": "9999", "quarter": "1", "scope": "WM"}, "less than or equal to 2099"),
]
# Filter pages with no dates at all: date parameters are ignored, never a 500.
UNDATED_FILTER_PAGES = ["partners:directory", "partners:coverage", "subjects:list"]


def _client(client_for, personas):
    client = client_for(personas["inspector"])  # every force, and a role that may use every filter page
    client.raise_request_exception = False  # a 500 shows as a status, so the test names the page
    return client


@pytest.mark.parametrize("value", EXTREME_DATES)
@pytest.mark.parametrize(("name", "params"), DATE_FILTER_PAGES, ids=[page[0] for page in DATE_FILTER_PAGES])
def test_a_date_filter_out_of_range_says_so_on_the_page(name, params, value, personas, client_for):
    client = _client(client_for, personas)

    responses = [client.get(reverse(name), {param: value}) for param in params]
    responses.append(client.get(reverse(name), dict.fromkeys(params, value)))

    assert [response.status_code for response in responses] == [200] * len(responses)
    assert all(FILTER_DATE_MESSAGE in response.content.decode() for response in responses)


@pytest.mark.parametrize(("name", "params", "message"), PERIOD_FILTER_PAGES, ids=[p[0] for p in PERIOD_FILTER_PAGES])
def test_a_month_or_year_filter_out_of_range_says_so_on_the_page(name, params, message, personas, client_for):
    response = _client(client_for, personas).get(reverse(name), params)

    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("value", EXTREME_DATES)
@pytest.mark.parametrize("name", UNDATED_FILTER_PAGES)
def test_date_parameters_on_a_filter_page_without_dates_are_harmless(name, value, personas, client_for):
    params = {"date_from": value, "date_to": value, "month": value[:7], "year": value[:4]}

    assert _client(client_for, personas).get(reverse(name), params).status_code == 200


def test_the_csv_export_refuses_out_of_range_filters_on_post_too(personas, client_for):
    url = f"{reverse('outreach:event_export')}?date_to=9999-12-31"

    response = _client(client_for, personas).post(url, {"recipient": "Home Office Prevent team"})

    assert response.status_code == 200
    assert not response.streaming
    assert FILTER_DATE_MESSAGE in response.content.decode()


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(2026, 4, 30), date(2100, 12, 31)])
def test_the_filter_date_rule_accepts_1900_to_2100(day):
    validate_filter_date(day)


@pytest.mark.parametrize("day", [date.min, date(1899, 12, 31), date(2101, 1, 1), date.max])
def test_the_filter_date_rule_refuses_anything_outside(day):
    with pytest.raises(ValidationError) as refused:
        validate_filter_date(day)

    assert refused.value.messages == [FILTER_DATE_MESSAGE]
