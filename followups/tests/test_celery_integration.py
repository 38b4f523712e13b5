"""A real Celery worker and beat against the real Redis: reminders and digests arrive once; a dead broker loses nothing.

Runs on PostgreSQL with CELERY_BROKER_URL set (CI has both). The worker is a
separate process, so it must see the test's rows: the test is transactional
and hands the test database's name to the subprocesses. On SQLite the test
database lives in memory, invisible to another process, so the test is skipped.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role
from accounts.tests.factories import ForceFactory, UserFactory
from config.celery_app import app
from conftest import sign_in
from followups.models import FollowUp, FollowUpKind, Reminder
from subjects.models import CaseStatus
from subjects.tests.factories import CaseFactory, SubjectFactory

from .factories import FollowUpFactory
from .mail_files import mails_in

BROKER = os.environ.get("CELERY_BROKER_URL", "")
SKIP_REASON = (
    "needs PostgreSQL (the worker subprocess cannot see SQLite's in-memory test database) and a real broker in "
    f"CELERY_BROKER_URL; here: database={connection.vendor}, CELERY_BROKER_URL={'set' if BROKER else 'unset'}"
)
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql" or not BROKER, reason=SKIP_REASON),
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(settings.BASE_DIR)
DEAD_BROKER = "redis://127.0.0.1:1/0"


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    celery = str(Path(sys.executable).with_name("celery"))
    command = [celery, "-A", "config", *args]
    return subprocess.Popen(  # noqa: S603 - fixed arguments of our own Celery, no shell
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError("timed out waiting for the worker")


@pytest.fixture
def worker_and_beat(tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "followups.tests.celery_worker_settings",
        "TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TEST_QUEUE": f"pp-test-{uuid.uuid4().hex}",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    processes = [
        _start(["worker", "--pool=solo", "-l", "warning"], env, tmp_path / "worker.log"),
        _start(["beat", "-l", "warning", "-s", str(tmp_path / "beat-schedule")], env, tmp_path / "beat.log"),
    ]
    yield mail_dir
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_worker_and_beat_deliver_each_reminder_and_digest_once_and_a_dead_broker_loses_nothing(worker_and_beat):
    force = ForceFactory(code="WM", name="West Midlands Police")
    officer = UserFactory(role=Role.OFFICER, home_force=force)
    sergeant = UserFactory(role=Role.SERGEANT, home_force=force)
    overdue = timezone.localdate() - timedelta(days=14)
    for _ in range(3):
        case = CaseFactory(subject=SubjectFactory(created_by=officer, force=force), status=CaseStatus.ACTIVE)
        FollowUpFactory(case=case, due_date=overdue)
    connections.close_all()

    _wait_for(lambda: Notification.objects.filter(recipient=officer).count() >= 3)
    _wait_for(lambda: len(mails_in(worker_and_beat)) >= 2)
    time.sleep(4)  # several more beats: nothing may arrive twice

    assert Notification.objects.filter(recipient=officer).count() == 3
    assert Notification.objects.filter(recipient=sergeant).count() == 3  # escalated: 14 days overdue
    mails = mails_in(worker_and_beat)
    assert mails.count((officer.email, f"Follow-ups due on {timezone.localdate():%d %b %Y}")) == 1
    assert mails.count((sergeant.email, "Overdue items escalated to you")) == 1

    # The broker goes away: a web request whose commit enqueues a task still succeeds ...
    triage = CaseFactory(
        subject=SubjectFactory(created_by=officer, force=force),
        status=CaseStatus.TRIAGE,
        next_review_date=overdue,
    )
    client = sign_in(Client(), officer)
    app.conf.update(task_always_eager=False, broker_url=DEAD_BROKER)
    try:
        response = client.post(
            reverse("subjects:case_transition", args=[triage.pk]), {"to_status": "active", "reason": "Threshold met."}
        )
    finally:
        app.conf.update(task_always_eager=True, broker_url=settings.CELERY_BROKER_URL)
    assert response.status_code == 302
    review = FollowUp.objects.get(case=triage, kind=FollowUpKind.SUPERVISORY_REVIEW)

    # ... and the next sweep catches up, once.
    _wait_for(lambda: Reminder.objects.filter(followup=review, kind="due").exists())
    time.sleep(3)
    assert Reminder.objects.filter(followup=review, kind="due").count() == 1
    assert Notification.objects.filter(recipient=officer, url__endswith=f"/{review.pk}/").count() == 1
