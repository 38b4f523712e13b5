"""Settings for the Celery worker and beat that test_celery_integration.py starts as subprocesses.

The test settings, except that tasks go through the real broker (never eager),
on a queue of the test's own (other people's workers on the same Redis never
take its tasks), against the test database the test names, with mail written
to files the test reads, and a sweep every second.
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES, env

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TEST_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {"task": "followups.tasks.send_reminders", "schedule": 1.0},
}
DATABASES["default"]["NAME"] = env("TEST_DATABASE_NAME", default=DATABASES["default"]["NAME"])
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")  # a temporary directory of the test's own
# The test runs on any day at any hour: the digest must be due now.
DIGEST_HOUR = 0
DIGEST_WORKING_DAYS_ONLY = False
