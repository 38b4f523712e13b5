"""A disposal from proposal to closing the case, in the browser.

The officer proposes a disposal → the sergeant returns it with a reason → the
officer amends and resubmits → the sergeant approves → the officer closes the
case, and the sergeant's queue is empty. A second walk covers the other pages:
planning and starting an intervention, the caseload review, a reassignment and a
supervisory review. Each page on the way is checked with axe-core, and no page
breaks the Content-Security-Policy.
"""

import re
from datetime import date

import pytest
from django_otp.oath import totp
from playwright.sync_api import Locator, Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from interventions.models import Disposal, DisposalStatus
from interventions.tests.factories import catalogues_seed
from subjects.models import Case, CaseStatus
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


def watch_csp(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


def waiting(page: Page) -> Locator:
    """The queue's list of disposals waiting for a decision (the page also lists reviews due)."""
    return page.get_by_role("region", name=re.compile("Disposals waiting for your decision"))


@pytest.fixture
def people(home_force):
    # A transactional test starts from a flushed database: make what the data migrations would have.
    catalogues_seed()
    officer = UserFactory(username="journey.officer", role=Role.OFFICER, home_force=home_force)
    sergeant = UserFactory(username="journey.sergeant", role=Role.SERGEANT, home_force=home_force)
    subject = SubjectFactory(created_by=officer, force=home_force, date_of_birth=date(2010, 6, 1))
    case = CaseFactory(subject=subject, status=CaseStatus.ACTIVE, first_contact_at=None)
    return officer, sergeant, case


def test_an_officer_and_a_sergeant_take_a_disposal_from_proposal_to_closing_the_case(
    live_server, page, browser, axe, csp_violations, people
):
    officer, sergeant, case = people
    base = live_server.url
    sergeant_context = browser.new_context()
    sergeant_page = sergeant_context.new_page()
    sergeant_csp = watch_csp(sergeant_page)
    sign_in(page, base, officer)
    sign_in(sergeant_page, base, sergeant)

    # The officer proposes a disposal from the case page, leaving the outcome to the type's usual one.
    page.goto(f"{base}/subjects/cases/{case.pk}/")
    page.get_by_role("link", name="Propose a disposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a disposal")
    axe(page)
    page.get_by_role("combobox", name=re.compile(r"^Disposal")).select_option(
        label="Outcome 22: diversionary or educational activity"
    )
    page.get_by_label("Information and intelligence").fill("Came to notice on a booter user list.")
    page.get_by_label("Threat and risk, and the working strategy").fill("Low risk; divert from escalation.")
    page.get_by_label("Powers and policy").fill("CMA 1990 s.1; force out-of-court policy.")
    page.get_by_label("Options and contingencies").fill("NFA considered.")
    page.get_by_label("Action and review").fill("Cyber Choices workshop; checks at 3, 6, 12 months.")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Disposal: Outcome 22")
    axe(page)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("status").first).to_contain_text("submitted for approval")
    disposal = Disposal.objects.get(case=case)
    assert disposal.status == DisposalStatus.SUBMITTED
    assert disposal.outcome.code == "22"

    # The sergeant finds it in the queue and returns it; without a reason it is refused first.
    sergeant_page.goto(f"{base}/casework/approvals/")
    axe(sergeant_page)
    waiting(sergeant_page).get_by_role("link", name=case.reference).click()
    expect(sergeant_page.get_by_role("heading", name="Decide")).to_be_visible()
    axe(sergeant_page)
    sergeant_page.get_by_label("Return to the officer for changes").check()
    sergeant_page.get_by_role("button", name="Record the decision").click()
    summary = sergeant_page.get_by_role("alert")
    expect(summary).to_contain_text("Give a reason for returning or rejecting the disposal.")
    axe(sergeant_page)
    sergeant_page.get_by_label("Return to the officer for changes").check()
    sergeant_page.get_by_label("Comment").fill("Say why a workshop rather than mentoring.")
    sergeant_page.get_by_role("button", name="Record the decision").click()
    expect(sergeant_page).to_have_url(f"{base}/casework/approvals/")
    expect(waiting(sergeant_page)).to_contain_text("Nothing is waiting for your decision.")

    # The officer amends the options and resubmits.
    page.goto(f"{base}/casework/disposals/{disposal.pk}/")
    expect(page.get_by_text("Say why a workshop rather than mentoring.").first).to_be_visible()
    page.get_by_role("link", name="Edit", exact=True).click()
    axe(page)
    page.get_by_label("Options and contingencies").fill("NFA and mentoring considered; the workshop fits his age.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("status").first).to_contain_text("submitted for approval")

    # The sergeant approves; the queue empties.
    sergeant_page.goto(f"{base}/casework/approvals/")
    waiting(sergeant_page).get_by_role("link", name=case.reference).click()
    expect(sergeant_page.get_by_text("NFA and mentoring considered")).to_be_visible()
    sergeant_page.get_by_label("Approve").check()
    sergeant_page.get_by_role("button", name="Record the decision").click()
    expect(sergeant_page).to_have_url(f"{base}/casework/approvals/")
    expect(waiting(sergeant_page)).to_contain_text("Nothing is waiting for your decision.")
    axe(sergeant_page)

    # The officer closes the case.
    page.goto(f"{base}/subjects/cases/{case.pk}/transition/?to=closed")
    axe(page)
    page.get_by_label("Why the case is closing").select_option(label="Diversion completed")
    page.get_by_label(re.compile("Closure rationale")).fill("Disposal approved; workshop attended.")
    page.get_by_role("button", name=re.compile("Move to closed")).click()
    expect(page).to_have_url(f"{base}/subjects/cases/{case.pk}/")
    axe(page)

    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert list(Disposal.objects.get(pk=disposal.pk).status_changes.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    assert csp_violations == []
    assert sergeant_csp == []
    sergeant_context.close()


def test_the_intervention_caseload_and_review_pages_pass_axe(live_server, page, browser, axe, csp_violations, people):
    officer, sergeant, case = people
    base = live_server.url
    colleague = UserFactory(username="journey.colleague", role=Role.OFFICER, home_force=officer.home_force)
    sign_in(page, base, officer)

    # An intervention planned, opened and started.
    page.goto(f"{base}/subjects/cases/{case.pk}/")
    page.get_by_role("link", name="Plan an intervention").click()
    axe(page)
    page.get_by_role("combobox", name=re.compile(r"^Intervention")).select_option(label="Mentoring")
    page.get_by_role("button", name="Plan the intervention").click()
    page.get_by_role("link", name="Mentoring").click()
    axe(page)
    page.get_by_role("link", name="Start", exact=True).click()
    axe(page)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mentoring")
    expect(page.locator(".badge").first).to_have_text("Active")

    # The sergeant reviews the caseload, moves the case (a reason is needed) and records a review.
    sergeant_context = browser.new_context()
    sergeant_page = sergeant_context.new_page()
    sergeant_csp = watch_csp(sergeant_page)
    sign_in(sergeant_page, base, sergeant)
    sergeant_page.goto(f"{base}/casework/caseload/")
    axe(sergeant_page)
    sergeant_page.get_by_role("link", name=str(officer)).click()
    sergeant_page.get_by_label(f"Move case {case.reference}").check()
    sergeant_page.get_by_role("combobox", name=re.compile(r"^Move to")).select_option(label=f"{colleague} (officer)")
    sergeant_page.get_by_role("button", name="Move the ticked cases").click()
    expect(sergeant_page.get_by_role("alert")).to_contain_text("Give a reason for reassigning.")
    axe(sergeant_page)
    sergeant_page.get_by_label("Reason", exact=True).fill("Leave cover.")
    sergeant_page.get_by_role("button", name="Move the ticked cases").click()
    expect(sergeant_page.get_by_role("status").first).to_contain_text(f"1 case(s) moved to {colleague}")
    sergeant_page.goto(f"{base}/casework/cases/{case.pk}/review/")
    axe(sergeant_page)
    sergeant_page.get_by_label("What you reviewed").fill("Plan in place; mentoring started.")
    sergeant_page.get_by_role("button", name="Record the review").click()
    expect(sergeant_page).to_have_url(f"{base}/subjects/cases/{case.pk}/")
    axe(sergeant_page)

    assert Case.objects.get(pk=case.pk).assigned_officer == colleague
    assert csp_violations == []
    assert sergeant_csp == []
    sergeant_context.close()
