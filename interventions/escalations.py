"""Disposals waiting too long for approval, escalated to the force's inspectors by the follow-up sweep.

Registered on ``followups.hooks.approvals_escalate`` (InterventionsConfig.ready): the sweep calls it inside its
transaction, with its token; a ``Reminder`` per (disposal, kind, day) under a unique constraint makes it once.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from accounts.models import Role
from followups.hooks import Escalated, Item
from followups.models import Reminder, ReminderKind
from followups.reminders import (
    escalation_pairs,
    notify_rows,
    overdue_cutoff,
    path_maker,
    sql_as_text,
    sql_text,
    url_prefix,
)

from .models import Disposal, DisposalStatus

KIND = ReminderKind.APPROVAL_ESCALATION


def approvals_escalate(today: date, now: datetime, token: str) -> Escalated:
    """Escalate each disposal submitted ``APPROVAL_ESCALATION_WORKING_DAYS`` or more working days ago, once."""
    cutoff = overdue_cutoff(today, settings.APPROVAL_ESCALATION_WORKING_DAYS)
    end = timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))
    already = Reminder.objects.filter(disposal=OuterRef("pk"), kind=KIND)
    waiting = Disposal.objects.filter(status=DisposalStatus.SUBMITTED, submitted_at__lt=end).filter(~Exists(already))
    # Few rows (disposals waiting): their local submission day is worked out here rather than in SQL.
    Reminder.objects.bulk_create(
        [
            Reminder(disposal_id=pk, kind=KIND, day=timezone.localdate(at), sweep_token=token)
            for pk, at in waiting.values_list("pk", "submitted_at")
        ],
        ignore_conflicts=True,
    )
    claimed = Reminder.objects.filter(sweep_token=token, kind=KIND).count()
    if not claimed:
        return Escalated()
    pairs, recipient = _pairs(token)
    title = sql_text(
        "Approval waiting: disposal for ",
        F("disposal__case__subject__reference"),
        "/",
        sql_as_text("disposal__case__number"),
        ", submitted ",
        sql_as_text("day"),
    )
    url = sql_text(url_prefix("interventions:disposal_detail"), sql_as_text("disposal_id"), "/")
    return Escalated(claimed=claimed, notified=notify_rows(pairs, title, url, recipient, now), mail=_mail(token))


def _pairs(token: str):
    return escalation_pairs(token, KIND, Role.INSPECTOR, owner="disposal__proposed_by_id", case="disposal__case")


def _mail(token: str) -> list[tuple[int, Item]]:
    path = path_maker("interventions:disposal_detail")
    pairs, recipient = _pairs(token)
    fields = ("disposal__case__subject__reference", "disposal__case__number", "day", "disposal_id")
    return [
        (user_id, Item(f"{reference}/{number}", "Disposal awaiting approval", day, path(pk)))
        for user_id, reference, number, day, pk in pairs.values_list(recipient, *fields)
    ]
