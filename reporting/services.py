"""Generating, storing, submitting and comparing quarterly returns."""

import hashlib
import logging
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from accounts.models import Force, User
from audit.models import Operation
from audit.services import access_event_record, disclosure_record
from config.celery_app import enqueue_on_commit, enqueue_or_run
from outreach.quarters import FinancialQuarter

from . import exports
from .figures import figures_for_return
from .models import REGION, QuarterlyReturn, ReturnFormat, ReturnStatus
from .pdf import render_pdf
from .suppression import suppress, threshold

logger = logging.getLogger(__name__)

# Runs that started and never finished (each killed its worker, say) before the return is marked failed.
MAX_ATTEMPTS = 3


def return_request(*, quarter: FinancialQuarter, scope_code: str, external: bool, by: User) -> QuarterlyReturn:
    """A new version of the return, marked generating; the work is enqueued after commit."""
    from .tasks import generate_return

    force = None if scope_code == REGION else Force.objects.get(code=scope_code)
    with transaction.atomic():
        same = QuarterlyReturn.objects.select_for_update().filter(
            financial_year=quarter.year, quarter=quarter.quarter, force=force, external=external
        )
        latest = same.aggregate(n=Max("version"))["n"] or 0
        quarterly_return = QuarterlyReturn(
            financial_year=quarter.year,
            quarter=quarter.quarter,
            force=force,
            external=external,
            version=latest + 1,
            generated_by=by,
        )
        quarterly_return.full_clean()
        quarterly_return.save()
        enqueue_on_commit(generate_return, quarterly_return.pk)
    return quarterly_return


def return_figures(*, quarter: FinancialQuarter, scope_code: str, external: bool) -> list[dict]:
    """The rows of a return as it would be generated now (suppressed when external)."""
    with one_snapshot():
        rows = figures_for_return(quarter, scope_code)
    return suppress(rows) if external else [{**row, "suppressed": False} for row in rows]


