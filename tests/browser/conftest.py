"""Browser fixtures: Debian's Chromium driven by Playwright, and axe-core for accessibility.

Playwright cannot download its own browsers here, so every test runs the system
Chromium at /usr/bin/chromium (the repo-root conftest skips browser tests when it
is missing, or fails under REQUIRE_BROWSER=1).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Force
from accounts.tests.factories import ForceFactory

# Playwright's sync API runs an event loop in the test's thread, so Django sees
# "an async context" and refuses ORM calls made by the test itself (factories,
# assertions). The test never shares a connection with that loop: allow it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Pages answer in milliseconds, but CI machines run other suites alongside:
# wait up to 10 s (Playwright's default is 5 s) before calling a page broken.
expect.set_options(timeout=10_000)

CHROMIUM = "/usr/bin/chromium"
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA is the target; best-practice adds checks such as "one main landmark".
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations", "incomplete"],
}
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            # The machine has no network: without these Chromium keeps trying
            # to reach Google's services and logs every refused connection.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest):
    """pytest-django's ``live_server``, started with a string ``MEDIA_URL``.

    The settings set ``MEDIA_URL = None`` (no media route). Django's live server
    wraps the app in a media-files handler that parses ``MEDIA_URL`` once, when
    the server thread starts; parsing None gives bytes and every request then
    fails with a TypeError. For that moment only, give it a prefix the app
    never links to. Once MEDIA_URL is a string this is pytest-django's fixture.
    """
    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    media_url = settings.MEDIA_URL if settings.MEDIA_URL is not None else "/__media-not-served__/"
    with override_settings(MEDIA_URL=media_url):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture
def home_force(transactional_db) -> Force:
    """West Midlands Police, as the data migration seeds it.

    Browser tests are transactional, and the flush after each one empties the
    forces table too. ``serialized_rollback`` cannot restore it reliably here:
    once Playwright's event loop runs, Django hands the test a new database
    wrapper that lacks the serialized copy. get_or_create works either way.
    """
    return ForceFactory(code="WM", name="West Midlands Police")


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `npm ci` (axe-core is a devDependency in package.json).")
    return AXE_SOURCE.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source: str):
    """``axe(page)`` runs axe-core on the page as it is now and fails on serious or critical violations.

    The app's CSP allows no inline script, so axe is not added as a <script> tag:
    ``page.evaluate`` runs it through the DevTools protocol, which the page's CSP
    does not govern. The check ``typeof axe.run`` proves it really loaded. It is
    loaded afresh on every call: a second ``axe.run`` in the same document
    reuses results cached by the first and misses changes made since.
    """

    def check(page: Page) -> None:
        page.evaluate(axe_source)
        assert page.evaluate("() => typeof window.axe?.run") == "function", "axe-core did not load in the page"
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
        blocking += _invisible_text(results["incomplete"])
        assert not blocking, f"axe found problems on {page.url}:\n" + "\n".join(_describe(v) for v in blocking)

    return check


def _invisible_text(incomplete: list[dict]) -> list[dict]:
    """Text as dark as its background (1:1 contrast).

    axe leaves these "for review" in case the text is hidden on purpose, but we
    hide text with ``visually-hidden``, never by colour: here it is a bug (an
    unreadable "Sign out" button was found this way).
    """
    found = []
    for result in incomplete:
        if result["id"] != "color-contrast":
            continue
        nodes = [
            n for n in result["nodes"] if any(c.get("data", {}).get("messageKey") == "equalRatio" for c in n["any"])
        ]
        if nodes:
            found.append(
                {**result, "impact": "serious", "help": "Text has the same colour as its background", "nodes": nodes}
            )
    return found


def _describe(violation: dict) -> str:
    targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
    return (
        f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})\n    at {targets}"
    )


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    """Console messages about the Content-Security-Policy seen by ``page`` (should stay empty)."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen
