"""An officer adds a partner with a pathway, refers a young person to it from their case, and downloads the
one-page summary for the partner. Every page on the way is checked with axe-core; no CSP violation is allowed."""

import io
import re
from datetime import date

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from audit.models import AccessEvent, Operation
from interventions.models import Intervention
from interventions.tests.factories import catalogues_seed
from partners.models import Partner
from subjects.models import CaseStatus
from subjects.tests.factories import CaseFactory, SubjectFactory

# transaction=True: the live server runs in another thread and must see the test's rows.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base_url: str, user) -> None:
    device = TOTPDeviceFactory(user=user)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


@pytest.fixture
def people(home_force):
    # A transactional test starts from a flushed database: make what the data migrations would have.
    catalogues_seed()
    officer = UserFactory(
        username="journey.officer",
        first_name="Priya",
        last_name="Sandhu",
        email="priya.sandhu@example.police.uk",
        role=Role.OFFICER,
        home_force=home_force,
    )
    subject = SubjectFactory(
        created_by=officer, force=home_force, first_name="Kai", last_name="Pemberton", date_of_birth=date(2011, 3, 1)
    )
    case = CaseFactory(
        subject=subject, status=CaseStatus.ACTIVE, narrative="Booter use against the school network (CMA s.3)."
    )
    return officer, case


def test_an_officer_adds_a_partner_and_pathway_refers_a_case_and_downloads_the_summary(
    live_server, page, axe, csp_violations, people
):
    officer, case = people
    base = live_server.url
    sign_in(page, base, officer)

    # The directory, from the main navigation.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners")
    axe(page)

    # A partner: first refused without a type, with what was typed kept; then saved.
    page.get_by_role("link", name="Add a partner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a partner")
    axe(page)
    page.get_by_label("Name").fill("Oakfield Academy")
    page.get_by_label("Sector").select_option(label="Education")
    page.get_by_label("Status").select_option(label="Active")
    expect(page.get_by_label("West Midlands Police")).to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Type of organisation")
    expect(page.get_by_label("Name")).to_have_value("Oakfield Academy")
    axe(page)
    page.get_by_label("Type of organisation").select_option(label="School")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oakfield Academy")
    axe(page)
    partner = Partner.objects.get(name="Oakfield Academy")

    # A pathway for 11- to 16-year-olds, after an upside-down age range is refused.
    page.get_by_role("link", name="Add a pathway").click()
    axe(page)
    page.get_by_label("Name").fill("Oakfield coding club")
    page.get_by_label("Intervention type").select_option(label="Coding club")
    page.get_by_label("Description").fill("A weekly club after school building games in Python.")
    page.get_by_label("Youngest age").fill("16")
    page.get_by_label("Oldest age").fill("11")
    page.get_by_label("Delivery mode").select_option(label="In person")
    page.get_by_label("Active from").fill("2026-01-05")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("the range is upside down")
    axe(page)
    page.get_by_label("Youngest age").fill("11")
    page.get_by_label("Oldest age").fill("16")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Oakfield coding club")).to_be_visible()
    axe(page)

    # The coverage now shows the club in West Midlands.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    page.get_by_role("navigation", name="Partners").get_by_role("link", name="Pathway coverage").click()
    row = page.get_by_role("row", name=re.compile("^West Midlands Police"))
    expect(row).to_contain_text("Oakfield coding club")
    axe(page)

    # The referral, from the case page.
    page.goto(f"{base}/subjects/cases/{case.pk}/")
    page.get_by_role("link", name="Refer to a partner pathway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to a partner pathway")
    axe(page)
    page.get_by_role("radio", name=re.compile("Oakfield coding club")).check()
    page.get_by_role("button", name="Refer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral summary for Oakfield Academy")
    axe(page)
    intervention = Intervention.objects.get(case=case)
    assert intervention.pathway.partner == partner

    # The summary, with a reason in plain words.
    page.get_by_label(re.compile("Why you are referring them")).fill("Loves building games; needs a club.")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the referral summary (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"referral-summary-{intervention.pk}.pdf"
    with open(download.path(), "rb") as pdf:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "Kai" in text
    assert "Loves building games; needs a club." in text
    assert "priya.sandhu@example.police.uk" in text
    assert "Pemberton" not in text
    assert "Booter" not in text
    event = AccessEvent.objects.get(operation=Operation.DISCLOSURE)
    assert (event.recipient, event.object_id) == ("Oakfield Academy", str(intervention.pk))

    # The partner's page counts the referral and names the case for this officer.
    page.goto(f"{base}/partners/{partner.pk}/")
    expect(page.get_by_text("1 in all: 1 planned")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    axe(page)
    assert csp_violations == []
