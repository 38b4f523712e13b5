"""Generating, storing, submitting and comparing quarterly returns."""

import hashlib
import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Force, User
from audit.models import Operation
from audit.services import access_event_record, disclosure_record
from config.celery_app import enqueue_on_commit
from outreach.quarters import FinancialQuarter

from . import exports
from .figures import figures_for_return
from .models import REGION, QuarterlyReturn, ReturnFormat, ReturnStatus
from .pdf import render_pdf
from .suppression import suppress, threshold

logger = logging.getLogger(__name__)


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
    """Compute, render and store a requested return. Safe to run twice: only a generating row is worked on."""
    quarterly_return = QuarterlyReturn.objects.select_related("force").filter(pk=return_id).first()
    if quarterly_return is None or quarterly_return.status != ReturnStatus.GENERATING:
        return
    try:
        _build(quarterly_return)
    except Exception as error:
        logger.exception("Quarterly return %s failed", return_id)
        QuarterlyReturn.objects.filter(pk=return_id, status=ReturnStatus.GENERATING).update(
            status=ReturnStatus.FAILED, error=str(error)[:300]
        )


def _progress(quarterly_return: QuarterlyReturn, percent: int) -> None:
    QuarterlyReturn.objects.filter(pk=quarterly_return.pk, status=ReturnStatus.GENERATING).update(progress=percent)


def _build(quarterly_return: QuarterlyReturn) -> None:
    rows = return_figures(
        quarter=quarterly_return.period, scope_code=quarterly_return.scope_code, external=quarterly_return.external
    )
    _progress(quarterly_return, 40)
    files = {
        ReturnFormat.CSV: exports.csv_bytes(rows),
        ReturnFormat.XLSX: exports.xlsx_bytes(rows),
    }
    _progress(quarterly_return, 60)
    files[ReturnFormat.PDF] = render_pdf(
        rows=rows,
        title=return_title(quarterly_return),
        scope_code=quarterly_return.scope_code,
        external=quarterly_return.external,
        generated_at=timezone.localtime(quarterly_return.generated_at),
        version=quarterly_return.version,
    )
    _progress(quarterly_return, 90)
    for fmt, data in files.items():
        name = default_storage.save(_storage_name(quarterly_return, fmt), ContentFile(data))
        setattr(quarterly_return, f"{fmt}_file", name)
        setattr(quarterly_return, f"{fmt}_sha256", hashlib.sha256(data).hexdigest())
    quarterly_return.figures = {
        "rows": rows,
        "threshold": threshold() if quarterly_return.external else None,
        "marking": settings.PROTECTIVE_MARKING,
    }
    quarterly_return.status = ReturnStatus.DRAFT
    quarterly_return.progress = 100
    quarterly_return.save()


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
