"""Logging an engagement from the subject page: htmx and plain POST, rules at the field, scoping."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from subjects.models import CaseStatus, Engagement, EngagementType
from subjects.selectors.lists import years_before

from .factories import CaseFactory, SubjectFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def officer_a(personas):
    return personas["officer_a"]


@pytest.fixture
def client_a(client_for, officer_a):
    return client_for(officer_a)


@pytest.fixture
def case(force_a, officer_a):
    """An active case of a 15-year-old."""
    subject = SubjectFactory(
        force=force_a,
        first_name="Jamie",
        last_name="Keyboard",
        assigned_officer=officer_a,
        date_of_birth=years_before(timezone.localdate(), 15) - timedelta(days=40),
    )
    return CaseFactory(subject=subject, status=CaseStatus.ACTIVE, assigned_officer=officer_a)


def add_url(case) -> str:
    return reverse("subjects:engagement_add", args=[case.pk])


def form_data(case, **fields) -> dict:
    when = timezone.localtime() - timedelta(hours=1)
    data = {
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "type": EngagementType.PHONE,
        "outcome": "engaged",
        "present": "",
        "parent_present": "not_applicable",
        "parent_absent_reason": "",
        "duration_minutes": "20",
        "narrative": "Discussed the Cyber Choices programme.",
        "next_action_date": "",
    }
    data.update(fields)
    return {f"case{case.pk}-{name}": value for name, value in data.items()}


# ------------------------------------------------------------------------------
# Success
# ------------------------------------------------------------------------------
def test_an_htmx_post_logs_it_and_returns_a_fresh_form_the_new_timeline_and_a_status(client_a, case, officer_a):
    response = client_a.post(add_url(case), form_data(case, narrative="Spoke to mum and Jamie."), **HTMX)
    html = response.content.decode()

    engagement = Engagement.objects.get(case=case)
    assert response.status_code == 200
    assert engagement.narrative == "Spoke to mum and Jamie."
    assert engagement.created_by == officer_a
    assert list(engagement.officers.all()) == [officer_a]
    assert f'id="engagement-form-{case.pk}"' in html
    assert "Spoke to mum and Jamie." not in html.split('id="timeline"')[0]  # the form came back empty
    assert 'id="timeline" aria-labelledby="timeline-heading" class="mb-4" hx-swap-oob="true"' in html
    assert "Phone call: engaged (20 min)" in html
    assert f'id="engagement-status-{case.pk}" hx-swap-oob="innerHTML"' in html
    assert "logged on case" in html


def test_the_timeline_an_htmx_post_brings_back_is_logged_as_a_consultation_of_the_subject(client_a, case):
    client_a.post(add_url(case), form_data(case), **HTMX)

    consulted = AccessEvent.objects.filter(operation=Operation.CONSULTATION, object_type="subject")
    assert list(consulted.values_list("object_id", "force")) == [(str(case.subject_id), case.force.code)]


def test_a_plain_post_logs_it_and_returns_to_the_subject_page(client_a, case):
    response = client_a.post(add_url(case), form_data(case))

    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:detail", args=[case.subject_id])
    assert Engagement.objects.filter(case=case).count() == 1
    page = client_a.get(response["Location"]).content.decode()
    assert "logged on case" in page
    assert "Phone call: engaged (20 min)" in page


def test_it_is_logged_as_a_collection_and_counts_as_first_contact(client_a, case):
    client_a.post(add_url(case), form_data(case), **HTMX)

    engagement = Engagement.objects.get(case=case)
    case.refresh_from_db()
    assert AccessEvent.objects.filter(
        operation=Operation.COLLECTION, object_type="engagement", object_id=str(engagement.pk)
    ).exists()
    assert case.first_contact_at == engagement.occurred_at


def test_other_officers_present_are_recorded_with_the_logger(client_a, case, officer_a, force_a):
    colleague = UserFactory(role=Role.OFFICER, home_force=force_a)

    client_a.post(add_url(case), form_data(case, officers=[colleague.pk]), **HTMX)

    assert set(Engagement.objects.get(case=case).officers.all()) == {officer_a, colleague}


def test_an_officer_of_another_force_cannot_be_named_present(client_a, case, personas):
    response = client_a.post(add_url(case), form_data(case, officers=[personas["officer_b"].pk]), **HTMX)

    assert "Select a valid choice" in response.content.decode()
    assert not Engagement.objects.exists()


def test_an_under_18_home_visit_with_a_parent_present_is_logged(client_a, case):
    data = form_data(case, type=EngagementType.HOME_VISIT, parent_present="yes")

    client_a.post(add_url(case), data, **HTMX)

    assert Engagement.objects.get(case=case).parent_present == "yes"


# ------------------------------------------------------------------------------
# Refused
# ------------------------------------------------------------------------------
def test_an_under_18_home_visit_without_parent_presence_is_refused_at_the_field(client_a, case):
    data = form_data(case, type=EngagementType.HOME_VISIT, narrative="Kept text")

    response = client_a.post(add_url(case), data, **HTMX)
    html = response.content.decode()

    assert response.status_code == 200
    assert not Engagement.objects.exists()
    assert f'id="id_case{case.pk}-parent_present_error"' in html
    assert "say whether a parent or carer was present" in html
    assert "Kept text" in html
    assert "There is a problem" in html


def test_an_under_18_home_visit_with_no_parent_needs_a_reason(client_a, case):
    data = form_data(case, type=EngagementType.HOME_VISIT, parent_present="no")

    html = client_a.post(add_url(case), data, **HTMX).content.decode()

    assert f'id="id_case{case.pk}-parent_absent_reason_error"' in html
    assert not Engagement.objects.exists()


def test_a_plain_post_with_bad_input_shows_the_subject_page_with_the_errors(client_a, case):
    data = form_data(case, type=EngagementType.HOME_VISIT, narrative="Kept text")

    response = client_a.post(add_url(case), data)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Jamie Keyboard" in html
    assert "say whether a parent or carer was present" in html
    assert "Kept text" in html
    assert not Engagement.objects.exists()


def test_an_adults_home_visit_needs_no_parent(client_a, case):
    case.subject.date_of_birth = date(1990, 1, 1)
    case.subject.save()

    client_a.post(add_url(case), form_data(case, type=EngagementType.HOME_VISIT), **HTMX)

    assert Engagement.objects.filter(case=case).exists()


def test_a_time_in_the_future_is_refused(client_a, case):
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    html = client_a.post(add_url(case), form_data(case, occurred_at=tomorrow), **HTMX).content.decode()

    assert "cannot be in the future" in html
    assert f'id="id_case{case.pk}-occurred_at_error"' in html
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("minutes", ["0", "601", "ten"])
def test_a_duration_outside_1_to_600_minutes_is_refused(client_a, case, minutes):
    html = client_a.post(add_url(case), form_data(case, duration_minutes=minutes), **HTMX).content.decode()

    assert f'id="id_case{case.pk}-duration_minutes_error"' in html
    assert not Engagement.objects.exists()


def test_missing_type_and_outcome_are_refused(client_a, case):
    html = client_a.post(add_url(case), form_data(case, type="", outcome=""), **HTMX).content.decode()

    assert f'id="id_case{case.pk}-type_error"' in html
    assert f'id="id_case{case.pk}-outcome_error"' in html
    assert not Engagement.objects.exists()


def test_a_closed_case_is_refused_clearly(client_a, case):
    case.status = CaseStatus.CLOSED
    case.save()

    html = client_a.post(add_url(case), form_data(case), **HTMX).content.decode()

    assert "engagements can only be logged on an open case" in html
    assert not Engagement.objects.exists()


def test_a_closed_case_refused_on_a_plain_post_says_so_on_the_subject_page(client_a, case):
    case.status = CaseStatus.CLOSED
    case.save()

    response = client_a.post(add_url(case), form_data(case), follow=True)

    assert "engagements can only be logged on an open case" in response.content.decode()
    assert not Engagement.objects.exists()


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def test_an_officer_of_another_force_gets_not_found(client_for, personas, case):
    response = client_for(personas["officer_b"]).post(add_url(case), form_data(case), **HTMX)

    assert response.status_code == 404
    assert not Engagement.objects.exists()


def test_a_restricted_persons_case_is_not_found_without_details(client_a, case):
    case.subject.restricted = True
    case.subject.assigned_officer = UserFactory()
    case.subject.save()

    assert client_a.post(add_url(case), form_data(case), **HTMX).status_code == 404


def test_an_analyst_is_refused(client_for, personas, case):
    assert client_for(personas["analyst"]).post(add_url(case), form_data(case)).status_code == 403
    assert not Engagement.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, case):
    response = client.post(add_url(case), form_data(case))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Engagement.objects.exists()


def test_a_sergeant_of_the_force_may_log_one(client_for, personas, case):
    response = client_for(personas["sergeant"]).post(add_url(case), form_data(case), **HTMX)

    assert response.status_code == 200
    assert Engagement.objects.filter(case=case).exists()


def test_a_get_leads_to_the_form_on_the_subject_page(client_a, case):
    response = client_a.get(add_url(case))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('subjects:detail', args=[case.subject_id])}#engagement-{case.pk}"


def test_a_get_of_another_forces_case_is_not_found(client_for, personas, case):
    assert client_for(personas["officer_b"]).get(add_url(case)).status_code == 404


# ------------------------------------------------------------------------------
# The form on the page
# ------------------------------------------------------------------------------
def test_the_form_is_keyboard_friendly_and_labelled(client_a, case):
    html = client_a.get(reverse("subjects:detail", args=[case.subject_id])).content.decode()

    prefix = f"id_case{case.pk}-"
    for field in ["occurred_at", "type", "outcome", "present", "parent_present", "duration_minutes", "narrative"]:
        assert f'for="{prefix}{field}"' in html
    assert f'hx-post="{add_url(case)}"' in html
    assert f'action="{add_url(case)}"' in html
    assert f'hx-target="#engagement-form-{case.pk}"' in html
    assert 'type="datetime-local"' in html
    assert f'id="engagement-status-{case.pk}" role="status"' in html
    assert html.index(f'{prefix}occurred_at"') < html.index(f'{prefix}type"') < html.index(f'{prefix}narrative"')


def test_the_parent_fields_are_left_out_for_an_adult(client_a, case):
    case.subject.date_of_birth = date(1990, 1, 1)
    case.subject.save()

    html = client_a.get(reverse("subjects:detail", args=[case.subject_id])).content.decode()

    assert f'for="id_case{case.pk}-parent_present"' not in html
