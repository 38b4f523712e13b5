"""Approvals waiting too long: the follow-up sweep escalates them to the force's inspectors, once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Notification, Role
from accounts.tests.factories import UserFactory
from followups import reminders
from interventions.models import DisposalStatus

from .factories import DisposalFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MORNING = datetime(2026, 12, 2, 8, 0, tzinfo=LONDON)  # after DIGEST_HOUR (7) on a working day


def _notes(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_an_approval_waiting_too_long_escalates_to_the_inspector(case, inspector, sergeant):
    submitted = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)  # six working days before WEDNESDAY
    disposal = DisposalFactory(case=case, status=DisposalStatus.SUBMITTED, submitted_at=submitted)
    DisposalFactory(case=case, status=DisposalStatus.SUBMITTED, submitted_at=MORNING - timedelta(days=1))

    result = reminders.reminders_sweep(now=MORNING)
    reminders.reminders_sweep(now=MORNING)

    assert result.approval_escalations == 1
    assert _notes(inspector) == [f"Approval waiting: disposal for {case.reference}, submitted 2026-11-24"]
    assert Notification.objects.get(recipient=inspector).url == f"/casework/disposals/{disposal.pk}/"
    assert _notes(sergeant) == []


def test_an_inspector_is_not_escalated_to_about_a_disposal_they_proposed(case, inspector, force_a):
    other_inspector = UserFactory(role=Role.INSPECTOR, home_force=force_a)
    submitted = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
    DisposalFactory(case=case, status=DisposalStatus.SUBMITTED, submitted_at=submitted, proposed_by=inspector)

    reminders.reminders_sweep(now=MORNING)

    assert _notes(inspector) == []
    assert _notes(other_inspector) == [f"Approval waiting: disposal for {case.reference}, submitted 2026-11-24"]


def test_the_escalation_mail_lists_the_waiting_approval_with_its_link(case, inspector, mailoutbox):
    submitted = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
    disposal = DisposalFactory(case=case, status=DisposalStatus.SUBMITTED, submitted_at=submitted)

    reminders.reminders_sweep(now=MORNING)

    [escalation] = [m for m in mailoutbox if m.to == [inspector.email] and "escalated" in m.subject]
    assert f"- {case.reference}: Disposal awaiting approval, due 24 Nov 2026" in escalation.body
    assert f"/casework/disposals/{disposal.pk}/" in escalation.body
