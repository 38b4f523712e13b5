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
- a ``DigestSent`` row per (user, day) is claimed the same way before a digest
  is mailed, and released again if the mail cannot be sent, so the next sweep
  retries it.

Notifications and mails carry references, kinds, dates and links only: never a
subject's name or a narrative. Escalation mails are sent after the commit; if
the mail server is down then, the in-app escalation notification still stands.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import uuid4

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Case, CharField, DateTimeField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role, User
from accounts.services import notifications_changed
from subjects.workdays import is_working_day

from . import hooks
from .hooks import Escalated, Item
from .models import DigestSent, FollowUp, FollowUpKind, FollowUpStatus, Reminder, ReminderKind, ReminderPreference

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
        result.escalation_emails = _mail_escalations(token, approvals)
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


def _mail_escalations(token: str, others: Iterable[Escalated]) -> int:
    """One mail per person escalated to by this sweep, whatever their digest choice: escalations always reach them."""
    items: dict[int, list[Item]] = defaultdict(list)
    followup_path = path_maker("followups:detail")
    pairs, recipient = _overdue_pairs(token)
    fields = ("followup__case__subject__reference", "followup__case__number", "followup__kind", "day", "followup_id")
    for user_id, reference, number, kind, due, pk in pairs.values_list(recipient, *fields):
        items[user_id].append(Item(f"{reference}/{number}", KIND_LABELS[kind], due, followup_path(pk)))
    for step in others:
        for user_id, item in step.mail:
            items[user_id].append(item)
    users = User.objects.filter(pk__in=items, is_active=True).exclude(email="")
    subject, template = "Overdue items escalated to you", "followups/email/escalation.txt"
    messages = [_message(user, subject, template, items[user.pk]) for user in users]
    return _send(messages)[0]


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
    claimed = _claim_digests(today, token)
    if not claimed:
        return 0
    owed = _owed_by_user(today, claimed)
    users = {user.pk: user for user in User.objects.filter(pk__in=owed)}
    subject = f"Follow-ups due on {today:%d %b %Y}"
    messages = {
        pk: _message(users[pk], subject, "followups/email/digest.txt", items, today=today) for pk, items in owed.items()
    }
    sent, failed = _send(list(messages.values()))
    # Claims are released for a mail that failed (the next sweep retries it) and for users with nothing left to send.
    unsent = [pk for pk in claimed if pk not in messages or messages[pk] in failed]
    DigestSent.objects.filter(sweep_token=token, user_id__in=unsent).delete()
    return sent


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


def _claim_digests(today: date, token: str) -> list[int]:
    owing = FollowUp.objects.filter(status=FollowUpStatus.DUE, due_date__lte=today).values("assignee_id")
    recipients = (
        User.objects.filter(is_active=True, pk__in=owing)
        .exclude(email="")
        .exclude(reminder_preference__digest_enabled=False)
        .exclude(Exists(DigestSent.objects.filter(user=OuterRef("pk"), day=today)))
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        DigestSent.objects.bulk_create(
            [DigestSent(user_id=pk, day=today, sweep_token=token) for pk in recipients], ignore_conflicts=True
        )
        return list(DigestSent.objects.filter(sweep_token=token).values_list("user_id", flat=True))


# ------------------------------------------------------------------------------
# Mail
# ------------------------------------------------------------------------------
def _message(user: User, subject: str, template: str, items: list[Item], today: date | None = None) -> EmailMessage:
    """A plain-text mail of references, dates and links (lines built here: hundreds of items render slowly)."""
    site = settings.SITE_URL
    lines = [
        f"- {item.reference}: {item.what}, due {item.due:%d %b %Y}{' (overdue)' if today and item.due < today else ''}"
        f"\n  {site}{item.path}"
        for item in items
    ]
    # The template loops over its lines: given them as one block, it renders once rather than once per item.
    block = ["\n".join(lines)] if lines else []
    body = render_to_string(template, {"user": user, "lines": block, "site_url": site, "today": today})
    return EmailMessage(subject=subject, body=body, to=[user.email])


def _send(messages: list[EmailMessage]) -> tuple[int, list[EmailMessage]]:
    """Send each message; return how many went and which failed (a mail server down fails them all, nothing raises)."""
    sent, failed = 0, []
    mail_connection = get_connection()
    for message in messages:
        message.connection = mail_connection
        try:
            sent += message.send()
        except Exception:  # noqa: BLE001 - one bad address or a server outage must not stop the sweep
            failed.append(message)
    return sent, failed


# ------------------------------------------------------------------------------
# Preferences
# ------------------------------------------------------------------------------
def digest_enabled_for(user: User) -> bool:
    return not ReminderPreference.objects.filter(user=user, digest_enabled=False).exists()


def reminder_preference_set(*, user: User, digest_enabled: bool) -> ReminderPreference:
    preference, _ = ReminderPreference.objects.update_or_create(user=user, defaults={"digest_enabled": digest_enabled})
    return preference
