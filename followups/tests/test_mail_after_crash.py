"""A sweep killed mid-way loses no e-mail: each is marked sent only after it went, the first sweep after the lease
sends what was claimed and not sent, and a sweep that is merely slow is not doubled."""

import os
import signal
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import ForceFactory, UserFactory
from followups import reminders
from followups.models import DigestSent, EscalationMail
from interventions.models import DisposalStatus
from interventions.tests.factories import DisposalFactory, catalogues_seed
from subjects.models import CaseStatus
from subjects.tests.factories import CaseFactory, SubjectFactory

from .factories import FollowUpFactory
from .mail_files import mails_in

LONDON = ZoneInfo("Europe/London")
MORNING = datetime(2026, 12, 2, 8, 0, tzinfo=LONDON)  # after DIGEST_HOUR (7) on a working day
ESCALATED = "Overdue items escalated to you"
ROOT = Path(settings.BASE_DIR)


class WorkerKilled(BaseException):
    """The process dying: nothing the sweep could catch (it is no ``Exception``)."""


def _owed_mails(force, *, now: datetime) -> list[tuple[str, str]]:
    """Seven mails, sent in this order: four escalations (two sergeants about three overdue follow-ups, two
    inspectors about a disposal waiting too long), then the three officers' digests. Their (to, subject), sorted."""
    catalogues_seed()
    today = timezone.localdate(now)
    officers = [UserFactory(role=Role.OFFICER, home_force=force) for _ in range(3)]
    escalated_to = [UserFactory(role=role, home_force=force) for role in [Role.SERGEANT] * 2 + [Role.INSPECTOR] * 2]
    for officer in officers:
        case = CaseFactory(subject=SubjectFactory(created_by=officer, force=force), status=CaseStatus.ACTIVE)
        FollowUpFactory(case=case, due_date=today - timedelta(days=14))
    DisposalFactory(case=case, status=DisposalStatus.SUBMITTED, submitted_at=now - timedelta(days=14))
    digest = f"Follow-ups due on {today:%d %b %Y}"
    return sorted([*((user.email, ESCALATED) for user in escalated_to), *((user.email, digest) for user in officers)])


def _dies_after(mocker, sends: int) -> None:
    """The process dies when about to send its mail number ``sends + 1``."""
    send = EmailMessage.send

    def dying(message, *args, **kwargs):
        if len(mail.outbox) == sends:
            raise WorkerKilled
        return send(message, *args, **kwargs)

    mocker.patch.object(EmailMessage, "send", dying)


def _sent() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent_before_death", "sent_within_lease"),
    # Killed among the escalations, the digests (not claimed yet) go with the next sweep; killed among the
    # digests, the next sweep finds everything claimed by the dead one.
    [(1, 4), (5, 5)],
    ids=["among-escalations", "among-digests"],
)
def test_a_sweep_killed_mid_way_loses_no_mail_and_the_first_sweep_after_the_lease_sends_the_rest(
    mocker, force_a, sent_before_death, sent_within_lease
):
    owed = _owed_mails(force_a, now=MORNING)
    _dies_after(mocker, sent_before_death)
    with pytest.raises(WorkerKilled):
        reminders.reminders_sweep(now=MORNING)
    mocker.stopall()
    assert len(mail.outbox) == sent_before_death

    reminders.reminders_sweep(now=MORNING + timedelta(minutes=5))  # the dead sweep's lease still runs
    assert len(mail.outbox) == sent_within_lease
    reminders.reminders_sweep(now=MORNING + timedelta(minutes=settings.REMINDER_MAIL_LEASE_MINUTES + 1))
    reminders.reminders_sweep(now=MORNING + timedelta(hours=1))

    assert _sent() == owed
    assert not EscalationMail.objects.filter(sent_at__isnull=True).exists()
    assert not DigestSent.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_an_escalation_mail_the_server_refused_is_sent_by_the_next_sweep(case, sergeant, mocker):
    FollowUpFactory(case=case, due_date=date(2026, 11, 27))  # three working days overdue
    mocker.patch.object(EmailMessage, "send", side_effect=OSError("mail server down"))
    assert reminders.reminders_sweep(now=MORNING).escalation_emails == 0
    mocker.stopall()

    assert reminders.reminders_sweep(now=MORNING).escalation_emails == 1
    assert reminders.reminders_sweep(now=MORNING).escalation_emails == 0
    assert [message.to for message in mail.outbox if message.subject == ESCALATED] == [[sergeant.email]]


def _send_reminders(mail_dir: Path, *, kill_before: int = 0) -> int:
    """Run ``manage.py send_reminders`` in a process of its own against the test database; its return code."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "followups.tests.sweep_process_settings",
        "TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "EMAIL_FILE_PATH": str(mail_dir),
        "MAIL_KILL_BEFORE": str(kill_before),
    }
    command = [sys.executable, "manage.py", "send_reminders"]
    # Fixed arguments of our own manage.py, no shell.
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=120, check=False).returncode  # noqa: S603


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the killed process cannot see SQLite's in-memory test database "
    "(the in-process test above simulates the same crash on both databases)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("kill_before", "sent_within_lease"), [(2, 4), (6, 5)], ids=["among-escalations", "among-digests"]
)
def test_a_worker_killed_mid_sweep_and_rerun_sends_every_due_mail_exactly_once(
    tmp_path, kill_before, sent_within_lease
):
    owed = _owed_mails(ForceFactory(code="WM", name="West Midlands Police"), now=timezone.now())

    assert _send_reminders(tmp_path, kill_before=kill_before) == -signal.SIGKILL
    assert len(mails_in(tmp_path)) == kill_before - 1
    assert _send_reminders(tmp_path) == 0  # within the lease: the dead worker's claims are left alone
    assert len(mails_in(tmp_path)) == sent_within_lease

    expired = timedelta(minutes=settings.REMINDER_MAIL_LEASE_MINUTES + 1)
    for model in (EscalationMail, DigestSent):
        model.objects.filter(sent_at__isnull=True).update(claimed_at=F("claimed_at") - expired)
    assert _send_reminders(tmp_path) == 0
    assert _send_reminders(tmp_path) == 0

    assert sorted(mails_in(tmp_path)) == owed
