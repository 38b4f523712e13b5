"""An officer logs a delivered event with the products promoted, then finds it in the calendar and in
their force's progress. Every page on the way is checked with axe-core; no CSP violation is allowed."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Force, Role
from accounts.tests.factories import UserFactory
from conftest import sign_in
from outreach.models import EventStatus
from outreach.quarters import FinancialQuarter
from outreach.tests.factories import (
    CampaignFactory,
    LessonLearntFactory,
    OutreachEventFactory,
    TargetFactory,
    products_seed,
)

# transaction=True: the live server runs in another thread and must see the test's rows.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def force(home_force) -> Force:
    """West Midlands Police and the promoted products, as the data migrations would have made them.

    A transactional test starts from a flushed database (see ``home_force``).
    """
    products_seed()
    return home_force


def signed_in(page: Page, base_url: str, user) -> None:
    """Start the browser in a session that passed password and MFA (the sign-in journey tests those steps)."""
    client = sign_in(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def test_it_logs_an_event_and_finds_it_in_the_calendar_and_the_progress(live_server, page, axe, csp_violations, force):
    officer = UserFactory(username="protect.officer", role=Role.OFFICER, home_force=force)
    quarter = FinancialQuarter.current()
    TargetFactory(force=force, financial_year=quarter.year, quarter=quarter.quarter, measure="events", value=4)
    today = timezone.localdate()
    signed_in(page, live_server.url, officer)

    page.goto(f"{live_server.url}/outreach/events/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outreach events")
    axe(page)
    page.get_by_role("link", name="Log a delivered event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a delivered event")
    axe(page)

    # A first try with a negative head-count: refused, explained, and nothing typed is lost.
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Type").select_option(label="Exercise in a Box")
    page.get_by_label("Audience").select_option(label="Charity")
    page.get_by_label("Host organisation").fill("Heartlands Community Trust")
    page.get_by_label("Attendees").fill("-4")
    page.get_by_label("Sign-ups").fill("7")
    page.get_by_label("Police CyberAlarm").check()
    page.get_by_label("Little Book of Cyber Scams").check()
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Attendees cannot be negative")
    expect(page.get_by_label("Host organisation")).to_have_value("Heartlands Community Trust")
    expect(page.get_by_label("Police CyberAlarm")).to_be_checked()
    axe(page)

    page.get_by_label("Attendees").fill("18")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exercise in a Box at Heartlands Community Trust")
    expect(page.get_by_text("Little Book of Cyber Scams, Police CyberAlarm")).to_be_visible()
    axe(page)

    page.get_by_role("link", name=f"{today:%B %Y} in the calendar").click()
    day_cell = page.locator("td", has=page.locator(f'time[datetime="{today:%Y-%m-%d}"]'))
    expect(day_cell.get_by_role("link", name="Exercise in a Box, Heartlands Community Trust")).to_be_visible()
    axe(page)

    page.get_by_role("navigation", name="Outreach").get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text(f"West Midlands Police, {quarter.label}")
    chart = page.get_by_role("img", name=f"Progress against targets, West Midlands Police, {quarter.label}")
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text="1 of 4 (25%)")).to_have_count(1)
    events_row = page.get_by_role("row", name="Events delivered National 4 1 25%")
    expect(events_row).to_be_visible()
    attendees_row = page.get_by_role("row", name="Attendees National No target set 18")
    expect(attendees_row).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Dashboard").click()
    tiles = page.get_by_role("region", name=f"Outreach this quarter ({quarter.label})")
    expect(tiles.get_by_role("heading", name="West Midlands Police")).to_be_visible()
    axe(page)
    assert csp_violations == []


def test_every_outreach_page_passes_axe(live_server, page, axe, csp_violations, force):
    sergeant = UserFactory(username="protect.sergeant", role=Role.SERGEANT, home_force=force)
    planned = OutreachEventFactory(force=force, status=EventStatus.PLANNED, presenters=[sergeant])
    lesson = LessonLearntFactory(force=force)
    target = TargetFactory(force=force)
    CampaignFactory(name="Winter scams")
    signed_in(page, live_server.url, sergeant)
    paths = [
        "/outreach/events/plan/",
        f"/outreach/events/{planned.pk}/",
        f"/outreach/events/{planned.pk}/edit/",
        "/outreach/campaigns/",
        "/outreach/campaigns/new/",
        "/outreach/lessons/",
        "/outreach/lessons/new/",
        f"/outreach/lessons/{lesson.pk}/edit/",
        "/outreach/targets/?year=2026",
        "/outreach/targets/new/",
        f"/outreach/targets/{target.pk}/edit/",
        "/outreach/progress/?year=2026&quarter=5",
    ]

    for path in paths:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        axe(page)

    # A refused move keeps the page accessible too: cancelling without a reason.
    page.goto(f"{live_server.url}/outreach/events/{planned.pk}/")
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the event was cancelled.")
    axe(page)
    assert csp_violations == []
