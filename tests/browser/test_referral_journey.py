"""A referral from intake to the first home visit, in the browser (issue 3).

An officer records a referral about a person already known under a misspelt
name and a differently written Discord handle, sees the possible-match warning,
links the referral to the known person, moves the new case through triage to
active, logs a home visit inline on the subject page and finds it on the
timeline. Each page on the way is checked with axe-core (WCAG 2.2 AA), and no
page breaks the Content-Security-Policy.
"""

import re
from datetime import date

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from subjects.models import Case, CaseStatus, Engagement, EngagementType, Subject
from subjects.tests.factories import OnlineIdentifierFactory, SubjectFactory

# transaction=True: the live server runs in another thread and must see the test's rows.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KNOWN_REFERENCE = "WM-2026-00042"
CASE_REFERENCE = f"{KNOWN_REFERENCE}/1"


def sign_in(page: Page, base_url: str, user) -> None:
    """Password then the authenticator code (the sign-in journey tests these pages in depth)."""
    device = TOTPDeviceFactory(user=user)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def move_case(page: Page, axe, *, action: str, reason_label: str, reason: str, to_label: str) -> None:
    """From the case page: follow the move button, give the reason, confirm, and land back on the case."""
    page.get_by_role("group", name="Case actions").get_by_role("link", name=action).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"→ {to_label.lower()}$"))
    axe(page)
    page.get_by_label(reason_label).fill(reason)
    page.get_by_role("button", name=f"Move to {to_label.lower()}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {CASE_REFERENCE}")
    expect(page.get_by_text(f"Case {CASE_REFERENCE} is now {to_label.lower()}.")).to_be_visible()
    history = page.get_by_role("table", name="Every status change of this case, oldest first")
    expect(history.get_by_role("row").filter(has_text=reason)).to_contain_text(to_label)
    axe(page)


def test_an_officer_links_a_referral_to_a_known_person_moves_the_case_to_active_and_logs_a_visit(
    live_server, page, axe, csp_violations, home_force
):
    officer = UserFactory(username="referral.officer", role=Role.OFFICER, home_force=home_force)
    known = SubjectFactory(
        reference=KNOWN_REFERENCE,
        force=home_force,
        first_name="Kieran",
        last_name="Whitfield",
        date_of_birth=date(2010, 5, 17),
        created_by=officer,
    )
    OnlineIdentifierFactory(subject=known, handle="kieran_w")
    sign_in(page, live_server.url, officer)

    # The referral: the same boy, his family name mistyped and his handle written another way.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Record a referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a referral")
    axe(page)
    page.get_by_label("First name").fill("Kieran")
    page.get_by_label("Family name").fill("Whitfeild")
    page.get_by_label("Date of birth").fill("2010-05-17")
    page.get_by_label("Platform 1", exact=True).select_option(label="Discord")
    page.get_by_label("Handle, address or wallet 1", exact=True).fill("@Kieran_W")
    page.get_by_label("Referral source").select_option(label="School")
    page.get_by_label("Referrer").fill("Designated safeguarding lead, Moor Lane Academy")
    page.get_by_label("Narrative").fill("Boasted in class of taking a game server offline.")
    page.get_by_role("button", name="Save referral").click()

    # Nothing is saved yet: the officer is warned the person may already be known.
    warning = page.get_by_role("alert").filter(has_text="Possible matches")
    expect(warning).to_contain_text("A person already recorded may be the person in this referral.")
    matches = page.get_by_role("group", name="What should happen with this referral?")
    match = matches.get_by_role("listitem").filter(has_text=KNOWN_REFERENCE)
    expect(match).to_contain_text("Kieran Whitfield")
    expect(match).to_contain_text("Same date of birth and a similar name; same Discord handle (kieran_w)")
    expect(page.get_by_label("Family name")).to_have_value("Whitfeild")
    assert not Case.objects.exists()
    axe(page)

    page.get_by_label(f"Link this referral to {KNOWN_REFERENCE}").check()
    page.get_by_role("button", name="Save referral").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {CASE_REFERENCE}")
    expect(page.get_by_text(f"Referral recorded as case {CASE_REFERENCE}.")).to_be_visible()
    expect(page.get_by_role("link", name=f"{KNOWN_REFERENCE} Kieran Whitfield")).to_be_visible()
    assert Subject.objects.count() == 1, "the referral was linked, so no second person may exist"
    axe(page)

    # Triage, then accept with a rationale, each through the transition form.
    move_case(
        page,
        axe,
        action="Start triage",
        reason_label="Note (optional)",
        reason="Checking with the school.",
        to_label="In triage",
    )
    move_case(
        page,
        axe,
        action="Accept: make active",
        reason_label="Triage decision and rationale",
        reason="Early interest in DDoS tools; suitable for Prevent engagement.",
        to_label="Active",
    )
    assert Case.objects.get().status == CaseStatus.ACTIVE

    # The subject page: log a home visit inline (he is 16, so the parent question is asked).
    page.get_by_role("link", name=f"{KNOWN_REFERENCE} Kieran Whitfield").click()
    expect(page).to_have_url(f"{live_server.url}/subjects/{known.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kieran Whitfield")
    # htmx (a deferred script) must have wired the form before it is sent, or the post would be a plain one.
    page.wait_for_load_state("load")
    engagement = page.get_by_role("region", name=f"Log an engagement on case {CASE_REFERENCE}")
    engagement.get_by_label("Type", exact=True).select_option(label="Home visit")
    engagement.get_by_label("Outcome", exact=True).select_option(label="Engaged")
    engagement.get_by_label("Parent or carer present").select_option(label="Yes")
    engagement.get_by_label("Notes").fill("Talked through the Computer Misuse Act with him and his mother.")
    engagement.get_by_role("button", name="Log engagement").click()

    expect(engagement.get_by_role("status")).to_contain_text("Home visit on ")
    expect(engagement.get_by_role("status")).to_contain_text(f"logged on case {CASE_REFERENCE}.")
    timeline = page.get_by_role("region", name="Timeline")
    visit = timeline.get_by_role("listitem").filter(has_text="Home visit: engaged")
    expect(visit).to_contain_text("Talked through the Computer Misuse Act with him and his mother.")
    expect(visit).to_contain_text("Parent or carer present: yes.")
    expect(visit).to_contain_text(f"Case {CASE_REFERENCE}")
    expect(timeline.get_by_role("listitem").filter(has_text="Case status: in triage → active")).to_have_count(1)
    # The form came back empty, ready for the next contact.
    expect(engagement.get_by_label("Notes")).to_have_value("")
    assert Engagement.objects.get().type == EngagementType.HOME_VISIT
    axe(page)

    assert csp_violations == []
