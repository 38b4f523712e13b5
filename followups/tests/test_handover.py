"""Follow-ups go with reassigned cases; what no case takes along is handed over; nobody leaves owing follow-ups."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Notification, Role, User
from accounts.services import user_deactivate
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent
from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from followups.services import followups_hand_over
from interventions.tests.factories import active_case_of
from subjects.models import CaseStatus
from subjects.services.cases import cases_reassign

from .factories import FollowUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(force_a):
    return UserFactory(role=Role.OFFICER, home_force=force_a)


def _handover(officer) -> str:
    return reverse("followups:handover", args=[officer.pk])


def _assignees(*followups) -> list:
    return [FollowUp.objects.get(pk=f.pk).assignee for f in followups]


# ------------------------------------------------------------------------------
# Reassigning cases
# ------------------------------------------------------------------------------
def test_reassigning_a_case_moves_its_due_follow_ups_and_tells_the_new_officer_how_many(
    case, officer, sergeant, colleague
):
    review = FollowUpFactory(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW)
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M)
    done = FollowUpFactory(case=case, kind=FollowUpKind.FIRST_CONTACT, status=FollowUpStatus.DONE)

    cases_reassign(case_ids=[case.pk], to_officer=colleague, by=sergeant, reason="Leaving.")

    assert _assignees(review, check, done) == [colleague, colleague, officer]
    titles = list(Notification.objects.filter(recipient=colleague).values_list("title", "url"))
    assert ("2 follow-up(s) came with the case(s) reassigned to you", reverse("followups:list")) in titles


def test_reassigning_a_case_without_due_follow_ups_sends_no_follow_up_notice(case, sergeant, colleague):
    cases_reassign(case_ids=[case.pk], to_officer=colleague, by=sergeant, reason="Leaving.")

    assert not Notification.objects.filter(recipient=colleague, title__contains="follow-up").exists()


# ------------------------------------------------------------------------------
# Deactivation
# ------------------------------------------------------------------------------
def test_deactivation_is_refused_while_follow_ups_are_due_and_allowed_once_their_case_is_reassigned(
    case, officer, sergeant, colleague, personas
):
    FollowUpFactory(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW)
    FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M)

    with pytest.raises(ValidationError) as refused:
        user_deactivate(user=officer, by=personas["sysadmin"], reason="Left the unit.")
    assert "still owes 2 follow-up(s): reassign their open cases" in " ".join(refused.value.messages)
    assert f"({_handover(officer)})" in " ".join(refused.value.messages)
    assert User.objects.get(pk=officer.pk).is_active

    cases_reassign(case_ids=[case.pk], to_officer=colleague, by=sergeant, reason="Leaving.")
    user_deactivate(user=officer, by=personas["sysadmin"], reason="Left the unit.")

    assert not User.objects.get(pk=officer.pk).is_active


def test_a_closed_cases_reoffending_check_is_handed_over_and_then_deactivation_is_allowed(
    client_for, officer, sergeant, colleague, personas, case
):
    case.status = CaseStatus.CLOSED
    case.save()
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_12M)
    with pytest.raises(ValidationError, match="still owes 1 follow-up"):
        user_deactivate(user=officer, by=personas["sysadmin"], reason="Left the unit.")

    response = client_for(sergeant).post(_handover(officer), {"to_user": colleague.pk, "reason": "Leaving."})

    assert response.status_code == 302
    assert _assignees(check) == [colleague]
    event = AccessEvent.objects.get(object_type="followup", object_id=str(check.pk))
    assert (event.actor, event.justification) == (sergeant, "Leaving.")
    assert Notification.objects.filter(recipient=colleague, title="1 follow-up(s) handed over to you").exists()
    user_deactivate(user=officer, by=personas["sysadmin"], reason="Left the unit.")
    assert not User.objects.get(pk=officer.pk).is_active


# ------------------------------------------------------------------------------
# The hand-over page
# ------------------------------------------------------------------------------
def test_the_handover_page_counts_what_is_due_by_kind(client_for, officer, sergeant, case):
    FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M)
    FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_6M)
    FollowUpFactory(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW, status=FollowUpStatus.DONE)

    response = client_for(sergeant).get(_handover(officer))

    assert response.context["rows"] == [("Re-offending check (3 months)", 1), ("Re-offending check (6 months)", 1)]
    assert response.context["total"] == 2


def test_handing_over_needs_a_reason_and_moves_nothing_without_one(client_for, officer, sergeant, colleague, case):
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M)

    response = client_for(sergeant).post(_handover(officer), {"to_user": colleague.pk, "reason": " "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert _assignees(check) == [officer]


def test_only_a_supervisor_hands_follow_ups_over(officer, colleague, case):
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M)

    with pytest.raises(ValidationError, match="Only a sergeant or inspector"):
        followups_hand_over(from_user=officer, to_user=colleague, by=colleague, reason="Leaving.")
    assert _assignees(check) == [officer]


def test_another_forces_follow_ups_are_not_handed_over(client_for, personas, force_b):
    officer_b = personas["officer_b"]
    colleague_b = UserFactory(role=Role.OFFICER, home_force=force_b)
    check = FollowUpFactory(case=active_case_of(officer_b), kind=FollowUpKind.REOFFENDING_3M)

    assert client_for(personas["sergeant"]).get(_handover(officer_b)).status_code == 404
    response = client_for(personas["sergeant"]).post(_handover(officer_b), {"to_user": colleague_b.pk, "reason": "x"})
    assert response.status_code == 404
    assert _assignees(check) == [officer_b]


@pytest.mark.parametrize("rows", [2, 20])
def test_the_handover_page_costs_the_same_queries_for_2_and_20_follow_ups(
    client_for, officer, sergeant, case, rows, django_assert_num_queries
):
    for day in range(rows):
        FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M, due_date=date(2030, 1, 1) + timedelta(days=day))
    client = client_for(sergeant)
    client.get("/")

    # session, user, OTP device, the sergeant's forces, the officer, the counts by kind, the colleagues offered
    with django_assert_num_queries(7):
        client.get(_handover(officer))
