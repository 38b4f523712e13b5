"""Follow-ups in the browser: "My follow-ups", recording a re-offending check, reminder settings, notifications.

Each page on the way is checked with axe-core (WCAG 2.2 AA) and no page breaks
the Content-Security-Policy.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from followups import reminders
from followups.models import FollowUp, FollowUpKind, FollowUpStatus, ReminderPreference, ReoffendingResult
from followups.tests.factories import FollowUpFactory
from interventions.tests.factories import catalogues_seed
from partners.models import AgreementStatus
from partners.services import agreement_add
from partners.tests.factories import partner_in
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
def owed(home_force):
    """An officer owing a re-offending check (overdue), a first contact (today) and an agreement's renewal check."""
    catalogues_seed()
    officer = UserFactory(username="followup.officer", role=Role.OFFICER, home_force=home_force)
    subject = SubjectFactory(created_by=officer, force=home_force, date_of_birth=date(2010, 6, 1))
    case = CaseFactory(subject=subject, status=CaseStatus.ACTIVE, first_contact_at=None)
    today = timezone.localdate()
    check = FollowUpFactory(
        case=case, kind=FollowUpKind.REOFFENDING_3M, assignee=officer, due_date=today - timedelta(days=2)
    )
    FollowUpFactory(case=case, kind=FollowUpKind.FIRST_CONTACT, assignee=officer, due_date=today)
    partner = partner_in(home_force, relationship_owner=officer, name="Synthetic Academy")
    fields = {
        "status": AgreementStatus.SIGNED,
        "signed_on": today - timedelta(days=300),
        "expires_on": today + timedelta(days=30),
        "document_reference": "DSA-2026-001",
    }
    agreement_add(partner=partner, by=officer, fields=fields)
    reminders.reminders_sweep()  # the in-app notifications the notifications page lists
    return officer, case, check


def test_an_officer_records_a_re_offending_check_and_manages_reminders(live_server, page, axe, csp_violations, owed):
    officer, _case, check = owed
    sign_in(page, live_server.url, officer)

    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_role("link", name=re.compile("Re-offending check \\(3 months\\)"))).to_be_visible()
    axe(page)

    page.goto(f"{live_server.url}/casework/followups/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My follow-ups")
    expect(page.get_by_role("link", name="Synthetic Academy data sharing agreement")).to_be_visible()
    expect(page.locator(".badge", has_text="Overdue").first).to_be_visible()
    axe(page)

    page.locator(f"a[href='/casework/followups/{check.pk}/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Re-offending check (3 months)")
    axe(page)

    page.get_by_role("button", name="Record as done").click()  # no result chosen: an error at the field
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe(page)

    page.get_by_label("Result of the check").select_option(ReoffendingResult.NO_FURTHER_CONCERN)
    page.get_by_label("Notes").fill("PNC checked: nothing new.")
    page.get_by_role("button", name="Record as done").click()
    expect(page.get_by_text("No further concern")).to_be_visible()
    axe(page)
    assert FollowUp.objects.get(pk=check.pk).status == FollowUpStatus.DONE

    page.get_by_role("link", name="Back to my follow-ups").click()
    page.get_by_role("link", name="Synthetic Academy data sharing agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data sharing agreement expiry")
    expect(page.get_by_role("link", name="Synthetic Academy")).to_be_visible()
    axe(page)

    page.goto(f"{live_server.url}/casework/followups/")
    page.get_by_role("link", name="Reminder settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminder settings")
    axe(page)
    page.get_by_label("Send me the daily digest of follow-ups due and overdue").uncheck()
    page.get_by_role("button", name="Save").click()
    axe(page)
    assert ReminderPreference.objects.get(user=officer).digest_enabled is False
    assert csp_violations == []
