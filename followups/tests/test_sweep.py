"""The reminder sweep: once per follow-up, one digest per user per day, escalation after N working days, quiet."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings

from accounts.models import Notification, Role
from accounts.tests.factories import ForceFactory, UserFactory
from followups import reminders, tasks
from followups.models import DigestSent, FollowUpKind, FollowUpStatus, Reminder
from interventions.models import DisposalStatus
from interventions.tests.factories import DisposalFactory
from subjects.models import CaseStatus, ClosureReason
from subjects.services.cases import case_transition
from subjects.tests.factories import CaseFactory, SubjectFactory

from .factories import FollowUpFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = date(2026, 12, 2)
MORNING = datetime(2026, 12, 2, 8, 0, tzinfo=LONDON)  # after DIGEST_HOUR (7) on a working day
FRIDAY_BEFORE = date(2026, 11, 27)  # three working days before WEDNESDAY
MONDAY = date(2026, 11, 30)  # two working days before WEDNESDAY


def _notes(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def _digests_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email] and m.subject.startswith("Follow-ups due")]


def test_it_reminds_the_assignee_once_however_often_it_runs(case, officer):
    followup = FollowUpFactory(case=case, due_date=WEDNESDAY)

    first = reminders.reminders_sweep(now=MORNING)
    second = reminders.reminders_sweep(now=MORNING)
    reminders.reminders_sweep(now=MORNING + timedelta(hours=1))

    assert (first.reminders, second.reminders) == (1, 0)
    assert _notes(officer) == [f"Due: First contact for {case.reference}, due 2026-12-02"]
    assert Notification.objects.get(recipient=officer).url == f"/casework/followups/{followup.pk}/"
    assert len(_digests_to(officer)) == 1
    assert DigestSent.objects.filter(user=officer, day=WEDNESDAY).count() == 1


def test_it_leaves_alone_what_is_not_due_done_or_cancelled(case, officer):
    FollowUpFactory(case=case, due_date=WEDNESDAY + timedelta(days=1))
    FollowUpFactory(case=case, due_date=MONDAY, status=FollowUpStatus.DONE)
    FollowUpFactory(case=case, due_date=FRIDAY_BEFORE, status=FollowUpStatus.CANCELLED)

    result = reminders.reminders_sweep(now=MORNING)

    assert (result.reminders, result.escalations, result.digests) == (0, 0, 0)
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_closing_a_case_cancels_its_follow_ups_and_no_reminder_follows(case, officer, sergeant):
    FollowUpFactory(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW, due_date=FRIDAY_BEFORE)
    DisposalFactory(case=case, status=DisposalStatus.APPROVED, decided_by=sergeant)
    case_transition(
        case=case, by=officer, to_status=CaseStatus.CLOSED, reason="Done.", closure_reason=ClosureReason.REFERRED_ON
    )

    result = reminders.reminders_sweep(now=MORNING)

    assert (result.reminders, result.escalations, result.notifications, result.digests) == (0, 0, 0, 0)
    assert mail.outbox == []


def test_a_follow_up_overdue_by_three_working_days_escalates_to_the_sergeant_once(case, officer, sergeant, personas):
    FollowUpFactory(case=case, due_date=FRIDAY_BEFORE)
    FollowUpFactory(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW, due_date=MONDAY)

    result = reminders.reminders_sweep(now=MORNING)
    reminders.reminders_sweep(now=MORNING)

    assert result.escalations == 1
    assert _notes(sergeant) == [f"Overdue: First contact for {case.reference}, due 2026-11-27"]
    assert _notes(personas["officer_b"]) == []
    escalation_mails = [m for m in mail.outbox if m.to == [sergeant.email] and "escalated" in m.subject]
    assert len(escalation_mails) == 1
    assert case.reference in escalation_mails[0].body


def test_a_sergeant_is_not_escalated_to_about_their_own_overdue_follow_up(case, sergeant, force_a):
    other_sergeant = UserFactory(role=Role.SERGEANT, home_force=force_a)
    FollowUpFactory(case=case, due_date=FRIDAY_BEFORE, assignee=sergeant)

    result = reminders.reminders_sweep(now=MORNING)

    assert result.escalations == 1
    assert _notes(sergeant) == [f"Due: First contact for {case.reference}, due 2026-11-27"]
    assert _notes(other_sergeant) == [f"Overdue: First contact for {case.reference}, due 2026-11-27"]
    escalated_to = {tuple(m.to) for m in mail.outbox if "escalated" in m.subject}
    assert escalated_to == {(other_sergeant.email,)}


def test_it_does_not_escalate_to_a_sergeant_of_another_force(case_b, personas, sergeant):
    FollowUpFactory(case=case_b, due_date=FRIDAY_BEFORE)

    reminders.reminders_sweep(now=MORNING)

    assert _notes(sergeant) == []


@override_settings(ESCALATION_WORKING_DAYS=1)
def test_the_escalation_threshold_is_configurable(case, sergeant):
    FollowUpFactory(case=case, due_date=date(2026, 12, 1))

    assert reminders.reminders_sweep(now=MORNING).escalations == 1


def test_the_digest_lists_references_dates_and_links_but_no_names_or_narratives(case, officer):
    case.narrative = "Synthetic narrative about a booter service."
    case.save()
    FollowUpFactory(case=case, due_date=FRIDAY_BEFORE)
    FollowUpFactory(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW, due_date=WEDNESDAY)

    reminders.reminders_sweep(now=MORNING)

    [digest] = _digests_to(officer)
    assert case.reference in digest.body
    assert "27 Nov 2026 (overdue)" in digest.body
    assert "/casework/followups/" in digest.body
    for private in (case.subject.first_name, case.subject.last_name, case.narrative):
        assert private not in digest.body
        assert private not in digest.subject


def test_no_digest_on_a_weekend_or_before_the_digest_hour(case, officer):
    FollowUpFactory(case=case, due_date=FRIDAY_BEFORE)

    reminders.reminders_sweep(now=datetime(2026, 12, 5, 9, 0, tzinfo=LONDON))  # Saturday
    reminders.reminders_sweep(now=datetime(2026, 12, 2, 6, 59, tzinfo=LONDON))

    assert _digests_to(officer) == []
    assert len(_notes(officer)) == 1  # the in-app reminder does not wait for the digest


@override_settings(DIGEST_HOUR=9)
def test_the_digest_hour_is_configurable(case, officer):
    FollowUpFactory(case=case, due_date=WEDNESDAY)

    reminders.reminders_sweep(now=MORNING)
    assert _digests_to(officer) == []
    reminders.reminders_sweep(now=MORNING + timedelta(hours=1))
    assert len(_digests_to(officer)) == 1


def test_a_user_who_turned_the_digest_off_still_gets_escalations(case, officer, sergeant, force_a):
    reminders.reminder_preference_set(user=sergeant, digest_enabled=False)
    reminders.reminder_preference_set(user=officer, digest_enabled=False)
    own_case = CaseFactory(subject=SubjectFactory(created_by=sergeant, force=force_a), status=CaseStatus.ACTIVE)
    FollowUpFactory(case=own_case, due_date=WEDNESDAY)
    FollowUpFactory(case=case, due_date=FRIDAY_BEFORE)

    result = reminders.reminders_sweep(now=MORNING)

    assert result.digests == 0
    assert [m.subject for m in mail.outbox] == ["Overdue items escalated to you"]
    assert mail.outbox[0].to == [sergeant.email]


def test_a_digest_that_could_not_be_sent_is_sent_by_the_next_sweep(case, officer, mocker):
    FollowUpFactory(case=case, due_date=WEDNESDAY)
    mocker.patch("django.core.mail.EmailMessage.send", side_effect=OSError("mail server down"))
    assert reminders.reminders_sweep(now=MORNING).digests == 0
    assert not DigestSent.objects.filter(sent_at__isnull=False).exists()
    mocker.stopall()

    assert reminders.reminders_sweep(now=MORNING).digests == 1
    assert len(_digests_to(officer)) == 1


def test_the_task_for_a_follow_up_born_due_reminds_once_and_the_sweep_adds_nothing(case, officer):
    followup = FollowUpFactory(case=case, due_date=date(2020, 1, 6))

    tasks.remind_followup(followup.pk)
    tasks.remind_followup(followup.pk)
    reminders.reminders_sweep()

    assert Reminder.objects.filter(followup=followup, kind="due").count() == 1
    assert len(_notes(officer)) == 1


def test_the_command_runs_the_sweep(case, officer, capsys):
    FollowUpFactory(case=case, due_date=date(2020, 1, 6))

    call_command("send_reminders")
    call_command("send_reminders")

    assert "1 reminder(s)" in capsys.readouterr().out
    assert len(_notes(officer)) >= 1
    assert Reminder.objects.filter(kind="due").count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers (BEGIN IMMEDIATE): two sweeps cannot overlap there; "
    "the run-twice tests cover the rule on both databases",
)
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_remind_and_digest_once():
    force = ForceFactory(code="WM", name="West Midlands Police")
    officers = [UserFactory(role=Role.OFFICER, home_force=force) for _ in range(3)]
    sergeant = UserFactory(role=Role.SERGEANT, home_force=force)
    for officer in officers:
        for _ in range(20):
            case = CaseFactory(subject=SubjectFactory(created_by=officer, force=force), status=CaseStatus.ACTIVE)
            FollowUpFactory(case=case, due_date=FRIDAY_BEFORE)
    start = threading.Barrier(2)
    results = []

    def sweep():
        try:
            start.wait(timeout=10)
            results.append(reminders.reminders_sweep(now=MORNING))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(r.reminders for r in results) == 60
    assert sum(r.escalations for r in results) == 60
    for officer in officers:
        assert Notification.objects.filter(recipient=officer).count() == 20
        assert len(_digests_to(officer)) == 1
    assert Notification.objects.filter(recipient=sergeant).count() == 60
    assert len([m for m in mail.outbox if m.to == [sergeant.email] and "escalated" in m.subject]) == 1
