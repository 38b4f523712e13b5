"""The reminder sweep: what is due and not yet reminded, found from the data, never scheduled ahead.

One service, ``reminders_sweep``, run by Celery beat on a static schedule and
by ``manage.py send_reminders``; approvals waiting too long are escalated in
the same sweep by the apps registered on ``hooks.approvals_escalate``
(interventions). It is set-based (a handful of queries however many
follow-ups are due) and safe to run twice or twice at once:

- a ``Reminder`` row per (follow-up or disposal, kind, day) under a unique
  constraint is inserted with INSERT … SELECT … ON CONFLICT DO NOTHING (no row
  passes through Python); only rows carrying this sweep's token — the ones it
  really inserted — are notified, in the same transaction;
- every e-mail is a row first: an ``EscalationMail`` per person escalated to,
  written in the sweep's transaction, and a ``DigestSent`` per (user, day);
  after the commit ``followups.mail`` sends them and marks each sent only once
  it went, so a worker killed mid-sweep loses none (the next sweep after the
  lease sends what was claimed and not sent).

Notifications and mails carry references, kinds, dates and links only: never a
subject's name or a narrative.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from uuid import uuid4

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Case, CharField, DateTimeField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role, User
from accounts.services import notifications_changed
from subjects.workdays import is_working_day

from . import hooks
from .hooks import Escalated, Item
from .mail import mail_compose, mail_recipients, mails_deliver
from .models import (
    DigestSent,
    EscalationMail,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Reminder,
    ReminderKind,
    ReminderPreference,
)

# Looked up per row: a plain dict is much cheaper than constructing the enum member each time.
KIND_LABELS = dict(FollowUpKind.choices)


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    approval_escalations: int = 0
    notifications: int = 0
    digests: int = 0
    escalation_emails: int = 0


def reminders_sweep(now: datetime | None = None) -> SweepResult:
    """Remind, escalate and send the day's digests for everything due at ``now`` (default: the current time)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    token = uuid4().hex
    result = SweepResult()
    with transaction.atomic():
        result.reminders, sent = _remind_due(today, now, token)
        result.escalations, sent_e = _escalate_overdue(today, now, token)
        approvals = hooks.approvals_escalate.send(today, now, token)
        result.approval_escalations = sum(step.claimed for step in approvals)
        result.notifications = sent + sent_e + sum(step.notified for step in approvals)
        if result.escalations or result.approval_escalations:
            _owe_escalation_mails(token, now, approvals)
    # After the commit, so that nothing is mailed about a claim that rolled back; also what earlier sweeps owe.
    result.escalation_emails = escalation_mails_send(now=now, token=token)
    result.digests = digests_send(now=now, token=token)
    return result


# ------------------------------------------------------------------------------
# Set-based writes: INSERT … SELECT, so no row passes through Python
# ------------------------------------------------------------------------------
def _insert_select(model, columns: list[str], rows) -> int:
    """Insert the rows selected by ``rows`` (a ``values()`` queryset, one value per column, in order).

    ``ON CONFLICT DO NOTHING`` (PostgreSQL and SQLite alike) skips what a unique constraint says exists already.
    Returns how many rows were really inserted.
    """
    select, params = rows.order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    # Table and column names come from the model, never from input; values travel as parameters.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) {select} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _columns(queryset, **expressions):
    """``queryset`` selecting exactly ``expressions``, in their order (aliased ``c_<name>`` to avoid field clashes)."""
    aliased = {f"c_{name}": expression for name, expression in expressions.items()}
    return queryset.annotate(**aliased).values(*aliased)


def sql_text(*parts) -> Concat:
    """The SQL concatenation of ``parts`` (a ``str`` is a literal, anything else an expression)."""
    return Concat(*[Value(p) if isinstance(p, str) else p for p in parts], output_field=CharField())


def _label(field: str, choices) -> Case:
    return Case(*[When(**{field: value}, then=Value(label)) for value, label in choices], output_field=CharField())


