"""Searching for a person in the browser: the name is posted, never put in a URL (issue 20).

An officer searches the people list by name together with a filter, pages
through the results and goes back to them from a subject page. Every URL the
browser asked for is checked for the name; each page is checked with axe-core.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from subjects.models import RiskLevel
from subjects.tests.factories import SubjectFactory
from tests.browser.test_outreach_journey import signed_in

# transaction=True: the live server runs in another thread and must see the test's rows.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEARCH_LABEL = "Name, alias, online handle or reference"


def test_a_search_by_name_posts_the_name_and_pages_through_the_results_by_token(
    live_server, page, axe, csp_violations, home_force
):
    officer = UserFactory(username="search.officer", role=Role.OFFICER, home_force=home_force)
    SubjectFactory.create_batch(27, force=home_force, last_name="Quarrington", risk_level=RiskLevel.HIGH)
    SubjectFactory(force=home_force, last_name="Quarrington", risk_level=RiskLevel.LOW)
    SubjectFactory(force=home_force, first_name="Arthur", last_name="Jones", risk_level=RiskLevel.HIGH)
    asked_for: list[str] = []
    page.on("request", lambda request: asked_for.append(request.url))
    signed_in(page, live_server.url, officer)

    page.goto(f"{live_server.url}/subjects/")
    page.get_by_label(SEARCH_LABEL).fill("Quarrington")
    page.get_by_label("Risk").select_option(label="High")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"/subjects/\?search=[\w-]+&risk_level=high$"))
    expect(page.get_by_text("27 people match these filters.")).to_be_visible()
    expect(page.get_by_label(SEARCH_LABEL)).to_have_value("Quarrington")
    expect(page.get_by_role("cell", name="Arthur Jones")).to_have_count(0)
    axe(page)
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_label(SEARCH_LABEL)).to_have_value("Quarrington")
    page.get_by_role("row").nth(1).get_by_role("link").click()
    page.go_back()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()

    assert [url for url in asked_for if "quarrington" in url.lower()] == []
    assert csp_violations == []
    listed = AccessEvent.objects.filter(operation=Operation.CONSULTATION, object_type="subject_list")
    assert listed.count() >= 2  # one per page shown
