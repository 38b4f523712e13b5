"""The event list, its filters and CSV export, the month calendar, and scoping to forces."""

import csv
import io
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from outreach.exports import event_export_disclose
from outreach.models import Audience, EventStatus, EventType, Strand
from outreach.selectors import EventFilters
from outreach.tests.factories import CampaignFactory, OutreachEventFactory

pytestmark = pytest.mark.django_db

LIST = reverse("outreach:event_list")
EXPORT = reverse("outreach:event_export")
CALENDAR = reverse("outreach:calendar")


def _ids_listed(response) -> set[int]:
    return {event.pk for event in response.context["page"].object_list}


def _export(client, query: dict | None = None, recipient: str = "Home Office Prevent team"):
    """POST the export form (the filters ride in the query string, as the export page's form sends them)."""
    return client.post(f"{EXPORT}?{urlencode(query or {})}", {"recipient": recipient})


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# ------------------------------------------------------------------------------
# Scoping: another force's events are never shown and answer 404
# ------------------------------------------------------------------------------
def test_an_officer_of_force_b_gets_404_for_a_force_a_event(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a, status=EventStatus.PLANNED)
    client = client_for(personas["officer_b"])

    responses = [
        client.get(reverse("outreach:event_detail", args=[event.pk])),
        client.get(reverse("outreach:event_edit", args=[event.pk])),
        client.post(reverse("outreach:event_transition", args=[event.pk]), {"to_status": "cancelled", "reason": "x"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED


@pytest.mark.parametrize("guess", [0, 999999])
def test_a_guessed_id_is_404_too(personas, client_for, guess):
    response = client_for(personas["officer_a"]).get(reverse("outreach:event_detail", args=[guess]))

    assert response.status_code == 404


def test_lists_calendar_and_export_never_show_another_forces_events(personas, client_for, force_a, force_b):
    ours = OutreachEventFactory(force=force_b, host_organisation="Ours Ltd")
    theirs = OutreachEventFactory(force=force_a, host_organisation="Theirs Ltd")
    client = client_for(personas["officer_b"])

    listed = client.get(LIST)
    calendar = client.get(CALENDAR, {"month": f"{ours.date:%Y-%m}"})
    exported = _csv_rows(_export(client))
    filtered_to_a = client.get(LIST, {"force": force_a.pk})

    assert _ids_listed(listed) == {ours.pk}
    assert "Ours Ltd" in calendar.content.decode()
    assert "Theirs Ltd" not in calendar.content.decode()
    assert [row["id"] for row in exported] == [str(ours.pk)]
    assert "force" in filtered_to_a.context["form"].errors
    assert theirs.pk not in _ids_listed(filtered_to_a)


def test_regional_staff_see_every_force(personas, client_for, force_a, force_b):
    events = {OutreachEventFactory(force=force_a).pk, OutreachEventFactory(force=force_b).pk}

    assert _ids_listed(client_for(personas["analyst"]).get(LIST)) == events


# ------------------------------------------------------------------------------
# Filters
# ------------------------------------------------------------------------------
@pytest.fixture
def mixed_events(personas, force_a, force_b):
    """Events that differ in one way each from ``base``."""
    campaign = CampaignFactory(name="Winter scams")
    presenter = personas["officer_a"]
    other_presenter = UserFactory(role=Role.OFFICER, home_force=force_a)
    base_day = timezone.localdate() - timedelta(days=30)
    return {
        "base": OutreachEventFactory(force=force_a, date=base_day, presenters=[presenter, other_presenter]),
        "force": OutreachEventFactory(force=force_b, date=base_day),
        "strand": OutreachEventFactory(force=force_a, date=base_day, strand=Strand.PREVENT),
        "type": OutreachEventFactory(force=force_a, date=base_day, event_type=EventType.WEBINAR),
        "audience": OutreachEventFactory(force=force_a, date=base_day, audience=Audience.PUPILS),
        "campaign": OutreachEventFactory(force=force_a, date=base_day, campaign=campaign),
        "officer": OutreachEventFactory(force=force_a, date=base_day, presenters=[other_presenter]),
        "early": OutreachEventFactory(force=force_a, date=base_day - timedelta(days=20)),
        "status": OutreachEventFactory(force=force_a, date=base_day, status=EventStatus.CANCELLED),
        "_campaign": campaign,
        "_day": base_day,
    }


def test_each_filter_narrows_the_list(personas, client_for, mixed_events, force_b):
    client = client_for(personas["inspector"])
    e = mixed_events
    cases = {
        "force": ({"force": force_b.pk}, {e["force"].pk}),
        "strand": ({"strand": "prevent"}, {e["strand"].pk}),
        "type": ({"event_type": "webinar"}, {e["type"].pk}),
        "audience": ({"audience": "pupils"}, {e["audience"].pk}),
        "campaign": ({"campaign": e["_campaign"].pk}, {e["campaign"].pk}),
        "officer": ({"officer": personas["officer_a"].pk}, {e["base"].pk}),
        "status": ({"status": "cancelled"}, {e["status"].pk}),
        "date": ({"date_to": (e["_day"] - timedelta(days=1)).isoformat()}, {e["early"].pk}),
    }

    found = {name: _ids_listed(client.get(LIST, query)) for name, (query, _) in cases.items()}

    assert found == {name: expected for name, (_, expected) in cases.items()}


def test_an_event_with_two_presenters_is_listed_once_under_either(personas, client_for, mixed_events):
    response = client_for(personas["inspector"]).get(LIST, {"officer": personas["officer_a"].pk})

    assert response.context["page"].paginator.count == 1


def test_a_backwards_date_range_says_so_at_the_field(personas, client_for):
    response = client_for(personas["officer_a"]).get(LIST, {"date_from": "2026-05-01", "date_to": "2026-04-01"})

    assert response.context["form"].errors["date_to"] == ["The end date must not be before the start date."]


def _list_queries(client, django_assert_num_queries, url, **params):
    # 1 session, 2 user, 3 MFA device, 4 the user's force ids, 5 count, 6 forces, 7 campaigns,
    # 8 presenters (the filter's choices), 9 the page of events (with force and campaign),
    # 10 their presenters, 11 their products, 12 the unread-notification count (navigation),
    # 13 to 15 the session's activity stamp (savepoint, update, release).
    with django_assert_num_queries(15):
        response = client.get(url, params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("how_many", [5, 50])
def test_the_list_costs_the_same_queries_for_5_or_50_events(
    how_many, personas, client_for, force_a, products, django_assert_num_queries, cold_cache
):
    presenter = personas["officer_a"]
    for _ in range(how_many):
        OutreachEventFactory(
            force=force_a,
            presenters=[presenter],
            products=[products["cyber_aware"]],
            campaign=CampaignFactory(name="One"),
        )

    response = _list_queries(client_for(presenter), django_assert_num_queries, LIST)

    assert len(response.context["page"].object_list) == min(how_many, 25)


# ------------------------------------------------------------------------------
# Calendar
# ------------------------------------------------------------------------------
def test_the_calendar_shows_a_months_events_on_their_days(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a, date=date(2026, 11, 12), host_organisation="Oakfield Academy")
    OutreachEventFactory(force=force_a, date=date(2026, 12, 1), host_organisation="Next Month Ltd")

    response = client_for(personas["officer_a"]).get(CALENDAR, {"month": "2026-11"})

    body = response.content.decode()
    assert "November 2026" in body
    assert "Oakfield Academy" in body
    assert "Next Month Ltd" not in body
    day_cells = {day: events for week in response.context["weeks"] for day, events, in_month in week if in_month}
    assert day_cells[date(2026, 11, 12)] == [event]
    assert len(day_cells) == 30
    assert response.context["weeks"][0][0][0] == date(2026, 10, 26)  # weeks start on Monday


def test_the_calendar_answers_a_month_that_is_not_a_month_with_a_message(personas, client_for):
    response = client_for(personas["officer_a"]).get(CALENDAR, {"month": "2026-13"})

    assert response.status_code == 200
    assert "“2026-13” is not a month" in response.content.decode()
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_the_calendar_steps_across_the_year(personas, client_for):
    response = client_for(personas["officer_a"]).get(CALENDAR, {"month": "2026-12"})

    assert (response.context["previous_month"], response.context["next_month"]) == (date(2026, 11, 1), date(2027, 1, 1))


@pytest.mark.parametrize("how_many", [5, 50])
def test_the_calendar_costs_the_same_queries_for_5_or_50_events(
    how_many, personas, client_for, force_a, django_assert_num_queries, cold_cache
):
    for index in range(how_many):
        OutreachEventFactory(force=force_a, date=date(2026, 11, 1 + index % 30))
    client = client_for(personas["officer_a"])

    # 1 session, 2 user, 3 MFA device, 4 the user's force ids, 5 the month's events (with force),
    # 6 forces, 7 campaigns, 8 presenters (the filter's choices), 9 the unread-notification count
    # (navigation), 10 to 12 the session's activity stamp.
    with django_assert_num_queries(12):
        response = client.get(CALENDAR, {"month": "2026-11"})

    assert sum(len(events) for week in response.context["weeks"] for _, events, _ in week) == how_many


# ------------------------------------------------------------------------------
# CSV export
# ------------------------------------------------------------------------------
def test_the_export_contains_exactly_the_filtered_rows_not_one_page(personas, client_for, force_a, force_b):
    wanted = {OutreachEventFactory(force=force_a, strand=Strand.PREVENT).pk for _ in range(30)}
    OutreachEventFactory(force=force_a, strand=Strand.PROTECT)
    OutreachEventFactory(force=force_b, strand=Strand.PREVENT)
    client = client_for(personas["inspector"])
    query = {"force": force_a.pk, "strand": "prevent"}

    rows = _csv_rows(_export(client, query))
    listed = client.get(LIST, query).context["page"].paginator.count

    assert {int(row["id"]) for row in rows} == wanted
    assert len(rows) == listed == 30


def test_the_export_is_an_attachment_and_a_logged_disclosure(personas, client_for, force_a):
    OutreachEventFactory(force=force_a)
    user = personas["admin_support"]

    response = _export(client_for(user), {"force": force_a.pk, "strand": "protect"})

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="outreach-events-')
    event = AccessEvent.objects.get(operation=Operation.DISCLOSURE)
    assert (event.actor, event.object_type, event.force) == (user, "outreach_event_export", "WM")
    assert event.recipient == "Home Office Prevent team"
    assert event.justification == (
        "CSV export of outreach events (1 rows); filters: Force=West Midlands Police, Strand=protect"
    )


def test_the_export_is_logged_before_a_single_line_is_read(personas, force_a):
    OutreachEventFactory(force=force_a)
    user = personas["admin_support"]

    lines = event_export_disclose(by=user, filters=EventFilters(), filters_described="none", recipient="Analyst team")

    event = AccessEvent.objects.get(operation=Operation.DISCLOSURE)
    assert (event.actor, event.justification) == (user, "CSV export of outreach events (1 rows); filters: none")
    assert event.recipient == "Analyst team"
    assert len(list(lines)) == 2


def test_the_export_page_asks_who_it_is_for_and_says_how_much_it_holds(personas, client_for, force_a):
    OutreachEventFactory.create_batch(3, force=force_a, strand=Strand.PREVENT)
    OutreachEventFactory(force=force_a, strand=Strand.PROTECT)

    response = client_for(personas["inspector"]).get(EXPORT, {"strand": "prevent"})

    assert response.status_code == 200
    assert "recipient" in response.context["form"].fields
    assert response.context["count"] == 3
    assert f'action="{EXPORT}?strand=prevent"' in response.content.decode()
    assert not AccessEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


@pytest.mark.parametrize("recipient", ["", "   "], ids=["empty", "blank"])
def test_an_export_naming_no_recipient_is_refused_and_nothing_is_disclosed(recipient, personas, client_for, force_a):
    OutreachEventFactory(force=force_a)

    response = _export(client_for(personas["officer_a"]), recipient=recipient)

    assert response.status_code == 200
    assert not response.streaming
    assert response.context["form"].errors["recipient"] == [
        "Say who the export is for: it is recorded in the access log."
    ]
    assert not AccessEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


def test_the_service_refuses_an_export_with_no_recipient(personas):
    with pytest.raises(ValueError, match="recipient"):
        event_export_disclose(by=personas["officer_a"], filters=EventFilters(), filters_described="none", recipient=" ")

    assert not AccessEvent.objects.exists()


def test_filters_in_error_export_nothing(personas, client_for, force_a):
    OutreachEventFactory(force=force_a)

    response = _export(client_for(personas["officer_a"]), {"date_to": "9999-12-31"})

    assert response.status_code == 200
    assert not response.streaming
    assert "Enter a date between 1 Jan 1900 and 31 Dec 2100." in response.content.decode()
    assert not AccessEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


def test_the_event_list_links_to_the_export_page_with_its_filters(personas, client_for):
    response = client_for(personas["officer_a"]).get(LIST, {"strand": "prevent"})

    assert f'href="{EXPORT}?strand=prevent"' in response.content.decode()


def test_the_export_defuses_spreadsheet_formulas(personas, client_for, force_a):
    OutreachEventFactory(
        force=force_a,
        host_organisation='=HYPERLINK("http://evil.example","Click")',
        sector="+44 20 7946 0000",
        co_delivering_partners="-2+3",
        survey_code="@SUM(A1:A9)",
        attendees=0,
    )

    row = _csv_rows(_export(client_for(personas["officer_a"])))[0]

    assert row["host organisation"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["sector"] == "'+44 20 7946 0000"
    assert row["co-delivering partners"] == "'-2+3"
    assert row["survey code"] == "'@SUM(A1:A9)"
    assert row["attendees"] == "0"


def test_the_export_lists_presenters_products_and_quarter(personas, client_for, force_a, products):
    presenter = personas["officer_a"]
    OutreachEventFactory(
        force=force_a, date=date(2026, 6, 30), presenters=[presenter], products=[products["report_fraud"]]
    )

    row = _csv_rows(_export(client_for(presenter)))[0]

    assert row["presenters"] == presenter.get_full_name()
    assert row["products promoted"] == "Report Fraud"
    assert row["financial quarter"] == "2026/27 Q1"
    assert row["force"] == "WM"