def sql_as_text(field: str) -> Cast:
    return Cast(field, output_field=CharField())


def url_prefix(url_name: str) -> str:
    """The path of ``url_name`` without its trailing ``<pk>/``: reversed once, the id is appended in SQL."""
    marker = "987654321"
    return reverse(url_name, args=[marker]).split(marker)[0]


def path_maker(url_name: str):
    """``reverse`` once, then format: reversing per row costs more than the whole insert."""
    prefix = url_prefix(url_name)
    return lambda pk: f"{prefix}{pk}/"


def _claim(followups, kind: str, now: datetime, token: str) -> int:
    """Insert a reminder of ``kind`` (dated the follow-up's due day) for each follow-up; return how many were new.

    No "not yet reminded" filter in the SELECT: the unique constraint is the filter (``ON CONFLICT DO NOTHING``).
    A NOT EXISTS on the table being inserted into lets PostgreSQL pick a nested loop over the rows the
    statement itself adds when the table's statistics are stale, which is quadratic.
    """
    rows = _columns(
        followups,
        followup=F("pk"),
        kind=Value(kind),
        day=F("due_date"),
        sweep_token=Value(token),
        created_at=Value(now, output_field=DateTimeField()),
    )
    return _insert_select(Reminder, ["followup", "kind", "day", "sweep_token", "created_at"], rows)


def notify_rows(recipients_rows: QuerySet, title: Concat, url: Concat, recipient: str, now: datetime) -> int:
    """One in-app notification per row of ``recipients_rows`` (recipient id in the ``recipient`` column), in SQL."""
    rows = _columns(
        recipients_rows,
        recipient=F(recipient),
        title=title,
        url=url,
        created_at=Value(now, output_field=DateTimeField()),
    )
    sent = _insert_select(Notification, ["recipient", "title", "url", "created_at"], rows)
    if sent:
        notifications_changed()
    return sent


def _followup_title(prefix: str, path: str = "followup__") -> Concat:
    """E.g. "Due: First contact for WM-2026-00042/1, due 2026-12-02": references and dates only.

    A follow-up without a case (an agreement's expiry) names the partner instead: "Due: Data sharing agreement
    expiry for Synthetic Academy, due 2027-01-04".
    """
    reference = Case(
        When(
            **{f"{path}case__isnull": True},
            then=F(f"{path}agreement__partner__name"),
        ),
        default=sql_text(F(f"{path}case__subject__reference"), "/", sql_as_text(f"{path}case__number")),
        output_field=CharField(),
    )
    return sql_text(
        prefix,
        _label(f"{path}kind", FollowUpKind.choices),
        " for ",
        reference,
        ", due ",
        sql_as_text(f"{path}due_date"),
    )


def _followup_url(path: str = "followup__") -> Case:
    """The follow-up's page; for a follow-up without a case, its agreement's partner page."""
    return Case(
        When(
            **{f"{path}case__isnull": True},
            then=sql_text(url_prefix("partners:partner_detail"), sql_as_text(f"{path}agreement__partner_id"), "/"),
        ),
        default=sql_text(url_prefix("followups:detail"), sql_as_text(f"{path}id"), "/"),
        output_field=CharField(),
    )


# ------------------------------------------------------------------------------
# Due reminders: one notification to the assignee per follow-up
# ------------------------------------------------------------------------------
def followup_remind(*, followup_id: int) -> int:
    """Remind about one follow-up now if it is due and not yet reminded (the task behind a follow-up born due)."""
    now = timezone.now()
    with transaction.atomic():
        return _remind_due(timezone.localdate(now), now, uuid4().hex, only=[followup_id])[1]


def _remind_due(today: date, now: datetime, token: str, only=None) -> tuple[int, int]:
    due = FollowUp.objects.filter(status=FollowUpStatus.DUE, due_date__lte=today, assignee__isnull=False)
    if only is not None:
        due = due.filter(pk__in=only)
    claimed = _claim(due, ReminderKind.DUE, now, token)
    if not claimed:
        return 0, 0
    fresh = Reminder.objects.filter(sweep_token=token, kind=ReminderKind.DUE)
    sent = notify_rows(fresh, _followup_title("Due: "), _followup_url(), "followup__assignee_id", now)
    return claimed, sent


