"""The Celery application.

With no broker configured (``CELERY_BROKER_URL`` empty) tasks run in-process,
so a first run needs neither Redis nor a worker.
"""

import logging
import os

from celery import Celery
from django.db import transaction

# Workers, like the web processes, default to production settings (never a dev key by accident).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("prevent_protect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Send ``task`` after the current transaction commits.

    A broker outage must never fail the web request that caused the work:
    the failure is logged and the periodic sweep that backs every task picks
    the work up later. Tasks therefore take ids and are safe to run twice.
    """

    def send() -> None:
        try:
            task.apply_async(args=args)
        except Exception:  # noqa: BLE001 - any broker failure is survivable here
            logger.warning("could not enqueue %s; the periodic sweep will catch up", task.name)

    transaction.on_commit(send)
