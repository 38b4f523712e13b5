"""The subject page: scoped to the user's forces, logged, restricted records masked, a fixed query count."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from subjects import hooks, timeline
from subjects.models import BreakGlassAccess, CaseStatus, VulnerabilityFlag
from subjects.selectors.lists import years_before

from .factories import (
    AssociationFactory,
    AttachmentFactory,
    CaseFactory,
    ContactFactory,
    ContextFactory,
    EngagementFactory,
    OnlineIdentifierFactory,
    SubjectAliasFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db

SUBJECT_SOURCES = [
    timeline.case_opened_entries,
    timeline.case_status_entries,
    timeline.engagement_entries,
    timeline.attachment_entries,
]


def detail_url(subject) -> str:
    return reverse("subjects:detail", args=[subject.pk])


@pytest.fixture
def officer_a(personas):
    return personas["officer_a"]


@pytest.fixture
def client_a(client_for, officer_a):
    return client_for(officer_a)


@pytest.fixture
def subject(force_a, officer_a):
    return SubjectFactory(
        force=force_a,
        first_name="Jamie",
        last_name="Keyboard",
        date_of_birth=date(2010, 5, 17),
        assigned_officer=officer_a,
    )


def consultations(subject):
    return AccessEvent.objects.filter(
        operation=Operation.CONSULTATION, object_type="subject", object_id=str(subject.pk)
    )


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def test_an_officer_of_the_force_sees_the_page(client_a, subject):
    response = client_a.get(detail_url(subject))

    assert response.status_code == 200
    assert "Jamie Keyboard" in response.content.decode()


def test_an_officer_of_another_force_gets_not_found(client_for, personas, subject):
    assert client_for(personas["officer_b"]).get(detail_url(subject)).status_code == 404


@pytest.mark.parametrize("guess", [0, 1, 999_999])
def test_a_guessed_id_is_not_found_either(client_for, personas, subject, guess):
    assert client_for(personas["officer_b"]).get(reverse("subjects:detail", args=[guess])).status_code == 404


def test_a_merged_away_record_is_not_found(client_a, subject, force_a):
    survivor = SubjectFactory(force=force_a)
    subject.merged_into = survivor
    subject.save()

    assert client_a.get(detail_url(subject)).status_code == 404


@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_casework_are_refused(client_for, personas, subject, persona):
    assert client_for(personas[persona]).get(detail_url(subject)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, subject):
    response = client.get(detail_url(subject))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_viewing_the_page_is_logged_as_a_consultation(client_a, officer_a, subject, force_a):
    client_a.get(detail_url(subject))

    event = consultations(subject).get()
    assert event.actor == officer_a
    assert event.force == force_a.code


def test_a_refused_view_is_not_logged_as_a_consultation(client_for, personas, subject):
    client_for(personas["officer_b"]).get(detail_url(subject))

    assert not consultations(subject).exists()


# ------------------------------------------------------------------------------
# Restricted records
# ------------------------------------------------------------------------------
@pytest.fixture
def restricted(force_a):
    contact = UserFactory(first_name="Rita", last_name="Contact")
    return SubjectFactory(
        force=force_a,
        first_name="Hiddenfirst",
        last_name="Secretlast",
        date_of_birth=date(2009, 2, 3),
        restricted=True,
        restriction_contact=contact,
    )


def test_a_restricted_record_shows_only_its_reference_and_whom_to_contact(client_a, restricted):
    OnlineIdentifierFactory(subject=restricted, handle="secret_handle")
    EngagementFactory(case__subject=restricted, narrative="Secret narrative")

    response = client_a.get(detail_url(restricted))
    html = response.content.decode()

    assert response.status_code == 200
    assert restricted.reference in html
    assert "This record is restricted. Contact Rita Contact." in html
    assert reverse("subjects:break_glass", args=[restricted.pk]) in html
    for secret in ["Hiddenfirst", "Secretlast", "2009", "3 Feb", "secret_handle", "Secret narrative"]:
        assert secret not in html


def test_a_restricted_record_seen_without_details_is_not_a_consultation(client_a, restricted):
    client_a.get(detail_url(restricted))

    assert not consultations(restricted).exists()


@pytest.mark.parametrize("who", ["need_to_know", "assigned", "sergeant", "break_glass"])
def test_those_entitled_see_a_restricted_record_in_full(client_for, personas, restricted, officer_a, who):
    viewer = personas["sergeant"] if who == "sergeant" else officer_a
    if who == "need_to_know":
        restricted.need_to_know.add(officer_a)
    if who == "assigned":
        restricted.assigned_officer = officer_a
        restricted.save()
    if who == "break_glass":
        BreakGlassAccess.objects.create(
            subject=restricted,
            user=officer_a,
            reason="Urgent safeguarding",
            expires_at=timezone.now() + timedelta(hours=1),
        )

    html = client_for(viewer).get(detail_url(restricted)).content.decode()

    assert "Hiddenfirst Secretlast" in html
    assert consultations(restricted).exists()


def test_an_expired_break_glass_no_longer_opens_the_record(client_a, officer_a, restricted):
    BreakGlassAccess.objects.create(
        subject=restricted, user=officer_a, reason="Earlier", expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert "Hiddenfirst" not in client_a.get(detail_url(restricted)).content.decode()


# ------------------------------------------------------------------------------
# Content
# ------------------------------------------------------------------------------
def test_the_header_shows_reference_age_force_risk_flags_category_and_officer(client_a, subject, officer_a, force_a):
    subject.risk_level = "high"
    subject.restricted = True
    subject.save()
    subject.vulnerability_flags.set([VulnerabilityFlag.objects.get(code="adhd")])

    html = client_a.get(detail_url(subject)).content.decode()

    age = timezone.localdate().year - 2010 - (timezone.localdate() < date(timezone.localdate().year, 5, 17))
    assert subject.reference in html
    assert f"{age} <span" in html
    assert force_a.name in html
    assert "High risk" in html
    assert "ADHD" in html
    assert "Restricted</span>" in html
    assert "At risk" in html
    assert str(officer_a) in html


def test_a_child_under_10_is_flagged(client_a, force_a, officer_a):
    child = SubjectFactory(
        force=force_a, assigned_officer=officer_a, date_of_birth=years_before(timezone.localdate(), 9)
    )

    assert "Under 10" in client_a.get(detail_url(child)).content.decode()


def test_a_ten_year_old_is_not_flagged_under_10(client_a, force_a, officer_a):
    child = SubjectFactory(
        force=force_a, assigned_officer=officer_a, date_of_birth=years_before(timezone.localdate(), 10)
    )

    assert "Under 10" not in client_a.get(detail_url(child)).content.decode()


def test_a_case_past_its_first_contact_date_shows_overdue(client_a, subject):
    CaseFactory(subject=subject, first_contact_due=timezone.localdate() - timedelta(days=1))

    assert "Overdue" in client_a.get(detail_url(subject)).content.decode()


def test_a_case_with_first_contact_made_is_not_overdue(client_a, subject):
    CaseFactory(
        subject=subject,
        first_contact_due=timezone.localdate() - timedelta(days=1),
        first_contact_at=timezone.now() - timedelta(days=2),
    )

    assert "Overdue" not in client_a.get(detail_url(subject)).content.decode()


def test_the_sections_show_identifiers_aliases_contacts_associations_and_attachments(client_a, subject, force_a):
    OnlineIdentifierFactory(subject=subject, handle="keyboard_warrior")
    SubjectAliasFactory(subject=subject, name="KB")
    ContactFactory(subject=subject, name="Pat Parent")
    server = ContextFactory(name="Booter Hub")
    AssociationFactory(subject=subject, context=server)
    sibling = SubjectFactory(force=force_a, first_name="Sibling", last_name="Keyboard")
    AssociationFactory(subject=sibling, context=None, other_subject=subject, relationship="sibling")
    attachment = AttachmentFactory(subject=subject, original_name="consent.pdf")

    html = client_a.get(detail_url(subject)).content.decode()

    assert "keyboard_warrior" in html
    assert "KB" in html
    assert "Pat Parent" in html
    assert reverse("subjects:context_detail", args=[server.pk]) in html
    assert "Sibling Keyboard" in html
    assert reverse("subjects:attachment_download", args=[attachment.pk]) in html


def test_an_associate_in_another_force_is_left_out(client_a, subject, force_b):
    outsider = SubjectFactory(force=force_b, first_name="Outside", last_name="Force")
    AssociationFactory(subject=subject, context=None, other_subject=outsider, relationship="associate")

    assert "Outside Force" not in client_a.get(detail_url(subject)).content.decode()


def test_a_restricted_associate_shows_by_reference_only(client_a, subject, restricted):
    AssociationFactory(subject=subject, context=None, other_subject=restricted, relationship="associate")

    html = client_a.get(detail_url(subject)).content.decode()

    assert restricted.reference in html
    assert "Hiddenfirst" not in html


def test_an_open_case_offers_the_engagement_form_and_a_closed_one_does_not(client_a, subject):
    open_case = CaseFactory(subject=subject, number=1, status=CaseStatus.ACTIVE)
    closed_case = CaseFactory(subject=subject, number=2, status=CaseStatus.CLOSED)

    html = client_a.get(detail_url(subject)).content.decode()

    assert reverse("subjects:engagement_add", args=[open_case.pk]) in html
    assert reverse("subjects:engagement_add", args=[closed_case.pk]) not in html


def fill_page(subject, engagements: int) -> None:
    case = CaseFactory(subject=subject, number=1, status=CaseStatus.ACTIVE)
    CaseFactory(subject=subject, number=2, status=CaseStatus.TRIAGE)
    EngagementFactory.create_batch(engagements, case=case)
    AttachmentFactory.create_batch(2, subject=subject)
    OnlineIdentifierFactory.create_batch(2, subject=subject)
    AssociationFactory(subject=subject)


@pytest.mark.parametrize("rows", [5, 50])
def test_the_page_costs_the_same_queries_for_5_and_50_timeline_entries(
    client_a, subject, rows, django_assert_num_queries, monkeypatch
):
    # The subjects app's own timeline sources; other apps' sources are counted in the test below.
    monkeypatch.setattr(hooks.timeline_sources, "_receivers", list(SUBJECT_SOURCES))
    fill_page(subject, rows)
    client_a.get("/")  # the first request of a session starts its idle clock (a session write)

    # session, user, OTP device, the user's forces; the subject; the consultation event;
    # sections: flags, cases, identifiers, aliases, contacts, associations, attachments;
    # officers for the engagement forms; timeline: cases opened, status changes,
    # engagements + their officers, attachments
    with django_assert_num_queries(19):
        response = client_a.get(detail_url(subject))

    assert response.status_code == 200


def test_the_page_costs_the_same_queries_for_5_and_50_entries_with_every_registered_source(client_a, subject):
    fill_page(subject, 5)
    client_a.get("/")  # the first request of a session starts its idle clock (a session write)
    with CaptureQueriesContext(connection) as five:
        client_a.get(detail_url(subject))
    EngagementFactory.create_batch(45, case=subject.cases.get(number=1))

    with CaptureQueriesContext(connection) as fifty:
        client_a.get(detail_url(subject))

    assert len(fifty) == len(five)
