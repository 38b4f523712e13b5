"""Background work for follow-ups. Tasks take ids (JSON only), call one service and are safe to run twice.

No reminder is ever scheduled ahead (no ETA, no countdown): beat runs the sweep
on a static schedule and the sweep derives what is due from the data.
"""

from celery import shared_task

from . import reminders


@shared_task(ignore_result=True)
def send_reminders() -> None:
    """The periodic sweep: reminders, escalations and the day's digests."""
    reminders.reminders_sweep()


@shared_task(ignore_result=True)
def remind_followup(followup_id: int) -> None:
    """Remind about one follow-up created already due; the sweep does the same if this never runs."""
    reminders.followup_remind(followup_id=followup_id)
