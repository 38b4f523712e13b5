"""The Celery application.

With no broker configured (``CELERY_BROKER_URL`` empty) tasks run in-process,
so a first run needs neither Redis nor a worker.
"""

import logging
import os

from celery import Celery
from django.db import transaction
from kombu.exceptions import OperationalError

# Workers, like the web processes, default to production settings (never a dev key by accident).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("prevent_protect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

# What an unreachable broker looks like. Celery publishes inside kombu's
# ``_reraise_as_library_errors``, so the transport's connection and channel
# errors (redis, socket, timeout) arrive as kombu's ``OperationalError``; the
# built-in connection and timeout errors cover a transport that lets one through
# raw. Deliberately not ``KombuError``: its ``EncodeError`` is a task argument
# that cannot be serialised, a bug in the caller.
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError)


def enqueue_on_commit(task, *args) -> None:
    """Send ``task`` after the current transaction commits.

    A broker outage must never fail the web request that caused the work:
    the failure is logged and the periodic sweep that backs every task picks
    the work up later. Tasks therefore take ids and are safe to run twice.
    Anything else (wrong arguments, an argument that cannot be serialised, a
    task body's error surfacing from an in-process run) is a bug and propagates.
    """

    def send() -> None:
        try:
            task.apply_async(args=args)
        except BROKER_ERRORS:
            logger.warning("could not enqueue %s; the periodic sweep will catch up", task.name)

    transaction.on_commit(send)


def enqueue_or_run(task, *args) -> None:
    """Send ``task`` now, or run it in this process when the broker cannot be reached.

    For the sweeps that resume stuck work: run from cron while the broker is down, they still finish it.
    """
    try:
        task.apply_async(args=args)
    except BROKER_ERRORS:
        logger.warning("could not enqueue %s; running it in this process", task.name)
        task.apply(args=args)