# ------------------------------------------------------------------------------
# Escalations: overdue follow-ups to the sergeants (late approvals: hooks.approvals_escalate)
# ------------------------------------------------------------------------------
def overdue_cutoff(today: date, working_days: int) -> date:
    """The latest day that is at least ``working_days`` working days before ``today``."""
    day, counted = today, 0
    while counted < working_days:
        counted += is_working_day(day)
        day -= timedelta(days=1)
    return day


def escalation_pairs(token: str, kind: str, role: str, *, owner: str, case: str) -> tuple[QuerySet, str]:
    """One row per (reminder of ``kind`` this sweep inserted, active ``role`` user covering the case's force),
    and the column of that user's id. ``case`` is the path from a reminder to its case (``followup__case``);
    ``owner`` the column of whoever owns the work (``followup__assignee_id``).

    Starting from the sweep's own reminders (indexed by token) keeps the join small whatever the table sizes.
    Nobody is escalated to about their own work: a sergeant holding an overdue follow-up had its reminder
    already, and an inspector who proposed a disposal cannot be the one to decide it.
    """
    users = f"{case}__force__users__"
    pairs = Reminder.objects.filter(
        ~Q(**{owner: F(f"{users}id")}),
        sweep_token=token,
        kind=kind,
        **{f"{users}role": role, f"{users}is_active": True},
    )
    return pairs, f"{users}id"


def _overdue_pairs(token: str) -> tuple[QuerySet, str]:
    return escalation_pairs(
        token, ReminderKind.ESCALATION, Role.SERGEANT, owner="followup__assignee_id", case="followup__case"
    )


def _escalate_overdue(today: date, now: datetime, token: str) -> tuple[int, int]:
    cutoff = overdue_cutoff(today, settings.ESCALATION_WORKING_DAYS)
    overdue = FollowUp.objects.filter(status=FollowUpStatus.DUE, due_date__lte=cutoff, case__isnull=False)
    claimed = _claim(overdue, ReminderKind.ESCALATION, now, token)
    if not claimed:
        return 0, 0
    pairs, recipient = _overdue_pairs(token)
    url = sql_text(url_prefix("followups:detail"), sql_as_text("followup_id"), "/")
    sent = notify_rows(pairs, _followup_title("Overdue: "), url, recipient, now)
    return claimed, sent


def _owe_escalation_mails(token: str, now: datetime, others: Iterable[Escalated]) -> None:
    """One mail owed to each person escalated to by this sweep, whatever their digest choice: escalations
    always reach them. Written in the sweep's transaction, claimed by it (``followups.mail`` sends it)."""
    items: dict[int, list[Item]] = defaultdict(list)
    followup_path = path_maker("followups:detail")
    pairs, recipient = _overdue_pairs(token)
    fields = ("followup__case__subject__reference", "followup__case__number", "followup__kind", "day", "followup_id")
    for user_id, reference, number, kind, due, pk in pairs.values_list(recipient, *fields):
        items[user_id].append(Item(f"{reference}/{number}", KIND_LABELS[kind], due, followup_path(pk)))
    for step in others:
        for user_id, item in step.mail:
            items[user_id].append(item)
    EscalationMail.objects.bulk_create(
        EscalationMail(
            recipient_id=user_id,
            items=[{**asdict(item), "due": item.due.isoformat()} for item in items[user_id]],
            sweep_token=token,
            claimed_at=now,
        )
        for user_id in mail_recipients(items)
    )


def escalation_mails_send(*, now: datetime, token: str) -> int:
    """Send the escalation mails this sweep owes, and those a dead sweep claimed and never sent."""
    return mails_deliver(EscalationMail.objects.all(), now=now, token=token, compose=_compose_escalations)


