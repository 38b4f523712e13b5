from django.core.management.base import BaseCommand

from followups.reminders import reminders_sweep


class Command(BaseCommand):
    help = "Send the reminders, escalations and daily digests that are due (the sweep Celery beat runs)."

    def handle(self, *args, **options) -> None:
        result = reminders_sweep()
        self.stdout.write(
            f"{result.reminders} reminder(s), {result.escalations} escalation(s), "
            f"{result.approval_escalations} approval escalation(s), {result.notifications} notification(s), "
            f"{result.digests} digest(s), {result.escalation_emails} escalation email(s)."
        )
