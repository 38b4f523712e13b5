import re

import pytest
from django.urls import reverse

from audit.models import AccessEvent, Operation
from reporting.models import QuarterlyReturn, ReturnStatus
from reporting.tests.factories import QuarterlyReturnFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_it_previews_the_figures_for_an_analyst(personas, client_for):
    response = client_for(personas["analyst"]).get(
        reverse("reporting:index"), {"year": 2026, "quarter": 1, "scope": "WM"}
    )

    assert response.status_code == 200
    assert b"Referrals received, by source" in response.content
    assert b"Generate the return" not in response.content


def test_it_generates_a_return_in_process_and_shows_the_files(personas, client_for, django_capture_on_commit_callbacks):
    client = client_for(personas["admin_support"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:generate"), {"year": 2026, "quarter": 1, "scope": "WM"})

    made = QuarterlyReturn.objects.get()
    assert response.status_code == 302
    assert made.status == ReturnStatus.DRAFT
    assert len(made.pdf_sha256) == len(made.csv_sha256) == len(made.xlsx_sha256) == 64
    status = client.get(reverse("reporting:return_status", args=[made.pk]))
    assert b"every 2s" not in status.content
    assert reverse("reporting:return_download", args=[made.pk, "pdf"]).encode() in status.content


def test_the_preview_form_carries_no_csrf_token_and_generating_posts_the_choice_previewed(personas, client_for):
    client = client_for(personas["admin_support"])
    choice = {"year": 2026, "quarter": 1, "scope": "WM", "external": "on"}

    before = client.get(reverse("reporting:index")).content.decode()
    html = client.get(reverse("reporting:index"), choice).content.decode()

    forms = re.findall(r"<form\b.*?</form>", html, flags=re.DOTALL)
    preview_form = next(form for form in forms if "Preview the figures" in form)
    generate_form = next(form for form in forms if "Generate the return" in form)
    assert 'method="get"' in preview_form
    assert "csrfmiddlewaretoken" not in preview_form
    assert "Generate the return" not in before  # only once there are figures to generate
    assert f'action="{reverse("reporting:generate")}"' in generate_form
    assert "csrfmiddlewaretoken" in generate_form
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', generate_form))
    hidden.pop("csrfmiddlewaretoken")
    assert hidden == {"year": "2026", "quarter": "1", "scope": "WM", "external": "on"}


def test_the_status_partial_polls_while_generating(personas, client_for):
    pending = QuarterlyReturnFactory(status=ReturnStatus.GENERATING, progress=40)

    response = client_for(personas["admin_support"]).get(reverse("reporting:return_status", args=[pending.pk]))

    assert b'hx-trigger="every 2s"' in response.content
    assert b"40%" in response.content


def test_an_analyst_cannot_generate_and_an_officer_sees_nothing(personas, client_for):
    assert client_for(personas["analyst"]).post(reverse("reporting:generate"), {}).status_code == 403
    assert client_for(personas["officer_a"]).get(reverse("reporting:index")).status_code == 403
    assert client_for(personas["sysadmin"]).get(reverse("reporting:index")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("reporting:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_sergeant_of_another_force_gets_404_and_cannot_see_the_region(personas, client_for, force_b):
    other = QuarterlyReturnFactory(force=force_b)
    region = QuarterlyReturnFactory(force=None)
    client = client_for(personas["sergeant"])

    assert client.get(reverse("reporting:return_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("reporting:return_detail", args=[region.pk])).status_code == 404


def test_every_download_is_logged_as_a_disclosure_to_the_user(personas, client_for):
    made = QuarterlyReturnFactory()
    user = personas["analyst"]

    response = client_for(user).get(reverse("reporting:return_download", args=[made.pk, "csv"]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    event = AccessEvent.objects.get(operation=Operation.DISCLOSURE, object_type="quarterly_return")
    assert event.recipient == user.username
    assert event.actor == user


def test_only_admin_support_submits(personas, client_for):
    made = QuarterlyReturnFactory()

    assert client_for(personas["inspector"]).post(reverse("reporting:return_submit", args=[made.pk])).status_code == 403
    client_for(personas["admin_support"]).post(reverse("reporting:return_submit", args=[made.pk]))

    made.refresh_from_db()
    assert made.status == ReturnStatus.SUBMITTED