def _compose_escalations(rows: list[EscalationMail]) -> dict[int, EmailMessage]:
    users = mail_recipients(row.recipient_id for row in rows)
    subject, template = "Overdue items escalated to you", "followups/email/escalation.txt"
    return {
        row.pk: mail_compose(users[row.recipient_id], subject, template, [_item(line) for line in row.items])
        for row in rows
        if row.recipient_id in users
    }


def _item(line: dict) -> Item:
    return Item(**{**line, "due": date.fromisoformat(line["due"])})


# ------------------------------------------------------------------------------
# The daily digest
# ------------------------------------------------------------------------------
def digests_send(*, now: datetime, token: str | None = None) -> int:
    """Mail each user one digest of what is due and overdue, once a (working) day, from ``DIGEST_HOUR`` local time."""
    local = timezone.localtime(now)
    today = local.date()
    if local.hour < settings.DIGEST_HOUR or (settings.DIGEST_WORKING_DAYS_ONLY and not is_working_day(today)):
        return 0
    token = token or uuid4().hex
    _claim_digests(today, now, token)
    # Today's only: a digest a dead sweep left unsent yesterday is superseded by today's.
    owed = DigestSent.objects.filter(day=today)
    return mails_deliver(owed, now=now, token=token, compose=lambda rows: _compose_digests(today, rows))


def _compose_digests(today: date, rows: list[DigestSent]) -> dict[int, EmailMessage]:
    owed = _owed_by_user(today, [row.user_id for row in rows])
    users = mail_recipients(owed)
    subject, template = f"Follow-ups due on {today:%d %b %Y}", "followups/email/digest.txt"
    return {
        row.pk: mail_compose(users[row.user_id], subject, template, owed[row.user_id], today=today)
        for row in rows
        if row.user_id in users
    }


def _owed_by_user(today: date, user_ids: list[int]) -> dict[int, list[Item]]:
    owed: dict[int, list[Item]] = defaultdict(list)
    path = path_maker("followups:detail")
    partner_path = path_maker("partners:partner_detail")
    rows = (
        FollowUp.objects.filter(status=FollowUpStatus.DUE, due_date__lte=today, assignee_id__in=user_ids)
        .order_by("due_date", "id")
        .values_list(
            "assignee_id",
            "kind",
            "due_date",
            "pk",
            "case_id",
            "case__subject__reference",
            "case__number",
            "agreement__partner_id",
            "agreement__partner__name",
        )
    )
    for assignee_id, kind, due, pk, case_id, reference, number, partner_id, partner_name in rows:
        if case_id is None:
            item = Item(partner_name, KIND_LABELS[kind], due, partner_path(partner_id))
        else:
            item = Item(f"{reference}/{number}", KIND_LABELS[kind], due, path(pk))
        owed[assignee_id].append(item)
    return owed


def _claim_digests(today: date, now: datetime, token: str) -> None:
    """A ``DigestSent`` row, claimed by this sweep, for each user owed today's digest and not given a row yet."""
    owing = FollowUp.objects.filter(status=FollowUpStatus.DUE, due_date__lte=today).values("assignee_id")
    recipients = (
        User.objects.filter(is_active=True, pk__in=owing)
        .exclude(email="")
        .exclude(reminder_preference__digest_enabled=False)
        .exclude(Exists(DigestSent.objects.filter(user=OuterRef("pk"), day=today)))
        .values_list("pk", flat=True)
    )
    DigestSent.objects.bulk_create(
        [DigestSent(user_id=pk, day=today, sweep_token=token, claimed_at=now) for pk in recipients],
        ignore_conflicts=True,
    )


# ------------------------------------------------------------------------------
# Preferences
# ------------------------------------------------------------------------------
def digest_enabled_for(user: User) -> bool:
    return not ReminderPreference.objects.filter(user=user, digest_enabled=False).exists()


def reminder_preference_set(*, user: User, digest_enabled: bool) -> ReminderPreference:
    preference, _ = ReminderPreference.objects.update_or_create(user=user, defaults={"digest_enabled": digest_enabled})
    return preference
