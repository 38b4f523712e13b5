"""Follow-up pages: "My follow-ups", recording a result, opening a new case, reminder settings; who may see what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from followups import reminders
from followups.models import FollowUp, FollowUpKind, FollowUpStatus, ReminderPreference, ReoffendingResult
from subjects.models import Case, ReferralSource

from .factories import FollowUpFactory

pytestmark = pytest.mark.django_db

MINE = reverse("followups:list")
PREFERENCES = reverse("followups:reminder_preferences")


def _detail(followup) -> str:
    return reverse("followups:detail", args=[followup.pk])


def test_it_lists_my_due_follow_ups_overdue_first(client_for, officer, case, sergeant):
    today = timezone.localdate()
    later = FollowUpFactory(case=case, due_date=today + timedelta(days=5))
    overdue = FollowUpFactory(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW, due_date=today - timedelta(days=3))
    FollowUpFactory(case=case, kind=FollowUpKind.INTERVENTION_REVIEW, status=FollowUpStatus.DONE)
    FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M, assignee=sergeant)

    response = client_for(officer).get(MINE)

    assert list(response.context["page"]) == [overdue, later]
    assert "Overdue" in response.content.decode()


def test_my_follow_ups_leave_out_another_forces_cases(client_for, officer, case_b):
    FollowUpFactory(case=case_b, assignee=officer)

    response = client_for(officer).get(MINE)

    assert list(response.context["page"]) == []


@pytest.mark.parametrize("rows", [5, 50])
def test_my_follow_ups_cost_the_same_queries_for_5_and_50_rows(
    client_for, officer, case, rows, django_assert_num_queries
):
    for day in range(rows):
        FollowUpFactory(case=case, due_date=timezone.localdate() + timedelta(days=day))
    client = client_for(officer)
    client.get("/")  # the first request of a session starts its idle clock (a session write)

    # session, user, OTP device, the officer's forces, the count for the pager, the page of follow-ups (one join)
    with django_assert_num_queries(6):
        response = client.get(MINE)

    assert len(response.context["page"]) == rows


def test_the_follow_up_page_costs_a_fixed_number_of_queries(client_for, officer, case, django_assert_num_queries):
    followup = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M)
    client = client_for(officer)
    client.get("/")

    # session, user, OTP device, the officer's forces, the follow-up with its case, subject, force and people
    with django_assert_num_queries(5):
        client.get(_detail(followup))


def test_an_officer_records_a_reoffending_check_and_opens_a_new_case(client_for, officer, case):
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_12M)
    client = client_for(officer)

    response = client.post(_detail(check), {"result": ReoffendingResult.REOFFENDED, "notes": "PNC checked."})

    assert response.status_code == 302
    page = client.get(_detail(check)).content.decode()
    assert "Open a new case for this subject" in page
    response = client.post(reverse("followups:open_case", args=[check.pk]))
    new = Case.objects.exclude(pk=case.pk).get(subject=case.subject)
    assert response.url == reverse("subjects:case_detail", args=[new.pk])
    assert new.source == ReferralSource.OTHER


def test_a_reoffending_check_without_a_result_is_refused_at_the_field(client_for, officer, case):
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M)

    response = client_for(officer).post(_detail(check), {"notes": "Kept"})

    assert response.status_code == 200
    assert "result" in response.context["form"].errors
    assert "Kept" in response.content.decode()
    assert FollowUp.objects.get(pk=check.pk).status == FollowUpStatus.DUE


def test_opening_a_case_needs_a_check_that_found_reoffending(client_for, officer, case):
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M)

    response = client_for(officer).post(reverse("followups:open_case", args=[check.pk]))

    assert response.status_code == 302
    assert Case.objects.filter(subject=case.subject).count() == 1


def test_a_first_contact_follow_up_is_recorded_without_a_result(client_for, officer, case):
    followup = FollowUpFactory(case=case)

    client_for(officer).post(_detail(followup), {"notes": ""})

    followup.refresh_from_db()
    assert (followup.status, followup.result) == (FollowUpStatus.DONE, "")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer_a", 200),
        ("sergeant", 200),
        ("officer_b", 404),
        ("admin_support", 403),
        ("analyst", 403),
        ("anonymous", 302),
    ],
)
def test_the_follow_up_page_answers_by_role_and_force(client_for, personas, case, persona, status):
    followup = FollowUpFactory(case=case)

    response = client_for(personas[persona]).get(_detail(followup))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("officer_a", 200), ("sergeant", 200), ("analyst", 403), ("anonymous", 302)]
)
def test_my_follow_ups_answer_by_role(client_for, personas, persona, status):
    assert client_for(personas[persona]).get(MINE).status_code == status


def test_an_officer_turns_the_digest_off_and_on(client_for, officer):
    client = client_for(officer)
    assert client.get(PREFERENCES).context["form"].initial == {"digest_enabled": True}

    client.post(PREFERENCES, {})
    assert ReminderPreference.objects.get(user=officer).digest_enabled is False
    client.post(PREFERENCES, {"digest_enabled": "on"})
    assert ReminderPreference.objects.get(user=officer).digest_enabled is True


def test_a_reminder_links_to_a_page_its_recipient_can_open(client_for, officer, case):
    FollowUpFactory(case=case, due_date=timezone.localdate())
    reminders.reminders_sweep()

    note = Notification.objects.get(recipient=officer)
    assert client_for(officer).get(note.url).status_code == 200


def test_the_bell_shows_a_sweeps_reminders_at_once_and_costs_no_query_once_warm(
    client_for, officer, case, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    client.get(MINE)  # the bell's count (0) is now cached
    FollowUpFactory(case=case, due_date=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_sweep()

    page = client.get(MINE).content.decode()
    assert '<span class="badge text-bg-danger">1<span class="visually-hidden"> unread</span></span>' in page
    # session, user, OTP device, the officer's forces, the pager's count, the page of follow-ups: nothing for the bell
    with django_assert_num_queries(6):
        client.get(MINE)
