"""Site-wide behaviour: security headers, the health check, error pages that reveal nothing."""

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_carries_the_security_headers(officer_client):
    response = officer_client.get("/")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


def test_scripts_and_styles_come_from_the_app_only_with_no_nonce(officer_client):
    csp = officer_client.get("/")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    # What the README's security notes say: the pages need no nonce, as nothing inline runs.
    assert (directives["script-src"], directives["style-src"]) == ("'self'", "'self'")
    assert "nonce-" not in csp


def test_the_login_page_is_not_cached_either(client):
    assert "no-store" in client.get(reverse("accounts:login"))["Cache-Control"]


def test_hsts_is_sent_over_https(officer_client):
    response = officer_client.get("/", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_have_no_inline_script_or_style_attribute(officer_client):
    html = officer_client.get("/").content.decode()

    assert "<script>" not in html
    assert " style=" not in html
    assert " onclick=" not in html


def test_every_page_shows_the_protective_marking(client, officer_client, settings):
    settings.PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"

    for response in [client.get(reverse("accounts:login")), officer_client.get("/")]:
        assert response.content.decode().count("OFFICIAL-SENSITIVE") == 2


def test_the_marking_follows_the_setting(officer_client, settings):
    settings.PROTECTIVE_MARKING = "OFFICIAL"

    assert "OFFICIAL-SENSITIVE" not in officer_client.get("/").content.decode()


def test_a_post_without_a_csrf_token_is_refused(officer):
    from conftest import sign_in

    client = sign_in(Client(enforce_csrf_checks=True), officer)

    assert client.post(reverse("accounts:logout")).status_code == 403


def test_healthz_reports_the_database_and_broker_and_nothing_else(client, settings):
    settings.TASK_BROKER_CONFIGURED = False

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "broker": "not_configured"}


def test_healthz_says_when_the_broker_is_down(client, settings, mocker):
    from kombu import Connection

    from config.celery_app import app

    settings.TASK_BROKER_CONFIGURED = True
    mocker.patch.object(app, "connection_for_write", return_value=Connection("redis://127.0.0.1:1/0"))

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "ok", "broker": "error"}


def test_a_missing_page_reveals_nothing(officer_client):
    response = officer_client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "Traceback" not in body
    assert "urlpatterns" not in body.lower()


@override_settings(DEBUG=False)
def test_a_server_error_reveals_nothing():
    from config.views import error_500

    response = error_500(None)

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Traceback" not in response.content.decode()
