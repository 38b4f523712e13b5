from django.core.management.base import BaseCommand

from reporting.services import returns_resume_stuck


class Command(BaseCommand):
    help = "Generate again the quarterly returns stuck generating (the sweep Celery beat runs; for cron without beat)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{returns_resume_stuck()} stuck return(s) resumed.")
