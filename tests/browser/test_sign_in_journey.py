"""The first journey: sign in with a password, pass MFA, reach the dashboard, sign out.

Each page on the way is checked with axe-core (WCAG 2.2 AA) and the browser
console must report no Content-Security-Policy violation.
"""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Locator, Page, expect

from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory

# transaction=True: the live server runs in another thread and must see the test's rows.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN = re.compile(r"/accounts/login/(\?.*)?$")


def code_for(key: bytes) -> str:
    """The 6-digit code an authenticator app holding ``key`` shows now."""
    return f"{totp(key):06d}"


def code_from_set_up_key(shown: str) -> str:
    """Type the key shown on the enrolment page into an "app", as a user without a camera would."""
    secret = "".join(shown.split())
    return code_for(b32decode(secret + "=" * (-len(secret) % 8)))


def tab_to(page: Page, target: Locator, limit: int = 10) -> None:
    """Move focus with the Tab key alone until ``target`` has it (autofocus may have put it there already)."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def sign_in_with_password(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()


def test_it_takes_a_new_user_through_enrolment_to_the_dashboard_and_out(
    live_server, page, axe, csp_violations, home_force
):
    user = UserFactory(username="new.officer", home_force=home_force)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(LOGIN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    axe(page)

    sign_in_with_password(page, live_server.url, user.username)
    expect(page).to_have_url(f"{live_server.url}/accounts/mfa/enrol/")
    expect(page.locator(".mfa-qr svg")).to_be_visible()
    axe(page)

    set_up_key = page.locator(".secret-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill(code_from_set_up_key(set_up_key))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/mfa/backup-codes/")
    expect(page.locator(".backup-codes li")).to_have_count(10)
    axe(page)

    page.get_by_role("link", name="I have saved them").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    axe(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(LOGIN)
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(LOGIN)
    assert csp_violations == []


def test_it_keeps_an_enrolled_user_on_the_code_step_until_the_code_is_right(
    live_server, page, axe, csp_violations, home_force
):
    device = TOTPDeviceFactory(user=UserFactory(username="enrolled.officer", home_force=home_force))

    sign_in_with_password(page, live_server.url, device.user.username)
    expect(page).to_have_url(f"{live_server.url}/accounts/mfa/verify/")
    axe(page)

    wrong = "000000" if code_for(device.bin_key) != "000000" else "111111"
    page.get_by_label("Code").fill(wrong)
    page.get_by_role("button", name="Verify").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_url(f"{live_server.url}/accounts/mfa/verify/")
    axe(page)

    # django-otp refuses any code for a second after a failure (OTP_TOTP_THROTTLE_FACTOR);
    # a person reading the message and typing again takes longer than that.
    page.wait_for_timeout(1100)
    page.get_by_label("Code").fill(code_for(device.bin_key))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert csp_violations == []


def test_it_offers_the_skip_link_first_on_the_sign_in_page(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused(timeout=1000)
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_it_lets_a_keyboard_user_sign_in_with_enter_and_skip_the_navigation(
    live_server, page, csp_violations, home_force
):
    device = TOTPDeviceFactory(user=UserFactory(username="keyboard.officer", home_force=home_force))

    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(device.user.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/accounts/mfa/verify/")
    tab_to(page, page.get_by_label("Code"))
    page.keyboard.type(code_for(device.bin_key))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert csp_violations == []
