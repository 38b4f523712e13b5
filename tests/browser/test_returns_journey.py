"""Admin support generates the quarter's return, watches its progress and downloads the PDF; axe on every page."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import UserFactory
from outreach.quarters import FinancialQuarter
from reporting.models import QuarterlyReturn, ReturnStatus
from tests.browser.test_outreach_journey import signed_in

# transaction=True: the live server runs in another thread and must see the test's rows.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_it_generates_the_quarters_return_and_downloads_the_pdf(live_server, page, axe, csp_violations, home_force):
    admin = UserFactory(username="returns.admin", role=Role.ADMIN_SUPPORT, home_force=home_force, forces=[home_force])
    quarter = FinancialQuarter.current().previous()
    signed_in(page, live_server.url, admin)

    page.goto(f"{live_server.url}/returns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly returns")
    axe(page)
    page.get_by_label("Financial year (the year it starts)").fill(str(quarter.year))
    page.get_by_label("Quarter").select_option(label=f"Q{quarter.quarter}")
    page.get_by_label("Force or region").select_option(value=home_force.code)
    page.get_by_role("button", name="Preview the figures").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Generate the return").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(quarter.label)
    # The status region polls while generating and shows the downloads once the return is ready.
    expect(page.get_by_role("status")).to_contain_text("Draft", timeout=60_000)
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    made = QuarterlyReturn.objects.get()
    assert made.status == ReturnStatus.DRAFT
