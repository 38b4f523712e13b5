"""The sweep's e-mails (escalations, digests): marked sent only after they went, so a crash loses none.

Every e-mail a sweep owes is first a row (``EscalationMail``, ``DigestSent``: a ``MailClaim``), committed before
anything is sent. ``mails_deliver`` then takes the rows one at a time:

1. **claim**: a compare-and-swap puts the sweep's token and the time on a row that is not sent and is this
   sweep's, free, or claimed more than ``REMINDER_MAIL_LEASE_MINUTES`` ago (that sweep died); a row another
   live sweep holds is left to it;
2. **send**;
3. **mark** ``sent_at``.

A worker killed between 1 and 3 leaves its row claimed and unsent: the first sweep after the lease sends it,
and no sweep before (a slow worker is not doubled). A mail is therefore sent at least once, and twice only if
the worker dies in the instant between the mail server taking it and step 3. A mail the server refuses frees
its row for the next sweep; a row with nothing left to say (a digest whose follow-ups were all done meanwhile,
a recipient deactivated) is deleted.
"""

import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string

from accounts.models import User

from .hooks import Item
from .models import MailClaim

logger = logging.getLogger(__name__)

# Each row's message, by the row's id; None where nothing is left to send.
Composer = Callable[[list[MailClaim]], dict[int, EmailMessage | None]]


def mails_deliver(owed: QuerySet, *, now: datetime, token: str, compose: Composer) -> int:
    """Send the mails of ``owed`` (rows of one ``MailClaim`` model) this sweep may take; return how many went."""
    started, lease = time.monotonic(), timedelta(minutes=settings.REMINDER_MAIL_LEASE_MINUTES)
    rows = list(owed.filter(_takeable(token, now - lease), sent_at__isnull=True).order_by("pk"))
    if not rows:
        return 0
    messages = compose(rows)
    mail_connection = get_connection()
    sent = 0
    for row in rows:
        # The sweep's clock: ``now`` moved on by the time spent, so a long sweep's late claims are fresh.
        clock = now + timedelta(seconds=time.monotonic() - started)
        mine = owed.model.objects.filter(pk=row.pk, sweep_token=token)
        if not _claim(owed.model, row.pk, token=token, at=clock, expired=clock - lease):
            continue  # another sweep holds it, or sent it meanwhile
        message = messages.get(row.pk)
        if message is None:
            mine.delete()
            continue
        message.connection = mail_connection
        try:
            message.send()
        except Exception:  # noqa: BLE001 - one bad address or a server outage must not stop the sweep
            logger.warning("could not send %s %s; the next sweep retries it", owed.model.__name__, row.pk)
            mine.update(claimed_at=None)
            continue
        mine.update(sent_at=clock)
        sent += 1
    return sent


def _takeable(token: str, expired: datetime) -> Q:
    return Q(sweep_token=token) | Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired)


def _claim(model: type[MailClaim], pk: int, *, token: str, at: datetime, expired: datetime) -> bool:
    takeable = model.objects.filter(_takeable(token, expired), pk=pk, sent_at__isnull=True)
    return takeable.update(sweep_token=token, claimed_at=at) == 1


def mail_compose(user: User, subject: str, template: str, items: list[Item], today: date | None = None) -> EmailMessage:
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


def mail_recipients(user_ids) -> dict[int, User]:
    """Those of ``user_ids`` a mail can still reach: active, with an address."""
    return {user.pk: user for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")}
