"""Fixtures shared by every app's tests: forces, the eight personas, signed-in clients."""

import os
import shutil

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import Force, Role
from accounts.tests.factories import StaticDeviceFactory, UserFactory

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached counts (the notification bell) never leak between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def force_a(db) -> Force:
    return Force.objects.get(code="WM")


@pytest.fixture
def force_b(db) -> Force:
    return Force.objects.get(code="ST")


def sign_in(client: Client, user) -> Client:
    """Sign ``user`` in with a verified second factor, as after a real MFA step."""
    device = StaticDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def personas(db, force_a, force_b) -> dict:
    """The people every access rule is checked against (None is the anonymous visitor)."""
    all_forces = list(Force.objects.all())
    return {
        "anonymous": None,
        "officer_a": UserFactory(username="officer_a", role=Role.OFFICER, home_force=force_a),
        "officer_b": UserFactory(username="officer_b", role=Role.OFFICER, home_force=force_b),
        "sergeant": UserFactory(username="sergeant_a", role=Role.SERGEANT, home_force=force_a),
        "inspector": UserFactory(username="inspector", role=Role.INSPECTOR, home_force=force_a, forces=all_forces),
        "admin_support": UserFactory(
            username="admin_support", role=Role.ADMIN_SUPPORT, home_force=force_a, forces=all_forces
        ),
        "analyst": UserFactory(username="analyst", role=Role.ANALYST, home_force=force_a, forces=all_forces),
        "sysadmin": UserFactory(username="sysadmin", role=Role.SYSADMIN, home_force=force_a, forces=[]),
    }


@pytest.fixture
def client_for(db):
    """``client_for(user)`` gives a client signed in as ``user`` with MFA done (anonymous for None)."""

    def make(user) -> Client:
        client = Client()
        return sign_in(client, user) if user is not None else client

    return make


@pytest.fixture
def officer(db, force_a):
    return UserFactory(role=Role.OFFICER, home_force=force_a)


@pytest.fixture
def officer_client(client_for, officer) -> Client:
    return client_for(officer)


# ------------------------------------------------------------------------------
# Browser tests
# ------------------------------------------------------------------------------
def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium; without it they are skipped, saying why.

    With REQUIRE_BROWSER=1 (CI) a missing Chromium is a failure, never a silent skip.
    """
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing: install Debian's chromium package.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: install Debian's chromium package to run browser tests")
    for item in browser_items:
        item.add_marker(skip)
