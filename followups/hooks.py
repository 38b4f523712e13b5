"""Hooks: how the apps above ``followups`` take part in who sees a follow-up and in the reminder sweep.

``followups`` imports none of the apps built on it; they register here in ``AppConfig.ready()``
(``subjects.hooks`` explains the pattern). Receivers run synchronously, inside the caller's transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from subjects.hooks import Hook

if TYPE_CHECKING:
    from django.db.models import Q

    from accounts.models import User


@dataclass(frozen=True)
class Item:
    """One line of a notification or mail: a reference, what is owed, when, and where to go."""

    reference: str
    what: str
    due: date
    path: str


@dataclass(frozen=True)
class Escalated:
    """What one escalation step of a sweep did: rows claimed, notifications sent, and what to mail to whom."""

    claimed: int = 0
    notified: int = 0
    # (recipient's user id, item): merged into the one escalation mail each person gets from the sweep.
    mail: Iterable[tuple[int, Item]] = field(default_factory=tuple)


# Who sees a follow-up that belongs to no case (an agreement's expiry): each receiver returns a ``Q`` on
# ``FollowUp`` for the case-less ones ``user`` may see; they are OR-ed together (none registered: none seen).
visibility: Hook[["User"], "Q"] = Hook("visibility")

# Approvals waiting too long, escalated by the sweep (``today``, ``now``, the sweep's token). A receiver claims
# its ``Reminder`` rows (kind ``approval_escalation``) under the token and notifies, inside the sweep's
# transaction; the sweep mails its ``Escalated.mail`` after the commit.
approvals_escalate: Hook[[date, datetime, str], Escalated] = Hook("approvals_escalate")
