"""The case page (everything about one referral episode) and editing a case without losing anyone's update."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, Operation
from subjects.models import ActivityType, CaseStatus, CaseStatusChange, ReferralSource
from subjects.services import cases as services

from .factories import CaseFactory, EngagementFactory, SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_a(personas):
    return personas["officer_a"]


@pytest.fixture
def case(officer_a):
    subject = SubjectFactory(created_by=officer_a, first_name="Kai", last_name="Marsh")
    return CaseFactory(
        subject=subject,
        source=ReferralSource.NCA_OPERATION,
        referrer="NCA Prevent lead",
        operation="Op Clearwater",
        cma_sections=["s1", "s3A"],
        narrative="Bought a booter subscription with a friend.",
    )


def detail_url(case):
    return reverse("subjects:case_detail", args=[case.pk])


def edit_url(case):
    return reverse("subjects:case_edit", args=[case.pk])


# ------------------------------------------------------------------------------
# The case page
# ------------------------------------------------------------------------------
def test_it_shows_the_reference_the_subject_and_the_referral(client_for, officer_a, case):
    case.activity_types.set(ActivityType.objects.filter(code="booter_ddos"))

    html = client_for(officer_a).get(detail_url(case)).content.decode()

    assert f"Case {case.subject.reference}/{case.number}" in html
    assert reverse("subjects:detail", args=[case.subject.pk]) in html
    for text in ["NCA operation", "NCA Prevent lead", "Op Clearwater", "Booter / DDoS", "s1 unauthorised access"]:
        assert text in html
    assert "s3A making or supplying articles" in html
    assert "Bought a booter subscription with a friend." in html
    assert str(officer_a) in html


def test_it_shows_the_status_history_with_who_from_to_and_why(client_for, officer_a, personas, case):
    services.case_transition(case=case, by=personas["sergeant"], to_status=CaseStatus.TRIAGE, reason="Looks in scope")

    html = client_for(officer_a).get(detail_url(case)).content.decode()

    assert "Status history" in html
    assert str(personas["sergeant"]) in html
    assert "Looks in scope" in html
    assert "In triage" in html


def test_it_shows_the_rationale_of_decisions(client_for, officer_a, case):
    services.case_transition(case=case, by=officer_a, to_status=CaseStatus.DECLINED, reason="Adult, out of remit")

    html = client_for(officer_a).get(detail_url(case)).content.decode()

    assert "Triage rationale" in html
    assert "Adult, out of remit" in html


def test_it_lists_the_engagements_with_their_officers(client_for, officer_a, personas, case):
    EngagementFactory(case=case, narrative="Met with mum at home.", officers=[officer_a, personas["sergeant"]])

    html = client_for(officer_a).get(detail_url(case)).content.decode()

    assert "Met with mum at home." in html
    assert str(personas["sergeant"]) in html


def test_it_offers_the_moves_the_workflow_allows_from_the_status(client_for, officer_a, case):
    html = client_for(officer_a).get(detail_url(case)).content.decode()

    transition = reverse("subjects:case_transition", args=[case.pk])
    assert f"{transition}?to=triage" in html
    assert f"{transition}?to=declined" in html
    assert f"{transition}?to=active" not in html
    assert f"{transition}?to=closed" not in html


def test_a_closed_case_offers_no_moves(client_for, officer_a, case):
    case.status = CaseStatus.CLOSED
    case.save()

    html = client_for(officer_a).get(detail_url(case)).content.decode()

    assert "?to=" not in html


def test_a_first_contact_past_due_and_not_made_is_marked_overdue(client_for, officer_a, case):
    case.first_contact_due = timezone.localdate() - timedelta(days=1)
    case.save()

    assert "First contact overdue" in client_for(officer_a).get(detail_url(case)).content.decode()


def test_a_first_contact_already_made_is_not_overdue(client_for, officer_a, case):
    case.first_contact_due = timezone.localdate() - timedelta(days=1)
    case.first_contact_at = timezone.now() - timedelta(days=2)
    case.save()

    assert "First contact overdue" not in client_for(officer_a).get(detail_url(case)).content.decode()


def test_a_first_contact_due_today_is_not_yet_overdue(client_for, officer_a, case):
    case.first_contact_due = timezone.localdate()
    case.save()

    assert "First contact overdue" not in client_for(officer_a).get(detail_url(case)).content.decode()


def test_it_shows_the_next_supervisory_review(client_for, officer_a, case):
    case.next_review_date = timezone.localdate() + timedelta(days=10)
    case.save()

    html = client_for(officer_a).get(detail_url(case)).content.decode()

    assert f"{case.next_review_date:%-d %b %Y}" in html


def test_viewing_a_case_is_logged_as_a_consultation(client_for, officer_a, case):
    client_for(officer_a).get(detail_url(case))

    event = AccessEvent.objects.get(operation=Operation.CONSULTATION, object_type="case")
    assert (event.object_id, event.actor, event.force) == (str(case.pk), officer_a, "WM")


@pytest.mark.parametrize("rows", [5, 50])
def test_the_case_page_costs_the_same_queries_for_5_and_50_engagements_and_status_changes(
    client_for, officer_a, case, rows, django_assert_num_queries
):
    case.activity_types.set(ActivityType.objects.all()[:3])
    EngagementFactory.create_batch(rows, case=case)
    CaseStatusChange.objects.bulk_create(
        CaseStatusChange(case=case, from_status="", to_status=CaseStatus.NEW, by=officer_a, reason=f"row {n}")
        for n in range(rows)
    )
    client = client_for(officer_a)
    client.get(detail_url(case))  # the first request of a session writes the session once

    # session, user, OTP device, the officer's forces, the case (with subject, force, officer),
    # its activity types, status changes (with who), engagements, their officers, the access event,
    # then the interventions section: interventions, disposals, latest reviews
    with django_assert_num_queries(13):
        response = client.get(detail_url(case))

    assert response.status_code == 200
    assert response.content.decode().count("Synthetic engagement notes.") == rows


# ------------------------------------------------------------------------------
# Who may see a case
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["officer_a", "sergeant", "inspector"])
def test_caseworkers_of_the_force_see_the_case(client_for, personas, persona, case):
    assert client_for(personas[persona]).get(detail_url(case)).status_code == 200


@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_case_access_are_refused_the_case(client_for, personas, persona, case):
    assert client_for(personas[persona]).get(detail_url(case)).status_code == 403
    assert client_for(personas[persona]).get(edit_url(case)).status_code == 403


def test_an_officer_of_another_force_gets_not_found_for_the_case_and_guessed_ids(client_for, personas, case):
    client = client_for(personas["officer_b"])

    for url in [detail_url(case), edit_url(case), reverse("subjects:case_detail", args=[case.pk + 1000])]:
        assert client.get(url).status_code == 404
    assert not AccessEvent.objects.filter(operation=Operation.CONSULTATION).exists()


def test_the_case_of_a_restricted_subject_is_not_found_without_access(client_for, personas):
    case = CaseFactory(subject=SubjectFactory(created_by=personas["sergeant"], restricted=True))

    assert client_for(personas["officer_a"]).get(detail_url(case)).status_code == 404
    assert client_for(personas["sergeant"]).get(detail_url(case)).status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_case_pages(client, case):
    for url in [detail_url(case), edit_url(case)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# ------------------------------------------------------------------------------
# Editing a case
# ------------------------------------------------------------------------------
def edit_data(case, **overrides):
    data = {
        "version": case.version,
        "referral_date": case.referral_date.isoformat(),
        "source": case.source,
        "referrer": case.referrer,
        "operation": case.operation,
        "activity_types": [a.pk for a in case.activity_types.all()],
        "cma_sections": case.cma_sections,
        "narrative": case.narrative,
        "assigned_officer": case.assigned_officer_id or "",
        "next_review_date": case.next_review_date.isoformat() if case.next_review_date else "",
    }
    data.update(overrides)
    return data


def test_the_edit_form_carries_the_version_it_was_opened_at(client_for, officer_a, case):
    html = client_for(officer_a).get(edit_url(case)).content.decode()

    assert f'name="version" value="{case.version}"' in html


def test_saving_a_case_changes_it_and_logs_the_names_of_the_changed_fields_only(client_for, officer_a, case):
    response = client_for(officer_a).post(
        edit_url(case), edit_data(case, operation="Op Kestrel", narrative="Secret narrative text")
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.operation, case.version) == ("Op Kestrel", 2)
    event = AccessEvent.objects.get(operation=Operation.ALTERATION, object_type="case")
    assert event.changed_fields == ["narrative", "operation"]
    logged = f"{event.changed_fields} {event.justification} {event.object_id}"
    assert "Kestrel" not in logged
    assert "Secret" not in logged


def test_a_future_referral_date_is_refused_at_the_field_and_keeps_the_input(client_for, officer_a, case):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client_for(officer_a).post(edit_url(case), edit_data(case, referral_date=tomorrow, operation="Op New"))

    assert response.status_code == 200
    assert "referral_date" in response.context["form"].errors
    assert 'value="Op New"' in response.content.decode()
    case.refresh_from_db()
    assert (case.operation, case.version) == ("Op Clearwater", 1)


def test_an_officer_of_another_force_cannot_be_assigned(client_for, officer_a, personas, case):
    response = client_for(officer_a).post(edit_url(case), edit_data(case, assigned_officer=personas["officer_b"].pk))

    assert "assigned_officer" in response.context["form"].errors
    case.refresh_from_db()
    assert case.assigned_officer == officer_a


def test_two_people_editing_a_case_never_overwrite_each_other(client_for, officer_a, personas, case):
    first, second = client_for(officer_a), client_for(personas["sergeant"])
    opened_at = case.version
    first.get(edit_url(case))
    second.get(edit_url(case))

    saved = first.post(edit_url(case), edit_data(case, version=opened_at, operation="Op Alpha"))
    clash = second.post(edit_url(case), edit_data(case, version=opened_at, operation="Op Bravo", referrer="DSL"))

    assert saved.status_code == 302
    assert clash.status_code == 200
    case.refresh_from_db()
    assert (case.operation, case.referrer) == ("Op Alpha", "NCA Prevent lead")
    html = clash.content.decode()
    assert "Someone else saved this record while you were editing" in html
    assert 'value="Op Bravo"' in html
    assert 'value="DSL"' in html
    rows = {row.field: (row.yours, row.saved) for row in clash.context["conflict"].rows}
    assert rows == {"operation": ("Op Bravo", "Op Alpha"), "referrer": ("DSL", "NCA Prevent lead")}
    assert clash.context["conflict"].saved_by == str(officer_a)
    assert f'name="version" value="{case.version}"' in html


def test_saving_again_after_seeing_the_conflict_replaces_the_saved_version(client_for, officer_a, personas, case):
    first, second = client_for(officer_a), client_for(personas["sergeant"])
    opened_at = case.version
    first.post(edit_url(case), edit_data(case, version=opened_at, operation="Op Alpha"))
    clash = second.post(edit_url(case), edit_data(case, version=opened_at, operation="Op Bravo"))

    again = second.post(edit_url(case), dict(clash.context["form"].data.lists()))

    assert again.status_code == 302
    case.refresh_from_db()
    assert (case.operation, case.version) == ("Op Bravo", 3)


def test_a_status_move_made_while_editing_is_a_conflict_with_no_field_in_dispute(client_for, officer_a, personas, case):
    opened_at = case.version
    services.case_transition(case=case, by=personas["sergeant"], to_status=CaseStatus.TRIAGE)

    clash = client_for(officer_a).post(edit_url(case), edit_data(case, version=opened_at))

    assert clash.status_code == 200
    assert clash.context["conflict"].rows == []
    assert clash.context["conflict"].saved_by == str(personas["sergeant"])
    assert "Your version and the saved version are the same." in clash.content.decode()