@contextmanager
def one_snapshot():
    """Every query inside sees the database as it was at the first: a return's figures agree with each other.

    A return takes a few hundred queries while officers keep working; without one snapshot a case saved
    half-way through could count in the region but in no force. On PostgreSQL a read-only REPEATABLE READ
    transaction gives the snapshot; SQLite's read transaction does already. Inside a transaction begun
    elsewhere, that transaction's isolation applies.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def return_generate(*, return_id: int) -> None:
    """Compute, render and store a requested return.

    Safe to run twice, or twice at once: a run first claims the row (compare-and-swap on ``started_at``) and
    writes progress and the result only while it still holds that claim. A finished row, or one another run
    claimed less than ``RETURN_STUCK_MINUTES`` ago, is left alone; a claim older than that is a dead run's.
    """
    started = _claim(return_id)
    if started is None:
        return
    quarterly_return = QuarterlyReturn.objects.select_related("force").get(pk=return_id)
    try:
        _build(quarterly_return, started)
    except Exception as error:
        logger.exception("Quarterly return %s failed", return_id)
        _held(return_id, started).update(status=ReturnStatus.FAILED, error=str(error)[:300])


def _stuck_after() -> timedelta:
    return timedelta(minutes=settings.RETURN_STUCK_MINUTES)


def _claim(return_id: int) -> datetime | None:
    """The time this run claimed the generation at, or None when it is not to be worked on."""
    now = timezone.now()
    free = Q(started_at__isnull=True) | Q(started_at__lt=now - _stuck_after())
    claimed = QuarterlyReturn.objects.filter(free, pk=return_id, status=ReturnStatus.GENERATING)
    return now if claimed.update(started_at=now, attempts=F("attempts") + 1) else None


def _held(return_id: int, started: datetime) -> QuerySet:
    """The return, as long as the run that claimed it at ``started`` still holds it."""
    return QuarterlyReturn.objects.filter(pk=return_id, status=ReturnStatus.GENERATING, started_at=started)


def _build(quarterly_return: QuarterlyReturn, started: datetime) -> None:
    held = _held(quarterly_return.pk, started)
    rows = return_figures(
        quarter=quarterly_return.period, scope_code=quarterly_return.scope_code, external=quarterly_return.external
    )
    held.update(progress=40)
    files = {
        ReturnFormat.CSV: exports.csv_bytes(rows),
        ReturnFormat.XLSX: exports.xlsx_bytes(rows),
    }
    held.update(progress=60)
    files[ReturnFormat.PDF] = render_pdf(
        rows=rows,
        title=return_title(quarterly_return),
        scope_code=quarterly_return.scope_code,
        external=quarterly_return.external,
        generated_at=timezone.localtime(quarterly_return.generated_at),
        version=quarterly_return.version,
    )
    held.update(progress=90)
    result = {}
    for fmt, data in files.items():
        result[f"{fmt}_file"] = default_storage.save(_storage_name(quarterly_return, fmt), ContentFile(data))
        result[f"{fmt}_sha256"] = hashlib.sha256(data).hexdigest()
    figures = {
        "rows": rows,
        "threshold": threshold() if quarterly_return.external else None,
        "marking": settings.PROTECTIVE_MARKING,
    }
    if not held.update(**result, figures=figures, status=ReturnStatus.DRAFT, progress=100):
        # Another run took over (this one outlived its claim): its result stands, this one's files go.
        for fmt in files:
            default_storage.delete(result[f"{fmt}_file"])
        logger.warning(
            "Quarterly return %s was finished by another run; this run's files are discarded", quarterly_return.pk
        )


def returns_resume_stuck(*, now: datetime | None = None) -> int:
    """Generate again every return left generating for ``RETURN_STUCK_MINUTES``; return how many.

    Its enqueue failed (the broker was down: ``enqueue_on_commit`` only logs), or its worker died. Each is
    enqueued again, or generated in this process when the broker cannot be reached (a sweep run from cron).
    One whose runs all died ``MAX_ATTEMPTS`` times is marked failed rather than retried for ever.
    """
    from .tasks import generate_return

    cutoff = (now or timezone.now()) - _stuck_after()
    stuck = QuarterlyReturn.objects.filter(
        Q(started_at__isnull=True, generated_at__lt=cutoff) | Q(started_at__lt=cutoff),
        status=ReturnStatus.GENERATING,
    )
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReturnStatus.FAILED, error=f"Generation did not finish in {MAX_ATTEMPTS} attempts."
    )
    resumed = list(stuck.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    for return_id in resumed:
        logger.warning("Quarterly return %s was stuck generating; generating it again", return_id)
        enqueue_or_run(generate_return, return_id)
    return len(resumed)


def _storage_name(quarterly_return: QuarterlyReturn, fmt: str) -> str:
    return f"returns/{quarterly_return.period.key}/{quarterly_return.download_name(fmt)}"


def return_title(quarterly_return: QuarterlyReturn) -> str:
    return f"Prevent & Protect quarterly return {quarterly_return.period.label}: {quarterly_return.scope_label}"


def return_submit(*, quarterly_return: QuarterlyReturn, by: User, request=None) -> QuarterlyReturn:
    """Draft → submitted, once; afterwards the row is frozen."""
    with transaction.atomic():
        locked = QuarterlyReturn.objects.select_for_update().get(pk=quarterly_return.pk)
        if locked.status != ReturnStatus.DRAFT:
            raise ValidationError({"status": f"Only a draft return can be submitted (this one is {locked.status})."})
        locked.status = ReturnStatus.SUBMITTED
        locked.submitted_by = by
        locked.submitted_at = timezone.now()
        locked.save()
        access_event_record(
            request=request,
            actor=by,
            operation=Operation.ALTERATION,
            object_type="quarterly_return",
            object_id=locked.pk,
            force=locked.scope_code if locked.force_id else "",
            changed_fields=["status", "submitted_by", "submitted_at"],
        )
    return locked


def return_read_file(*, quarterly_return: QuarterlyReturn, fmt: str, by: User, request=None) -> bytes:
    """The stored file, checked against its SHA-256, with the download logged as a disclosure."""
    name = quarterly_return.file_name(fmt)
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != quarterly_return.file_sha256(fmt):
        raise ValidationError("The stored file no longer matches its checksum.")
    disclosure_record(
        request=request,
        actor=by,
        object_type="quarterly_return",
        object_id=quarterly_return.pk,
        force=quarterly_return.scope_code if quarterly_return.force_id else "",
        recipient=by.username,
        justification=f"Download {quarterly_return.download_name(fmt)}",
    )
    return data


def return_submitted_before(quarterly_return: QuarterlyReturn) -> QuarterlyReturn | None:
    """The latest submitted version of the same quarter and scope (and kind) other than this one."""
    return (
        QuarterlyReturn.objects.filter(
            financial_year=quarterly_return.financial_year,
            quarter=quarterly_return.quarter,
            force=quarterly_return.force_id,
            external=quarterly_return.external,
            status=ReturnStatus.SUBMITTED,
        )
        .exclude(pk=quarterly_return.pk)
        .order_by("-version")
        .first()
    )


def return_diff(*, old: QuarterlyReturn, new: QuarterlyReturn) -> list[dict]:
    """What changed between two versions: scope, measure, breakdown, old value, new value."""
    before = {_key(row): row for row in old.figures.get("rows", [])}
    after = {_key(row): row for row in new.figures.get("rows", [])}
    changes = []
    for key in [*after, *(k for k in before if k not in after)]:
        old_value = _value(before.get(key))
        new_value = _value(after.get(key))
        if old_value != new_value:
            row = after.get(key) or before[key]
            changes.append(
                {
                    "scope": row["scope"],
                    "measure": row["measure_label"],
                    "breakdown": row["breakdown"],
                    "old": old_value,
                    "new": new_value,
                }
            )
    return changes


def _key(row: dict) -> tuple[str, str, str]:
    return (row["scope"], row["measure"], row["breakdown"])


def _value(row: dict | None):
    if row is None:
        return None
    return exports.display_value(row)
