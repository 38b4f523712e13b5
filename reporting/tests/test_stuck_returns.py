"""Nothing stuck when the broker is down: the sweep finishes a return whose enqueue failed or whose worker died,
and generating stays idempotent (two runs, one result)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery_app import app
from reporting import services, tasks
from reporting.models import QuarterlyReturn, ReturnStatus
from reporting.services import return_generate, returns_resume_stuck

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def broker_down(mocker):
    return mocker.patch.object(tasks.generate_return, "apply_async", side_effect=OperationalError("broker down"))


def _request_while_the_broker_is_down(client_for, personas, django_capture_on_commit_callbacks) -> QuarterlyReturn:
    client = client_for(personas["admin_support"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:generate"), {"year": 2026, "quarter": 1, "scope": "WM"})
    assert response.status_code == 302
    return QuarterlyReturn.objects.get()


def _minutes_ago(quarterly_return: QuarterlyReturn, minutes: int, field: str = "generated_at") -> None:
    then = timezone.now() - timedelta(minutes=minutes)
    QuarterlyReturn.objects.filter(pk=quarterly_return.pk).update(**{field: then})


def test_a_return_whose_enqueue_failed_is_finished_by_the_sweep_after_the_timeout(
    personas, client_for, django_capture_on_commit_callbacks, broker_down, mocker
):
    stuck = _request_while_the_broker_is_down(client_for, personas, django_capture_on_commit_callbacks)
    assert broker_down.called
    assert stuck.status == ReturnStatus.GENERATING
    mocker.stopall()  # the broker is back (in tests: tasks run in-process)

    assert returns_resume_stuck() == 0  # not stuck yet: it may still be waiting in a queue
    _minutes_ago(stuck, settings.RETURN_STUCK_MINUTES + 1)
    assert returns_resume_stuck() == 1

    stuck.refresh_from_db()
    assert stuck.status == ReturnStatus.DRAFT
    assert len(stuck.pdf_sha256) == len(stuck.csv_sha256) == len(stuck.xlsx_sha256) == 64
    assert returns_resume_stuck() == 0


def test_with_the_broker_still_down_the_sweep_from_cron_generates_in_process(
    personas, client_for, django_capture_on_commit_callbacks, broker_down, capsys, caplog
):
    stuck = _request_while_the_broker_is_down(client_for, personas, django_capture_on_commit_callbacks)
    _minutes_ago(stuck, settings.RETURN_STUCK_MINUTES + 1)

    call_command("resume_stuck_returns")

    assert "1 stuck return(s) resumed." in capsys.readouterr().out
    assert "could not enqueue reporting.tasks.generate_return; running it in this process" in caplog.text
    stuck.refresh_from_db()
    assert stuck.status == ReturnStatus.DRAFT


def test_a_run_whose_worker_died_is_taken_over_only_after_the_timeout(
    personas, client_for, django_capture_on_commit_callbacks, broker_down, mocker
):
    stuck = _request_while_the_broker_is_down(client_for, personas, django_capture_on_commit_callbacks)
    _minutes_ago(stuck, 60)
    _minutes_ago(stuck, 1, field="started_at")  # a run started a minute ago: slow, maybe, not dead
    QuarterlyReturn.objects.filter(pk=stuck.pk).update(attempts=1)

    return_generate(return_id=stuck.pk)
    assert returns_resume_stuck() == 0
    stuck.refresh_from_db()
    assert stuck.status == ReturnStatus.GENERATING

    _minutes_ago(stuck, settings.RETURN_STUCK_MINUTES + 1, field="started_at")
    mocker.stopall()
    assert returns_resume_stuck() == 1
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (ReturnStatus.DRAFT, 2)


def test_a_return_whose_runs_keep_dying_is_marked_failed_not_retried_for_ever(
    personas, client_for, django_capture_on_commit_callbacks, broker_down
):
    stuck = _request_while_the_broker_is_down(client_for, personas, django_capture_on_commit_callbacks)
    QuarterlyReturn.objects.filter(pk=stuck.pk).update(attempts=services.MAX_ATTEMPTS)
    _minutes_ago(stuck, settings.RETURN_STUCK_MINUTES + 1, field="started_at")

    assert returns_resume_stuck() == 0

    stuck.refresh_from_db()
    assert stuck.status == ReturnStatus.FAILED
    assert "did not finish in 3 attempts" in stuck.error


def test_two_runs_make_one_result(personas, client_for, django_capture_on_commit_callbacks, broker_down, tmp_path):
    stuck = _request_while_the_broker_is_down(client_for, personas, django_capture_on_commit_callbacks)

    return_generate(return_id=stuck.pk)
    first = QuarterlyReturn.objects.get(pk=stuck.pk)
    return_generate(return_id=stuck.pk)

    again = QuarterlyReturn.objects.get(pk=stuck.pk)
    assert (again.status, again.attempts, again.pdf_file, again.pdf_sha256) == (
        ReturnStatus.DRAFT,
        1,
        first.pdf_file,
        first.pdf_sha256,
    )
    assert len(list((tmp_path / "returns").rglob("*.*"))) == 3


def test_a_run_that_lost_its_claim_keeps_nothing(
    personas, client_for, django_capture_on_commit_callbacks, broker_down, mocker, tmp_path
):
    stuck = _request_while_the_broker_is_down(client_for, personas, django_capture_on_commit_callbacks)
    render = services.render_pdf

    def taken_over_while_rendering(**kwargs):
        # This run outlived its claim: another run claims the return (and will make the result).
        QuarterlyReturn.objects.filter(pk=stuck.pk).update(started_at=timezone.now() + timedelta(seconds=1))
        return render(**kwargs)

    mocker.patch.object(services, "render_pdf", side_effect=taken_over_while_rendering)
    return_generate(return_id=stuck.pk)

    stuck.refresh_from_db()
    assert (stuck.status, stuck.pdf_file) == (ReturnStatus.GENERATING, "")
    assert list((tmp_path / "returns").rglob("*.*")) == []


def test_beat_runs_the_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["resume-stuck-returns"]

    assert entry["task"] == tasks.resume_stuck_returns.name
    assert entry["task"] in app.tasks
